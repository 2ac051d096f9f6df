"""The import rules of the generator's house, checked on the source with ``ast``.

The rules (README, "How the generator is built"):

1. Every module belongs to one unit; a unit imports only the units its row of
   :data:`MAY_IMPORT` names (the layers run downward: a unit never imports one
   above it).
2. No import circle between modules, inside packages included.
3. No module imports another module's underscore name (``from .x import _y``).
4. A module inside a package never imports the package's own ``__init__``
   (its face for the outside).
5. The runtime imports nothing of the generator and names no provider.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.support.packages import ROOT, SPECS

GENERATOR = ROOT / "generator"

#: unit -> the units it may import. A unit is a module of generator/ or one of
#: its packages (build, docs_check, diff, runtime) as a whole.
MAY_IMPORT: dict[str, set[str]] = {
    # the generated clients' runtime: a world of its own
    "runtime": set(),
    # the ground floor: reading OpenAPI documents, findings, identifiers, template files
    "openapi": set(),
    "errors": set(),
    "names": set(),
    "template_files": set(),
    # the IR: type nodes, then the package model
    "ir_types": {"names"},
    "ir": {"ir_types", "names"},
    # reading specs: load, overlay, validate
    "load": {"errors", "openapi"},
    "overlay_doc": {"errors", "load", "openapi"},
    "overlay_apply": {"errors", "openapi", "overlay_doc"},
    "overlay": {"errors", "load", "openapi", "overlay_doc", "overlay_apply"},
    "spec_validator": set(),
    "validate": {"errors", "load", "openapi", "spec_validator", "runtime"},
    "bundle": {"errors", "load", "openapi"},
    # the pipeline's stages
    # build reads the runtime's stream media types and checks fold rules with its checker
    "build": {"errors", "ir", "ir_types", "load", "names", "openapi", "runtime"},
    "render": {"ir", "ir_types", "names", "template_files"},
    "format": set(),
    "write": set(),
    "background": set(),
    "pipeline": {
        "background",
        "build",
        "errors",
        "format",
        "ir",
        "load",
        "overlay",
        "render",
        "validate",
        "write",
    },
    # side commands
    "changelog": {"write"},
    "docs_check": {"errors", "load", "openapi", "overlay", "validate"},
    "diff": {"bundle", "errors", "load", "openapi", "overlay"},
    "publish": {
        "bundle",
        "errors",
        "load",
        "openapi",
        "overlay",
        "template_files",
        "validate",
    },
    # the command line
    "cli": {
        "changelog",
        "diff",
        "docs_check",
        "errors",
        "overlay",
        "pipeline",
        "publish",
        "write",
    },
    "__main__": {"cli"},
    "__init__": set(),
}
PACKAGES = {"build", "docs_check", "diff", "runtime"}


def modules() -> dict[str, Path]:
    """Dotted module name (``build.api``, ``runtime``) -> file, for all of generator/."""
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = path.relative_to(GENERATOR).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def unit(module: str) -> str:
    return module.split(".")[0]


def imports(
    module: str, path: Path, known: dict[str, Path]
) -> list[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every project import."""
    package = path.name == "__init__.py"
    here = module.split(".") if module != "__init__" else []
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if package else here[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (
                node.module == "generator" or node.module.startswith("generator.")
            ):
                target = node.module.removeprefix("generator").lstrip(".")
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                if sub in known:
                    found.append((sub, "", node.lineno))
                else:
                    found.append((target or "__init__", alias.name, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator."):
                    found.append(
                        (alias.name.removeprefix("generator."), "", node.lineno)
                    )
    return found


MODULES = modules()
EDGES = {m: imports(m, p, MODULES) for m, p in MODULES.items()}


def test_every_unit_has_a_rule() -> None:
    assert sorted({unit(m) for m in MODULES} - set(MAY_IMPORT)) == []


def test_units_import_only_what_their_layer_allows() -> None:
    broken = [
        f"{MODULES[m].relative_to(ROOT)}:{line}: {unit(m)} may not import {unit(t)}"
        for m, edges in EDGES.items()
        for t, _name, line in edges
        if unit(t) != unit(m) and unit(t) not in MAY_IMPORT.get(unit(m), set())
    ]
    assert broken == []


def test_no_import_circles() -> None:
    graph = {
        m: {t for t, _n, _l in EDGES[m] if t in MODULES and t != m} for m in MODULES
    }
    # Tarjan's strongly connected components, iteratively.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []
    counter = 0
    for start, edges in graph.items():
        if start in index:
            continue
        work = [(start, iter(sorted(edges)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    assert circles == []


def test_no_module_imports_another_modules_private_names() -> None:
    private = [
        f"{MODULES[m].relative_to(ROOT)}:{line}: {name} from {t}"
        for m, edges in EDGES.items()
        for t, name, line in edges
        if name.startswith("_") and not name.startswith("__") and t != m
    ]
    assert private == []


def test_no_module_imports_its_own_packages_face() -> None:
    upward = [
        f"{MODULES[m].relative_to(ROOT)}:{line}: imports {t}"
        for m, edges in EDGES.items()
        if "." in m
        for t, _name, line in edges
        if t == unit(m) and unit(m) in PACKAGES
    ]
    assert upward == []


def test_the_runtime_names_no_provider() -> None:
    """A provider's quirks reach the runtime as data from the spec, never by name."""
    ours = {p.stem.lower().replace("_", "[ _-]?") for p in SPECS.glob("*.yaml")}
    known = {"openai", "anthropic", "mistral", "together ai", "openrouter", "ollama"}
    words = re.compile(r"\b(" + "|".join(sorted(ours | known)) + r")", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for m, path in MODULES.items()
        if unit(m) == "runtime"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if words.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_no_hand_written_module_over_500_lines(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= 500, f"{MODULES[module].relative_to(ROOT)} has {lines} lines"

"""What ``generate`` changed in each package's public surface, for a reviewer.

The surface is read from Python source with :mod:`ast` on both sides (the
package on disk before writing, and the freshly rendered files), so it works
whatever generator version wrote the old package and never imports either.
It holds:

* methods, by the path a user calls them through (``client.chat.completions.create``),
  each with its parameters (name, annotation, default, kind) and return type;
  the sync client is the reference, its async twin mirrors it;
* types from ``types/``: models and TypedDicts with their fields, and aliases
  with their definition.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .write import read_tree

SKIP_PARAMS = {"self"}
# Every generated method takes these; listing them for each new method is noise.
REQUEST_OPTIONS = {
    "extra_headers",
    "extra_query",
    "extra_body",
    "timeout",
    "max_retries",
}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "positional" | "keyword"
    annotation: str
    default: str | None

    def text(self) -> str:
        shown = f"{self.name}: {self.annotation}" if self.annotation else self.name
        return shown + (f" = {self.default}" if self.default is not None else "")


@dataclass(frozen=True)
class Method:
    params: tuple[Param, ...]
    returns: tuple[str, ...]  # every overload's return type, then the implementation's

    def text(self) -> str:
        shown = [p.text() for p in self.params if p.name not in REQUEST_OPTIONS]
        if len(shown) < len(self.params):
            shown.append("...")
        params = ", ".join(shown)
        return f"({params}) -> {' | '.join(dict.fromkeys(self.returns)) or 'None'}"


@dataclass(frozen=True)
class TypeDef:
    kind: str  # "model" | "typeddict" | "alias" | "class"
    fields: tuple[
        tuple[str, str], ...
    ]  # (name, annotation [= default]); for an alias, ("", definition)


@dataclass
class Surface:
    """A package's public surface."""

    methods: dict[str, Method] = field(default_factory=dict)
    types: dict[str, TypeDef] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)


def _src(node: ast.AST | None) -> str:
    return "" if node is None else ast.unparse(node)


def _method(defs: list[ast.FunctionDef | ast.AsyncFunctionDef]) -> Method:
    impl = defs[-1]
    args = impl.args
    params: list[Param] = []
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    for arg, default in zip(positional, defaults, strict=True):
        if arg.arg not in SKIP_PARAMS:
            params.append(
                Param(
                    arg.arg,
                    "positional",
                    _src(arg.annotation),
                    None if default is None else _src(default),
                )
            )
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(
            Param(
                arg.arg,
                "keyword",
                _src(arg.annotation),
                None if kw_default is None else _src(kw_default),
            )
        )
    returns = tuple(_src(d.returns) for d in defs)
    return Method(tuple(params), returns)


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


def _children(cls: ast.ClassDef) -> dict[str, str]:
    """``@cached_property`` attributes of a client or resource: name -> class name."""
    out = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and any(
            _src(d).endswith("cached_property") for d in node.decorator_list
        ):
            out[node.name] = _src(node.returns).strip("'\"")
    return out


def _public_methods(
    cls: ast.ClassDef,
) -> dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
    for node in cls.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and not node.name.startswith("_")
            and not any(
                _src(d).endswith("cached_property") for d in node.decorator_list
            )
        ):
            found.setdefault(node.name, []).append(node)
    return found


def _type_defs(tree: ast.Module) -> dict[str, TypeDef]:
    out: dict[str, TypeDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = {_src(b) for b in node.bases}
            kind = (
                "typeddict"
                if "TypedDict" in bases
                else "model" if any(b.endswith("BaseModel") for b in bases) else "class"
            )
            fields = []
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(
                    item.target, ast.Name
                ):
                    text = _src(item.annotation)
                    if item.value is not None:
                        text += f" = {_src(item.value)}"
                    fields.append((item.target.id, text))
            out[node.name] = TypeDef(kind, tuple(fields))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name):
                continue
            name = targets[0].id
            if name.startswith("_") or name == "__all__" or node.value is None:
                continue
            value = node.value
            if (
                isinstance(value, ast.Call)
                and _src(value.func).endswith("TypedDict")
                and len(value.args) >= 2
                and isinstance(value.args[1], ast.Dict)
            ):
                fields = [
                    (_src(k).strip("'\""), _src(v))
                    for k, v in zip(
                        value.args[1].keys, value.args[1].values, strict=True
                    )
                    if k is not None
                ]
                out[name] = TypeDef("typeddict", tuple(fields))
            else:
                out[name] = TypeDef("alias", (("", _src(value)),))
    return out


def surface(files: Mapping[str, str | bytes]) -> Surface:
    """The public surface of one package given as {relative path: source}."""
    result = Surface()
    trees: dict[str, ast.Module] = {}
    for rel, text in files.items():
        if not rel.endswith(".py") or rel.startswith("_runtime/"):
            continue
        try:
            source = text.decode("utf-8") if isinstance(text, bytes) else text
            trees[rel] = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            result.unreadable.append(rel)
    classes: dict[str, ast.ClassDef] = {}
    for rel, tree in trees.items():
        if rel.startswith("types/") or rel == "types.py":
            result.types.update(_type_defs(tree))
        elif rel.startswith("resources/") or rel in ("_resources.py", "_client.py"):
            classes.update(_classes(tree))
    client_tree = trees.get("_client.py")
    roots = [
        c
        for c in (_classes(client_tree).values() if client_tree else [])
        if not c.name.startswith("Async") and _children(c)
    ]
    seen: set[str] = set()

    def walk(cls: ast.ClassDef, prefix: str) -> None:
        if cls.name in seen:
            return
        seen.add(cls.name)
        for name, defs in _public_methods(cls).items():
            if prefix != "client":
                result.methods[f"{prefix}.{name}"] = _method(defs)
        for attr, child in _children(cls).items():
            if child in classes:
                walk(classes[child], f"{prefix}.{attr}")

    for root in roots:
        walk(root, "client")
    # Resources no client attribute leads to still count, under their class name.
    for name, cls in classes.items():
        if (
            name not in seen
            and not name.startswith("Async")
            and _public_methods(cls)
            and any(_src(b).endswith("Resource") for b in cls.bases)
        ):
            walk(cls, name)
    return result


def _param_changes(old: Method, new: Method) -> list[str]:
    notes = []
    before = {p.name: p for p in old.params}
    after = {p.name: p for p in new.params}
    for name, p in after.items():
        if name not in before:
            notes.append(f"+ param {p.text()}")
    for name, p in before.items():
        if name not in after:
            notes.append(f"- param {p.name}")
        elif after[name] != p:
            was, now = p.text()[len(name) :], after[name].text()[len(name) :]
            notes.append(f"~ param {name}{was} ->{now.removeprefix(':')}")
    if [p.name for p in old.params if p.kind == "positional"] != [
        p.name for p in new.params if p.kind == "positional"
    ]:
        notes.append("~ positional arguments reordered")
    if dict.fromkeys(old.returns) != dict.fromkeys(new.returns):
        notes.append(
            f"~ returns {' | '.join(dict.fromkeys(old.returns))} -> "
            f"{' | '.join(dict.fromkeys(new.returns))}"
        )
    return notes


def _type_changes(old: TypeDef, new: TypeDef) -> list[str]:
    if old.kind != new.kind:
        return [f"~ was a {old.kind}, now a {new.kind}"]
    if new.kind == "alias":
        return [f"~ {old.fields[0][1]} -> {new.fields[0][1]}"]
    notes = []
    before, after = dict(old.fields), dict(new.fields)
    for name, text in after.items():
        if name not in before:
            notes.append(f"+ field {name}: {text}")
    for name, text in before.items():
        if name not in after:
            notes.append(f"- field {name}")
        elif after[name] != text:
            notes.append(f"~ field {name}: {text} -> {after[name]}")
    return notes


def compare(old: Surface, new: Surface) -> list[str]:
    """Lines describing every surface change, empty when there is none."""
    lines: list[str] = []
    for name in sorted(new.methods.keys() - old.methods.keys()):
        lines.append(f"+ method {name}{new.methods[name].text()}")
    for name in sorted(old.methods.keys() - new.methods.keys()):
        lines.append(f"- method {name}")
    for name in sorted(old.methods.keys() & new.methods.keys()):
        if old.methods[name] != new.methods[name]:
            notes = _param_changes(old.methods[name], new.methods[name])
            lines.append(f"~ method {name}")
            lines.extend(f"    {n}" for n in notes)
    for name in sorted(new.types.keys() - old.types.keys()):
        t = new.types[name]
        n = len(t.fields)
        size = "" if t.kind == "alias" else f", {n} field{'' if n == 1 else 's'}"
        lines.append(f"+ type {name} ({t.kind}{size})")
    for name in sorted(old.types.keys() - new.types.keys()):
        lines.append(f"- type {name}")
    for name in sorted(old.types.keys() & new.types.keys()):
        if old.types[name] != new.types[name]:
            lines.append(f"~ type {name}")
            lines.extend(
                f"    {n}" for n in _type_changes(old.types[name], new.types[name])
            )
    return lines


def _body(text: str | bytes) -> bytes:
    """A generated file without its header line, which names the spec's hash
    and so differs in every file whenever the spec changes at all."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    first, _, rest = data.partition(b"\n")
    return rest if first.startswith(b"# Generated by clientgen") else data


def _drop_unchanged_types(
    old: Mapping[str, str | bytes], new: Mapping[str, str | bytes]
) -> tuple[dict[str, str | bytes], dict[str, str | bytes]]:
    """Both sides without the ``types/`` modules that did not change.

    A types module contributes the same definitions to both surfaces when its
    body is the same, so parsing it twice only to compare equal is wasted (on
    the official OpenAI spec, ~1,100 modules). Resources and the client are
    always kept: methods are found by walking classes across files.
    """
    same = {
        rel
        for rel in old.keys() & new.keys()
        if rel.startswith("types/") and _body(old[rel]) == _body(new[rel])
    }
    return (
        {k: v for k, v in old.items() if k not in same},
        {k: v for k, v in new.items() if k not in same},
    )


def changelog(
    packages: Mapping[str, Mapping[str, str]],
    out_dir: Path,
    counts: Mapping[str, tuple[int, int]] | None = None,
) -> list[str]:
    """The report ``generate`` prints: per package, what changed compared with ``out_dir``.

    Call it before the packages are written. Packages whose surface did not
    change produce no lines at all. ``counts`` may give (methods, types) of
    new packages, which spares parsing a package that has nothing to compare with.
    """
    lines: list[str] = []
    for package in sorted(packages):
        on_disk = read_tree(out_dir / package)
        if not on_disk:
            if counts is not None and package in counts:
                n_methods, n_types = counts[package]
            else:
                new = surface(packages[package])
                n_methods, n_types = len(new.methods), len(new.types)
            lines.append(
                f"{package}: new package ({n_methods} methods, {n_types} types)"
            )
            continue
        old_files, new_files = _drop_unchanged_types(on_disk, packages[package])
        old, new = surface(old_files), surface(new_files)
        changes = compare(old, new)
        if old.unreadable:
            changes.append(
                "(not compared, not valid Python before: "
                + ", ".join(sorted(old.unreadable))
                + ")"
            )
        if changes:
            lines.append(f"{package}: public surface changed")
            lines.extend(f"  {c}" for c in changes)
    return lines

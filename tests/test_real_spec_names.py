"""Real provider specs: the client has the names the provider's users know, and every operation.

The names a spec states for its provider's SDK are read here independently
of the generator (``generator/build/naming.py``): the YAML walked by hand,
Python samples parsed with ``ast`` instead of a regular expression,
identifiers snake-cased by a rule of this file. The client side is the
imported package: its resources walked from the client object, each method
bound to the module-level ``Operation`` its code refers to.

Parity counts a stated (operation, name) when the client has that name and
binds it to an operation that states the same name (so a ``?beta=true`` twin
that repeats its main operation's sample counts once the main one has it);
the strict figure counts an operation only when its own method is its name.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml

from tests.support.packages import REAL_SPECS, load_package
from tests.support.real_specs import RealPackages

HTTP = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
WRAPPERS = {"with_raw_response", "with_streaming_response"}
#: spec file -> (operations that state a name, least parity, least strict parity)
PARITY = {
    "openai-openapi.yaml": (116, 0.95, 0.90),
    "together.yaml": (67, 0.95, 0.95),
    "openrouter.yaml": (82, 0.95, 0.95),
}


def read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def to_snake(word: str) -> str:
    """``apiKeys`` / ``API-Keys`` / ``api_keys`` -> ``api_keys``."""
    word = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", word)
    word = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", word)
    return "_".join(w for w in re.split(r"[^A-Za-z0-9]+", word) if w).lower()


def operations(data: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (data.get("paths") or {}).items():
        if path.startswith("x-") or not isinstance(item, dict):
            continue
        if "$ref" in item:
            ref = item["$ref"]
            assert ref.startswith("#/"), ref
            item = data
            for token in ref[2:].split("/"):
                item = item[token.replace("~1", "/").replace("~0", "~")]
        for method in HTTP:
            if isinstance(item.get(method), dict):
                yield method.upper(), path, item[method]


def first_client_call(source: str) -> str | None:
    """The first ``client.a.b(...)`` call of a Python sample, dotted, wrappers left out."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    calls.sort(key=lambda n: (n.lineno, n.col_offset))
    for call in calls:
        parts: list[str] = []
        node: ast.expr = call.func
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id == "client" and len(parts) >= 2:
            names = [p for p in reversed(parts) if p not in WRAPPERS]
            if len(names) >= 2:
                return ".".join(names)
    return None


def stated_name(op: dict[str, Any]) -> str | None:
    """The name a spec states for the operation in its provider's SDK, snake_case."""
    name: str | None = None
    if isinstance(op.get("x-speakeasy-name-override"), str):
        group = op.get("x-speakeasy-group") or (op.get("tags") or [None])[0]
        if isinstance(group, str):
            name = f"{group}.{op['x-speakeasy-name-override']}"
    elif isinstance(op.get("x-fern-sdk-method-name"), str):
        group = op.get("x-fern-sdk-group-name")
        groups = [group] if isinstance(group, str) else list(group or [])
        name = ".".join([*groups, op["x-fern-sdk-method-name"]])
    else:
        sources = [
            s.get("source")
            for key in ("x-codeSamples", "x-code-samples")
            for s in op.get(key) or []
            if isinstance(s, dict) and str(s.get("lang", "")).lower() == "python"
        ]
        examples = (op.get("x-oaiMeta") or {}).get("examples")
        for example in examples if isinstance(examples, list) else [examples]:
            if isinstance(example, dict):
                sources.append((example.get("request") or {}).get("python"))
        for source in sources:
            if isinstance(source, str):
                name = first_client_call(source)
                if name:
                    break
    if name is None:
        return None
    return ".".join(to_snake(p) for p in name.split("."))


def wire_key(method: str, path: str) -> tuple[str, str]:
    """What the client sends for a spec operation: the fragment is not, the query is."""
    return method, path.split("#", 1)[0]


_walked: dict[str, dict[str, tuple[str, str]]] = {}


def client_methods(package: ModuleType) -> dict[str, tuple[str, str]]:
    """dotted name -> (HTTP method, path) of every method reachable from the client."""
    if package.__name__ not in _walked:
        _walked[package.__name__] = _walk_client(package)
    return _walked[package.__name__]


def _walk_client(package: ModuleType) -> dict[str, tuple[str, str]]:
    client_cls = getattr(package, package.__all__[0])
    params = inspect.signature(client_cls).parameters
    creds = {
        n: "k"
        for n, p in params.items()
        if p.kind is p.POSITIONAL_OR_KEYWORD and n != "self"
    }
    creds.update(
        {
            n: "k"
            for n in params
            if n not in {"base_url", "timeout", "max_retries", "http_client"}
            and n not in {"default_headers", "strict_response_validation"}
        }
    )
    client = client_cls(base_url="http://127.0.0.1:9", **creds)
    found: dict[str, tuple[str, str]] = {}

    def walk(obj: Any, prefix: tuple[str, ...]) -> None:
        cls = type(obj)
        module = __import__(cls.__module__, fromlist=["_"])
        for name, attr in vars(cls).items():
            if name.startswith("_") or name in WRAPPERS:
                continue
            if isinstance(attr, cached_property):
                walk(getattr(obj, name), (*prefix, name))
            elif inspect.isfunction(attr):
                ops = [
                    getattr(module, g)
                    for g in attr.__code__.co_names
                    if type(getattr(module, g, None)).__name__ == "Operation"
                ]
                if not prefix and not ops:
                    continue  # the client's own methods: with_options, close...
                assert len(ops) == 1, (prefix, name, ops)
                op = ops[0]
                query = "?" + urlencode(op.query) if op.query else ""
                found[".".join((*prefix, name))] = (op.method, op.path + query)

    walk(client, ())
    client.close()
    return found


@pytest.fixture(scope="module")
def real_clients(real_packages: RealPackages) -> dict[str, ModuleType]:
    """Every real provider spec generated (lenient) and imported, by spec file name."""
    return {
        name: load_package(real_packages.path(name)) for name in real_packages.packages
    }


def parity(spec: str, package: ModuleType) -> tuple[int, int, int, list[str]]:
    """(stated, counted, strictly counted, misses) for one spec and its client."""
    data = read(REAL_SPECS / spec)
    stated: dict[tuple[str, str], str] = {}
    for method, path, op in operations(data):
        name = stated_name(op)
        if name is not None:
            stated[wire_key(method, path)] = name
    methods = client_methods(package)
    own = {key: name for name, key in methods.items()}
    counted = strict = 0
    misses = []
    for key, name in stated.items():
        bound = methods.get(name)
        if bound is not None and stated.get(bound) == name:
            counted += 1
        else:
            misses.append(f"{key}: states {name}, client has {own.get(key)}")
        strict += own.get(key) == name
    return len(stated), counted, strict, misses


@pytest.mark.parametrize("spec", sorted(PARITY))
def test_the_client_has_the_names_the_spec_states(
    spec: str, real_clients: dict[str, ModuleType]
) -> None:
    expected, least, least_strict = PARITY[spec]
    stated, counted, strict, misses = parity(spec, real_clients[spec])
    print(
        f"{spec}: {counted}/{stated} stated names on the client "
        f"({counted / stated:.1%}); strictly per operation {strict}/{stated} "
        f"({strict / stated:.1%})"
    )
    assert stated == expected
    assert counted / stated >= least, misses
    assert strict / stated >= least_strict, misses


def test_every_operation_of_every_real_spec_is_reachable(
    real_clients: dict[str, ModuleType],
) -> None:
    assert len(real_clients) >= 6
    for spec, package in real_clients.items():
        data = read(REAL_SPECS / spec)
        want = Counter(wire_key(m, p) for m, p, _ in operations(data))
        got = Counter(client_methods(package).values())
        assert got == want, spec

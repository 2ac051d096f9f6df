"""Check a doc's JSON body against the operation's schema, field by field.

Three kinds of problem, each with the doc path of the value and the JSON
pointer of the schema node responsible:

- ``invalid``: JSON Schema validation fails (wrong type, enum, const, ...),
  with OAS 3.1 semantics and ``$ref``s resolved (the validator of
  :mod:`generator.validate`);
- ``missing-required``: a field the schema requires is absent, unless the
  doc elided that part (``{...}``, ``"key": ...``);
- ``undeclared-field``: a field the schema does not declare, even where the
  schema allows extra fields (the spec lags the docs). Free-form objects
  (a schema that declares no properties at all) and maps
  (``additionalProperties: {schema}``) accept any key: the spec chose that;
- ``read-only-field``: a request sends a ``readOnly`` field (or a response
  carries a ``writeOnly`` one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..openapi import (
    escape_pointer_token,
    locate,
    pointer,
    resolve_pointer,
    unescape_pointer_token,
)
from .jsonish import Parsed, Path

_COMPONENT = re.compile(r"^#/components/schemas/[^/]+$")


@dataclass(frozen=True)
class Problem:
    """One way a doc body disagrees with the schema."""

    kind: str
    path: Path
    message: str
    schema_pointer: str


def loc(path: Path) -> str:
    """``data[0].id`` for a doc path; ``the body`` for the root."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][\w-]*", part):
            out += ("." if out else "") + part
        else:
            out += f"[{part!r}]"
    return out or "the body"


class BodyChecker:
    """Checks values against schemas of one spec, in the validator's OAS semantics."""

    def __init__(self, data: dict[str, Any], make_validator: Callable[[str], Any]):
        self.data = data
        self.make = make_validator

    def node(self, ptr: str) -> Any:
        try:
            return resolve_pointer(self.data, ptr)
        except KeyError:
            return None

    def check(
        self, value: Any, schema_ptr: str, parsed: Parsed | None, role: str
    ) -> list[Problem]:
        """Every problem of ``value`` against the schema at ``schema_ptr``."""
        elided = parsed.elided if parsed is not None else set()
        problems: list[Problem] = []
        seen: set[tuple[str, Path, str]] = set()
        errors = sorted(
            self.make(schema_ptr).iter_errors(value),
            key=lambda e: [str(p) for p in e.absolute_path],
        )
        for err in errors:
            path = tuple(err.absolute_path)
            where = self.error_pointer(schema_ptr, list(err.schema_path))
            if err.validator == "required":
                instance = err.instance if isinstance(err.instance, dict) else {}
                if path in elided:
                    continue
                for name in err.validator_value:
                    if name in instance or ("missing-required", path, name) in seen:
                        continue
                    seen.add(("missing-required", path, name))
                    problems.append(
                        Problem(
                            "missing-required",
                            path,
                            f"{loc(path)} lacks the required field {name!r}",
                            where,
                        )
                    )
                continue
            if path in elided and err.validator in ("minItems", "minProperties"):
                continue
            message = _shorten(str(err.message))
            if err.validator in ("anyOf", "oneOf") and err.context:
                closest = _closest(err.context)
                message += f" (closest: {loc(tuple(closest.absolute_path))}: {_shorten(str(closest.message))})"
            problems.append(Problem("invalid", path, f"{loc(path)}: {message}", where))
        self.walk(value, schema_ptr, (), role, problems, 0)
        return problems

    def error_pointer(self, root: str, schema_path: list[Any]) -> str:
        """The spec pointer of the schema node whose keyword failed.

        The validator's ``schema_path`` does not record the ``$ref``s it went
        through, so they are followed here wherever the next keyword is not
        in the node itself; the result names the definition to edit
        (``#/components/schemas/Model/properties/id``).
        """
        where, used = locate(self.data, schema_path, root)
        if schema_path and used == len(schema_path):
            where = where[:-1]  # the failing keyword itself: its schema is the place
        return pointer(where)

    # -- the schema parts that apply to a value --------------------------------

    def parts(
        self, value: Any, ptr: str, seen: frozenset[str] = frozenset()
    ) -> Iterator[str]:
        """The schema nodes that together describe ``value``: ``$ref``, ``allOf``, and the fitting ``anyOf``/``oneOf`` branches."""
        if ptr in seen or len(seen) > 64:
            return
        seen = seen | {ptr}
        node = self.node(ptr)
        if not isinstance(node, dict):
            return
        yield ptr
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            yield from self.parts(value, ref, seen)
        for i, _ in enumerate(node.get("allOf") or []):
            yield from self.parts(value, f"{ptr}/allOf/{i}", seen)
        for keyword in ("anyOf", "oneOf"):
            branches = [
                f"{ptr}/{keyword}/{i}" for i, _ in enumerate(node.get(keyword) or [])
            ]
            fitting = [b for b in branches if self._fits(b, value)]
            if not fitting:
                fitting = [b for b in branches if self._same_kind(b, value)]
            for branch in fitting:
                yield from self.parts(value, branch, seen)

    def _fits(self, ptr: str, value: Any) -> bool:
        try:
            return bool(self.make(ptr).is_valid(value))
        except Exception:  # noqa: BLE001 - a broken branch simply does not fit
            return False

    def _same_kind(self, ptr: str, value: Any) -> bool:
        kinds: set[str] = set()
        for part in self.parts(value, ptr):
            node = self.node(part)
            t = node.get("type") if isinstance(node, dict) else None
            kinds.update(
                [t] if isinstance(t, str) else t if isinstance(t, list) else []
            )
            if isinstance(node, dict) and "properties" in node:
                kinds.add("object")
            if isinstance(node, dict) and "items" in node:
                kinds.add("array")
        if isinstance(value, dict):
            return "object" in kinds
        if isinstance(value, list):
            return "array" in kinds
        return False

    # -- fields the schema does not declare ------------------------------------

    def walk(
        self,
        value: Any,
        ptr: str,
        path: Path,
        role: str,
        out: list[Problem],
        depth: int,
    ) -> None:
        if depth > 64:
            return
        parts = list(self.parts(value, ptr))
        nodes = [(p, self.node(p)) for p in parts]
        if isinstance(value, dict):
            props: dict[str, str] = {}
            declaring: list[str] = []
            maps: list[str] = []
            patterns: list[tuple[str, str]] = []
            for p, node in nodes:
                if isinstance(node.get("properties"), dict):
                    declaring.append(p)
                    for key in node["properties"]:
                        props.setdefault(
                            key, f"{p}/properties/{escape_pointer_token(key)}"
                        )
                extra = node.get("additionalProperties")
                if isinstance(extra, dict) and extra:
                    maps.append(p + "/additionalProperties")
                if isinstance(node.get("patternProperties"), dict):
                    for pattern in node["patternProperties"]:
                        patterns.append(
                            (
                                pattern,
                                f"{p}/patternProperties/{escape_pointer_token(pattern)}",
                            )
                        )
            if not declaring and not maps and not patterns:
                return  # a free-form object: the spec accepts any field here
            # name the schema a reader would open: the first named component
            # (NewThing, even when its fields come from an allOf part)
            named = [p for p, _ in nodes if _COMPONENT.match(p)]
            owner = named[0] if named else declaring[0] if declaring else ptr
            for key, sub in value.items():
                if key in props:
                    self._direction(props[key], sub, path + (key,), role, out)
                    self.walk(sub, props[key], path + (key,), role, out, depth + 1)
                    continue
                pattern_ptr = next(
                    (pp for pat, pp in patterns if _search(pat, key)), None
                )
                if pattern_ptr is not None:
                    self.walk(sub, pattern_ptr, path + (key,), role, out, depth + 1)
                elif maps:
                    self.walk(sub, maps[0], path + (key,), role, out, depth + 1)
                else:
                    out.append(
                        Problem(
                            "undeclared-field",
                            path + (key,),
                            f"{loc(path + (key,))} is not declared by the spec's schema {_schema_name(owner)}",
                            owner,
                        )
                    )
        elif isinstance(value, list):
            items = next(
                (
                    f"{p}/items"
                    for p, node in nodes
                    if isinstance(node.get("items"), dict)
                ),
                None,
            )
            if items is not None:
                for i, sub in enumerate(value):
                    self.walk(sub, items, path + (i,), role, out, depth + 1)

    def _direction(
        self, prop_ptr: str, value: Any, path: Path, role: str, out: list[Problem]
    ) -> None:
        flag = "readOnly" if role == "request" else "writeOnly"
        for p in self.parts(value, prop_ptr):
            node = self.node(p)
            if isinstance(node, dict) and node.get(flag) is True:
                side = (
                    "a request sends it"
                    if role == "request"
                    else "a response carries it"
                )
                out.append(
                    Problem(
                        "read-only-field" if role == "request" else "write-only-field",
                        path,
                        f"{loc(path)} is {flag} in the spec, but {side} in the doc",
                        p,
                    )
                )
                return


def _closest(context: list[Any]) -> Any:
    """The most telling error of a failed anyOf/oneOf: from the branch that failed least, and deepest.

    (jsonschema's ``best_match`` prefers shallow errors, which for a union
    usually names a branch of the wrong shape.)
    """
    branches: dict[Any, list[Any]] = {}
    for sub in context:
        key = sub.relative_schema_path[0] if sub.relative_schema_path else None
        branches.setdefault(key, []).append(sub)
    fewest = min(
        branches.values(),
        key=lambda errs: (len(errs), -max(len(e.absolute_path) for e in errs)),
    )
    return max(fewest, key=lambda e: len(e.absolute_path))


def _shorten(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


def _search(pattern: str, key: str) -> bool:
    try:
        return re.search(pattern, key) is not None
    except re.error:
        return False


def _schema_name(ptr: str) -> str:
    m = re.match(r"^#/components/schemas/([^/]+)$", ptr)
    return unescape_pointer_token(m.group(1)) if m else ptr

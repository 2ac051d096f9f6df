"""Compare two JSON Schemas for a client, by structure, in one direction.

The direction decides what "breaking" means:

* ``request``: the client produces the value and the server must accept it.
  Every value the old schema allowed must still be allowed: narrowing
  (a type or enum value removed, a field made required or non-nullable, a
  tighter limit) breaks; widening does not.
* ``response``: the server produces the value and the client reads it (our
  generated models validate it). The client must be able to read every value
  the new schema allows: widening (a new type, a new enum value, a field
  that becomes nullable or optional) breaks. A field or enum value that
  disappears breaks too: code that reads the field or handles the value
  stops working or stops type-checking. Narrowing otherwise does not.

``$ref``s are followed (two specs that say the same thing with and without
a named component compare equal); recursion is cut where a pair of nodes is
already being compared, and each pair is compared once (results are reused,
so shared components cost nothing more).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..openapi import deref, escape_pointer_token, is_ref, json_type
from .model import SchemaChange

TYPE_NAMES = ("string", "integer", "number", "boolean", "object", "array")
DOC_KEYS = ("description", "title", "example", "examples", "x-doc-decision")
# Limits that, tightened, reject values a request used to send.
UPPER = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
LOWER = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")


@dataclass
class View:
    """A schema normalised for comparison: what values it allows, in our terms."""

    pointer: str
    node: dict[str, Any]
    types: frozenset[str] | None  # None: any type; never contains "null"
    nullable: bool
    enum: tuple[Any, ...] | None  # without null
    properties: dict[str, tuple[Any, str]] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: tuple[Any, str] | None = None
    additional: Any = None  # None (unsaid), bool, or (schema, pointer)
    variants: list[tuple[Any, str]] = field(default_factory=list)
    ref: str | None = None


class Resolver:
    """Follows ``$ref``s inside one document, siblings of a ``$ref`` laid over its target."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def deref(self, node: Any, ptr: str) -> tuple[Any, str, str | None]:
        """The schema a (chain of) ``$ref`` leads to, its pointer, and the first reference.

        ``load_side`` has made sure every reference resolves; a cycle of
        references with no schema in it reads as ``None`` (anything).
        """
        first = node["$ref"] if is_ref(node) else None
        target, where = deref(self.doc, node, ptr, merge_siblings=True)
        return target, where, first


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, dict) and (
        node.get("type") == "null"
        or node.get("type") == ["null"]
        or node.get("const", 1) is None
    )


def view(resolver: Resolver, raw: Any, ptr: str) -> View:
    """Normalise the schema ``raw`` found at ``ptr``."""
    node, ptr, ref = resolver.deref(raw, ptr)
    if not isinstance(node, dict):  # true/false schemas and junk: "anything"
        return View(ptr, {}, None, node is not False, None, ref=ref)
    nullable = bool(node.get("nullable"))
    declared = node.get("type")
    types: set[str] | None = None
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {t for t in declared if isinstance(t, str)}
    if types is not None and "null" in types:
        nullable = True
        types.discard("null")
    enum: tuple[Any, ...] | None = None
    if "const" in node:
        enum = (node["const"],)
    elif isinstance(node.get("enum"), list):
        enum = tuple(node["enum"])
    if enum is not None and None in enum:
        nullable = True
        enum = tuple(v for v in enum if v is not None)
    v = View(ptr, node, None, nullable, enum, ref=ref)
    # allOf: the members' properties and requirements together.
    members = [(node, ptr)]
    for i, member in enumerate(node.get("allOf") or []):
        m_node, m_ptr, _ = resolver.deref(member, f"{ptr}/allOf/{i}")
        if isinstance(m_node, dict):
            members.append((m_node, m_ptr))
            if types is None and isinstance(m_node.get("type"), str):
                types = {m_node["type"]}
    required: set[str] = set()
    for m_node, m_ptr in members:
        for name, prop in (m_node.get("properties") or {}).items():
            v.properties.setdefault(
                name, (prop, f"{m_ptr}/properties/{escape_pointer_token(name)}")
            )
        if isinstance(m_node.get("required"), list):
            required.update(r for r in m_node["required"] if isinstance(r, str))
        if "additionalProperties" in m_node and v.additional is None:
            extra = m_node["additionalProperties"]
            v.additional = (
                extra
                if isinstance(extra, bool)
                else (extra, f"{m_ptr}/additionalProperties")
            )
    v.required = frozenset(required)
    if "items" in node:
        v.items = (node["items"], f"{ptr}/items")
    for key in ("anyOf", "oneOf"):
        for i, member in enumerate(node.get(key) or []):
            if _is_null_schema(resolver.deref(member, "")[0]):
                v.nullable = True
            else:
                v.variants.append((member, f"{ptr}/{key}/{i}"))
    if len(v.variants) == 1 and not node.get("properties") and types is None:
        # anyOf: [X, null] is "X or null": compare X itself.
        inner = view(resolver, *v.variants[0])
        inner.nullable = inner.nullable or v.nullable
        inner.node = {**inner.node, **{k: node[k] for k in DOC_KEYS if k in node}}
        return inner
    if types is None:
        if v.properties or v.additional is not None:
            types = {"object"}
        elif v.items is not None:
            types = {"array"}
        elif enum:
            types = {json_type(x) for x in enum}
    v.types = frozenset(types) if types is not None and not v.variants else None
    return v


def _covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every value of a type in ``narrow`` is a value of a type in ``wide``."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _types_text(types: frozenset[str] | None) -> str:
    return "any" if types is None else " | ".join(sorted(types)) or "nothing"


def _variant_key(resolver: Resolver, raw: Any) -> str:
    node, _ptr, ref = resolver.deref(raw, "")
    if ref:
        return "ref:" + ref.rsplit("/", 1)[-1]
    if isinstance(node, dict):
        t = node.get("type")
        if t is None:
            t = (
                "object"
                if "properties" in node
                else "array" if "items" in node else "any"
            )
        return "type:" + (",".join(sorted(t)) if isinstance(t, list) else str(t))
    return "any"


class SchemaDiff:
    """Compares schemas of an old and a new document; one instance per document pair."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old = Resolver(old)
        self.new = Resolver(new)
        self._memo: dict[tuple[str, str, str], list[SchemaChange]] = {}
        self._active: set[tuple[str, str, str]] = set()

    def compare(
        self, old_raw: Any, old_ptr: str, new_raw: Any, new_ptr: str, direction: str
    ) -> list[SchemaChange]:
        """Every change from the old schema to the new one, paths relative to them."""
        o = view(self.old, old_raw, old_ptr)
        n = view(self.new, new_raw, new_ptr)
        key = (o.pointer, n.pointer, direction)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return []  # a recursive schema: this pair is already being compared above
        self._active.add(key)
        try:
            found = list(self._compare(o, n, direction))
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found

    def _nested(
        self,
        prefix: str,
        old_raw: Any,
        old_ptr: str,
        new_raw: Any,
        new_ptr: str,
        direction: str,
    ) -> Iterator[SchemaChange]:
        for c in self.compare(old_raw, old_ptr, new_raw, new_ptr, direction):
            yield SchemaChange(
                c.rule, c.breaking, prefix + c.path, c.message, c.pointer
            )

    def _compare(self, o: View, n: View, d: str) -> Iterator[SchemaChange]:
        req = d == "request"

        def change(
            rule: str, breaking: bool, message: str, path: str = ""
        ) -> SchemaChange:
            return SchemaChange(f"{d}-{rule}", breaking, path, message, n.pointer)

        if o.nullable != n.nullable:
            if n.nullable:
                yield change(
                    "nullable-added",
                    not req,
                    "now allows null"
                    + ("" if req else ": clients that expect a value get None"),
                )
            else:
                yield change(
                    "nullable-removed",
                    req,
                    "no longer allows null"
                    + (": sending None is rejected" if req else ""),
                )
        if o.variants or n.variants:
            yield from self._compare_variants(o, n, d)
        elif o.types != n.types:
            if o.types is None or (n.types is not None and _covers(o.types, n.types)):
                yield change(
                    "type-narrowed",
                    req,
                    f"type narrowed from {_types_text(o.types)} to {_types_text(n.types)}",
                )
            elif n.types is None or _covers(n.types, o.types):
                yield change(
                    "type-widened",
                    not req,
                    f"type widened from {_types_text(o.types)} to {_types_text(n.types)}",
                )
            else:
                yield change(
                    "type-changed",
                    True,
                    f"type changed from {_types_text(o.types)} to {_types_text(n.types)}",
                )
                return  # nothing below compares meaningfully across types
        yield from self._compare_enum(o, n, d, change)
        old_format, new_format = o.node.get("format"), n.node.get("format")
        if old_format != new_format:
            yield change(
                "format-changed",
                not (req and new_format is None),
                f"format changed from {old_format or 'none'} to {new_format or 'none'}",
            )
        yield from self._compare_limits(o, n, d, change)
        if o.node.get("default") != n.node.get("default") and req:
            yield change(
                "default-changed",
                False,
                f"default changed from {o.node.get('default')!r} to {n.node.get('default')!r}",
            )
        for key in DOC_KEYS:
            if o.node.get(key) != n.node.get(key):
                yield SchemaChange(
                    "description-changed", False, "", f"{key} changed", n.pointer
                )
                break
        yield from self._compare_object(o, n, d, change)
        if o.items is not None and n.items is not None:
            yield from self._nested("[]", *o.items, *n.items, d)

    def _compare_enum(
        self, o: View, n: View, d: str, change: Any
    ) -> Iterator[SchemaChange]:
        req = d == "request"
        if o.enum is None and n.enum is None:
            return
        if o.enum is None:
            yield change(
                "enum-added",
                req,
                f"now restricted to {list(n.enum or ())!r}",
            )
            return
        if n.enum is None:
            yield change(
                "enum-removed",
                not req,
                f"no longer restricted to {list(o.enum)!r}",
            )
            return
        for value in o.enum:
            if value not in n.enum:
                yield change(
                    "enum-value-removed",
                    True,
                    f"enum value {value!r} removed"
                    + (
                        ": requests that send it are rejected"
                        if req
                        else ": code that handles it no longer matches the type"
                    ),
                )
        for value in n.enum:
            if value not in o.enum:
                yield change(
                    "enum-value-added",
                    not req,
                    f"enum value {value!r} added"
                    + ("" if req else ": older clients reject it"),
                )

    def _compare_limits(
        self, o: View, n: View, d: str, change: Any
    ) -> Iterator[SchemaChange]:
        req = d == "request"
        for key in UPPER + LOWER + ("pattern",):
            before, after = o.node.get(key), n.node.get(key)
            if before == after:
                continue
            if key == "pattern":
                tighter = after is not None
            elif after is None:
                tighter = False
            elif before is None:
                tighter = True
            elif isinstance(before, (int, float)) and isinstance(after, (int, float)):
                tighter = after < before if key in UPPER else after > before
            else:
                tighter = True
            yield change(
                "limit-tightened" if tighter else "limit-relaxed",
                req and tighter,
                f"{key} changed from {before!r} to {after!r}",
            )

    def _compare_object(
        self, o: View, n: View, d: str, change: Any
    ) -> Iterator[SchemaChange]:
        req = d == "request"
        hidden = "readOnly" if req else "writeOnly"

        def visible(v: View) -> dict[str, tuple[Any, str]]:
            out = {}
            for name, (raw, ptr) in v.properties.items():
                node = (self.old if v is o else self.new).deref(raw, ptr)[0]
                if not (isinstance(node, dict) and node.get(hidden)):
                    out[name] = (raw, ptr)
            return out

        old_props, new_props = visible(o), visible(n)
        for name, (_, ptr) in old_props.items():
            if name not in new_props:
                yield SchemaChange(
                    f"{d}-property-removed",
                    True,
                    f".{name}",
                    f"field {name!r} removed"
                    + (
                        ": callers that pass it fail"
                        if req
                        else ": code that reads it fails"
                    ),
                    ptr,
                )
        for name, (_, ptr) in new_props.items():
            if name in old_props:
                continue
            needed = name in n.required
            yield SchemaChange(
                (
                    f"{d}-property-added"
                    if not (req and needed)
                    else "request-required-property-added"
                ),
                req and needed,
                f".{name}",
                f"{'required ' if needed else 'optional '}field {name!r} added"
                + (": every call must now pass it" if req and needed else ""),
                ptr,
            )
        for name in old_props.keys() & new_props.keys():
            was, now = name in o.required, name in n.required
            ptr = new_props[name][1]
            if was != now:
                breaking = now if req else not now
                yield SchemaChange(
                    f"{d}-property-made-{'required' if now else 'optional'}",
                    breaking,
                    f".{name}",
                    f"field {name!r} is now {'required' if now else 'optional'}"
                    + (
                        ""
                        if not breaking
                        else ": calls without it fail" if req else ": it may be missing"
                    ),
                    ptr,
                )
            yield from self._nested(f".{name}", *old_props[name], *new_props[name], d)
        oa, na = o.additional, n.additional
        if isinstance(oa, tuple) and isinstance(na, tuple):
            yield from self._nested("{}", oa[0], oa[1], na[0], na[1], d)
        elif req and oa is not False and na is False:
            yield change(
                "additional-properties-closed",
                True,
                "no longer accepts fields beyond the listed ones",
            )

    def _compare_variants(self, o: View, n: View, d: str) -> Iterator[SchemaChange]:
        req = d == "request"

        def variants(v: View, resolver: Resolver) -> list[tuple[str, Any, str]]:
            if v.variants:
                return [(_variant_key(resolver, raw), raw, p) for raw, p in v.variants]
            # A plain schema compared with a union is a union of one.
            key = (
                "ref:" + v.ref.rsplit("/", 1)[-1]
                if v.ref
                else _variant_key(resolver, v.node)
            )
            return [(key, v.node, v.pointer)]

        old_vs = variants(o, self.old)
        new_vs = variants(n, self.new)
        unmatched_new = list(new_vs)
        for key, raw, ptr in old_vs:
            match = next((x for x in unmatched_new if x[0] == key), None)
            label = key.split(":", 1)[1]
            if match is None:
                yield SchemaChange(
                    f"{d}-variant-removed",
                    req,
                    "",
                    f"alternative {label} removed"
                    + (": values of it are rejected" if req else ""),
                    ptr,
                )
                continue
            unmatched_new.remove(match)
            if raw is o.node and match[1] is n.node:
                continue  # neither side is a union: nothing to pair up
            yield from self._nested(f"<{label}>", raw, ptr, match[1], match[2], d)
        for key, _, ptr in unmatched_new:
            label = key.split(":", 1)[1]
            yield SchemaChange(
                f"{d}-variant-added",
                not req,
                "",
                f"alternative {label} added"
                + ("" if req else ": older clients cannot read it"),
                ptr,
            )

"""Discriminated unions: oneOf/anyOf with a ``discriminator``, for :mod:`.types`.

pydantic checks a discriminated union by its tag alone, so a payload that
matches two members, or none, fails with the tagged member's errors only.
That needs every member to be a model with a Literal tag property (then
``Field(discriminator=...)``), or a mapping naming the members (then each is
tagged with its name and picked by :func:`discriminate` of the runtime).
Anything else stays a plain Union, with a warning.
"""

from __future__ import annotations

from typing import Any

from ..ir_types import Discriminated, Ref, Tagged
from ..openapi import escape_pointer_token
from .expr import RESPONSE, TypeExpr, literal, same, union_of
from .schemas import SchemaReader


def discriminated(
    reader: SchemaReader,
    schema: dict[str, Any],
    kept: list[tuple[Any, str, TypeExpr]],
    where: str,
) -> TypeExpr | None:
    """A pydantic discriminated union of ``kept``, or None (with a warning) if impossible.

    With every member a model whose property is a Literal, the union is
    ``Annotated[Union[...], Field(discriminator=...)]``. When a ``mapping``
    names the members instead, each member is tagged with its name and a
    callable picks it from the mapping (``Discriminator``/``Tag``).
    """
    disc = schema["discriminator"]
    dwhere = where + "/discriminator"
    prop = disc.get("propertyName") if isinstance(disc, dict) else None
    if not isinstance(prop, str) or not prop:
        reader.warn(dwhere, "discriminator without a propertyName is ignored")
        return None
    members = [e for _, _, e in kept]
    if len({e.node for e in members}) < 2:
        return None
    mapping = disc.get("mapping")
    mapping = mapping if isinstance(mapping, dict) else {}
    by_ref = {
        m["$ref"]: e.node
        for m, _, e in kept
        if isinstance(m, dict) and isinstance(m.get("$ref"), str)
    }
    # Literal-based: every member has a required (or one-valued) Literal property.
    tags: list[tuple[str, tuple[Any, ...]]] = []
    reason = None
    for member, mwhere, _ in kept:
        got = _member_tags(reader, member, prop, mwhere, set())
        if isinstance(got, str):
            reason = f"{mwhere}: {got}"
            break
        tags.append(got)
    if reason is None:
        names = {n for n, _ in tags}
        values = [v for _, vs in tags for v in vs]
        if len(names) != 1:
            reason = f"the members name the property {prop!r} differently"
        elif len({(type(v), v) for v in values}) != len(values):
            reason = "two members share a tag value"
        else:
            for tag, target in mapping.items():
                ref = _mapping_ref(target)
                member_name = by_ref.get(ref)
                i = next(
                    (j for j, e in enumerate(members) if e.node == member_name),
                    None,
                )
                if i is None or not any(same(tag, v) for v in tags[i][1]):
                    reason = f"mapping {tag!r} -> {target!r} differs from the members' literals"
                    break
        if reason is None:
            return TypeExpr(Discriminated(union_of(members).node, names.pop()))
    if mapping:
        tagged = _mapping_union(reader, prop, mapping, kept, dwhere)
        if tagged is not None:
            return tagged
    reader.warn(
        dwhere,
        f"discriminator {prop!r} cannot be checked by pydantic ({reason}); "
        "typed as a plain Union",
    )
    return None


def _mapping_union(
    reader: SchemaReader,
    prop: str,
    mapping: dict[str, Any],
    kept: list[tuple[Any, str, TypeExpr]],
    dwhere: str,
) -> TypeExpr | None:
    """Members tagged by name, picked through ``mapping`` (and implicit schema names)."""
    by_ref: dict[str, Ref] = {}
    for member, _, e in kept:
        if not (isinstance(member, dict) and isinstance(member.get("$ref"), str)):
            return None
        if not isinstance(e.node, Ref):
            return None
        by_ref[member["$ref"]] = e.node
    table: dict[Any, str] = {}
    for tag, target in mapping.items():
        if literal(tag) is None:
            return None  # a tag Python cannot compare as pydantic reads it
        name = by_ref.get(_mapping_ref(target))
        if name is None:
            reader.warn(
                dwhere + "/mapping/" + escape_pointer_token(tag),
                f"mapping target {target!r} is not one of the union's members",
            )
            return None
        table[tag] = name.name
    mapped = set(table.values())
    for ref, node in by_ref.items():
        if node.name not in mapped and ref.startswith("#/components/schemas/"):
            # OpenAPI: a member not in the mapping is tagged by its schema name.
            table.setdefault(ref.rsplit("/", 1)[1], node.name)
    return TypeExpr(Tagged(tuple(by_ref.values()), prop, tuple(table.items())))


def _member_tags(
    reader: SchemaReader, member: Any, prop: str, where: str, seen: set[str]
) -> tuple[str, tuple[Any, ...]] | str:
    """(Python field name, tag values) of one union member, or why it has none."""
    resolved, rwhere = reader.deref(member, where)
    if rwhere in seen:
        return "refers to itself"
    seen = seen | {rwhere}
    if not isinstance(resolved, dict):
        return "is not an object schema"
    for key in ("oneOf", "anyOf"):
        subs = resolved.get(key)
        if isinstance(subs, list):
            names: set[str] = set()
            values: list[Any] = []
            for j, sub in enumerate(subs):
                got = _member_tags(reader, sub, prop, f"{rwhere}/{key}/{j}", seen)
                if isinstance(got, str):
                    return got
                names.add(got[0])
                values.extend(got[1])
            if len(names) != 1:
                return f"nested members name {prop!r} differently"
            return names.pop(), tuple(values)
    if not reader.is_object(resolved):
        return "is not an object schema with properties"
    props, required = reader.collect_properties(resolved, rwhere)
    for plan in reader.field_plan(props, RESPONSE):
        if plan.wire != prop:
            continue
        values_ = _literal_values(reader, plan.schema, plan.where)
        if values_ is None:
            return f"property {prop!r} is not a Literal (const or enum)"
        if plan.wire not in required and len(values_) != 1:
            return f"property {prop!r} is optional"
        return plan.name, values_
    return f"has no property {prop!r}"


def _literal_values(reader: SchemaReader, schema: Any, where: str) -> tuple[Any, ...] | None:
    resolved, _ = reader.deref(schema, where)
    if not isinstance(resolved, dict) or resolved.get("nullable") is True:
        return None
    t = resolved.get("type")
    if isinstance(t, list) and "null" in t:
        return None
    if "const" in resolved:
        v = resolved["const"]
        return (v,) if v is not None and literal(v) is not None else None
    enum = resolved.get("enum")
    if isinstance(enum, list) and enum:
        if any(v is None or literal(v) is None for v in enum):
            return None
        return tuple(enum)
    parts = reader.typed_parts(resolved)
    if len(parts) == 1:
        return _literal_values(reader, parts[0][1], where)
    return None


def _mapping_ref(target: Any) -> str:
    """A discriminator mapping value as a ``$ref`` (it may be a bare schema name)."""
    text = str(target)
    return text if text.startswith("#") else "#/components/schemas/" + text

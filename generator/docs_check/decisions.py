"""The ``x-doc-decision`` notes of a spec that bear on a finding.

A spec explains with ``x-doc-decision`` how it resolved a contradiction in
the provider's docs; docs-check quotes the note next to a finding about
that place, so a reader sees the drift was a choice.
"""

from __future__ import annotations

from typing import Any

from ..openapi import deref, pointer, resolve_pointer, split_pointer


def decision_near(data: dict[str, Any], ptr: str) -> tuple[str, str] | None:
    """The ``x-doc-decision`` on the schema node at ``ptr`` or on a schema enclosing it.

    Climbs through schema structure only (``properties/x``, ``items``,
    ``anyOf/0``, ...), up to the media type's ``schema`` or the component
    schema, so a decision about something else next door is never quoted.
    """
    parts = split_pointer(ptr)
    while parts:
        where = pointer(parts)
        try:
            node = resolve_pointer(data, where)
        except KeyError:
            node = None
        if isinstance(node, dict) and isinstance(node.get("x-doc-decision"), str):
            return where, " ".join(node["x-doc-decision"].split())
        if parts[-1] == "schema" or (
            len(parts) == 3 and parts[:2] == ["components", "schemas"]
        ):
            return None
        parts = parts[:-1]
    return None


def decision_at(data: dict[str, Any], ptr: str) -> tuple[str, str] | None:
    """The ``x-doc-decision`` of the node at ``ptr`` itself (``$ref`` followed): (pointer, text)."""
    try:
        node = resolve_pointer(data, ptr)
    except KeyError:
        return None
    node, where = deref(data, node, ptr)
    if isinstance(node, dict) and isinstance(node.get("x-doc-decision"), str):
        return where, " ".join(node["x-doc-decision"].split())
    return None

"""Reading JSON Schemas for ``build``: references, object shapes, properties.

:class:`SchemaReader` answers the questions the type builder, the union
builder and the request-body builder all ask of a schema: where a ``$ref``
leads, whether the schema is an object (one model), which properties it has
through ``allOf``, and what each property is called in Python. It makes no
types; :class:`Reporter` collects what the parts of ``build`` find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import Code, Finding
from ..names import MODEL_RESERVED, Scope, snake_identifier
from ..openapi import deref, escape_pointer_token, is_ref, resolve_pointer
from .expr import PARAM, RESPONSE

# Keywords that only annotate a schema: an allOf part made of these adds no type.
ANNOTATION_ONLY = frozenset(
    {
        "description", "title", "default", "nullable", "deprecated", "example", "examples",
        "readOnly", "writeOnly", "externalDocs", "xml", "$comment", "discriminator",
    }
)  # fmt: skip


class Reporter:
    """What the parts of ``build`` find: errors stop generation, warnings do not.

    Errors are located (given their line) at once through ``locate``;
    warnings are kept once per (pointer, message) and located when the API
    is finished, since only the ones that survive are shown.
    """

    def __init__(
        self, display: str, locate: Callable[[str], int | None] | None = None
    ) -> None:
        self.display = display
        self._locate = locate
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self._warned: set[tuple[str, str]] = set()

    def error(self, where: str, message: str, code: Code) -> None:
        """Record an error of kind ``code``: generation stops."""
        line = self._locate(where) if self._locate else None
        self.errors.append(Finding(self.display, where, message, "error", line, code))

    def warn(self, where: str, message: str, code: Code) -> None:
        """Record a warning of kind ``code``, once per (pointer, message)."""
        if (where, message) in self._warned:
            return
        self._warned.add((where, message))
        self.warnings.append(
            Finding(self.display, where, message, "warning", code=code)
        )


@dataclass(frozen=True)
class Prop:
    """A property of an object schema, wherever in its ``allOf`` parts it was found."""

    wire: str  # the JSON key
    schema: Any
    where: str  # its pointer


@dataclass(frozen=True)
class FieldPlan:
    """A property kept for a model or a request: its Python name and its keywords."""

    wire: str
    schema: Any
    where: str
    name: str  # snake_case and unique in a model; the wire name in a request
    own: dict[str, Any]  # the property's own keywords (next to a $ref)
    resolved: dict[str, Any]  # the keywords of the schema it refers to (or its own)


class SchemaReader:
    """Reads the schemas of one spec; warnings go to ``report``."""

    def __init__(self, data: dict[str, Any], report: Reporter) -> None:
        self.data = data
        self.report = report

    def warn(
        self, where: str, message: str, code: Code = Code.SCHEMA_UNSUPPORTED
    ) -> None:
        """A warning about a schema: by default, one typed more loosely than declared."""
        self.report.warn(where, message, code)

    def resolve(self, ref: str) -> Any:
        """The node a local ``$ref`` points at (validation made sure it exists)."""
        return resolve_pointer(self.data, ref)

    def deref(self, schema: Any, where: str) -> tuple[Any, str]:
        """Follow a ``$ref`` chain; returns (schema, pointer of the final target).

        A cycle of references with no schema in it is typed as Any (an empty
        schema), with a warning at ``where``.
        """
        if not is_ref(schema):
            return schema, where
        target, at = deref(self.data, schema, where)
        if target is None and is_ref(_node_at(self.data, at)):
            self.warn(
                where,
                f"$ref cycle through {at} with no schema in it; typed as Any",
                Code.REF_CYCLE,
            )
            return {}, where
        return target, at

    def is_object(self, schema: Any) -> bool:
        """Whether ``schema`` becomes a model/TypedDict definition (it has properties)."""
        if not isinstance(schema, dict) or "oneOf" in schema or "anyOf" in schema:
            return False
        if isinstance(schema.get("properties"), dict) and schema["properties"]:
            return True
        parts = self.typed_parts(schema)
        return len(parts) > 1 and self.all_of_objects(parts)

    def typed_parts(self, schema: dict[str, Any]) -> list[tuple[int, Any]]:
        """allOf parts that constrain the type (annotation-only parts left out)."""
        parts = schema.get("allOf")
        if not isinstance(parts, list):
            return []
        out = []
        for i, part in enumerate(parts):
            if (
                isinstance(part, dict)
                and "$ref" not in part
                and set(part)
                <= (ANNOTATION_ONLY | {k for k in part if k.startswith("x-")})
            ):
                continue
            out.append((i, part))
        return out

    def all_of_objects(self, parts: list[tuple[int, Any]]) -> bool:
        """Whether every allOf part is an object schema (so they merge into one model)."""
        if not parts:
            return False
        for _, part in parts:
            resolved, _ = self.deref(part, "")
            if not isinstance(resolved, dict):
                return False
            if "oneOf" in resolved or "anyOf" in resolved:
                return False
            if not _object_like(resolved):
                return False
        return True

    def collect_properties(
        self, schema: dict[str, Any], where: str
    ) -> tuple[list[Prop], set[str]]:
        """Properties and required names, through allOf (a later part overrides an earlier one)."""
        props: list[Prop] = []
        required: set[str] = set()
        for i, part in self.typed_parts(schema):
            resolved, part_where = self.deref(part, f"{where}/allOf/{i}")
            if not isinstance(resolved, dict):
                continue
            if not _object_like(resolved):
                self.warn(
                    part_where,
                    "allOf part is not an object schema; the model does not check it",
                )
                continue
            p, r = self.collect_properties(resolved, part_where)
            props.extend(p)
            required |= r
        own = schema.get("properties")
        for wire, sub in (own if isinstance(own, dict) else {}).items():
            props.append(
                Prop(wire, sub, f"{where}/properties/{escape_pointer_token(wire)}")
            )
        req = schema.get("required")
        if isinstance(req, list):
            required |= {r for r in req if isinstance(r, str)}
        merged: dict[str, Prop] = {}
        for prop in props:
            merged[prop.wire] = prop
        return list(merged.values()), required

    def field_plan(self, props: list[Prop], mode: str) -> list[FieldPlan]:
        """The properties kept in ``mode``, with their Python names.

        readOnly properties are left out of requests, writeOnly ones out of
        responses. Model fields get snake_case names unique in the class;
        TypedDict keys stay the wire names.
        """
        scope = Scope(MODEL_RESERVED)
        out = []
        for prop in props:
            own = prop.schema if isinstance(prop.schema, dict) else {}
            resolved = self.deref(prop.schema, prop.where)[0] if own else prop.schema
            flags = resolved if isinstance(resolved, dict) else {}
            if mode == PARAM and (own.get("readOnly") or flags.get("readOnly")):
                continue
            if mode == RESPONSE and (own.get("writeOnly") or flags.get("writeOnly")):
                continue
            name = (
                prop.wire
                if mode == PARAM
                else scope.claim(
                    snake_identifier(
                        prop.wire, fallback="field", reserved=MODEL_RESERVED
                    )
                )
            )
            out.append(FieldPlan(prop.wire, prop.schema, prop.where, name, own, flags))
        return out


def description(schema: Any) -> str | None:
    """A schema's description (else its title), stripped; None when it has neither."""
    if isinstance(schema, dict):
        d = schema.get("description") or schema.get("title")
        if isinstance(d, str) and d.strip():
            return d.strip()
    return None


def _object_like(schema: dict[str, Any]) -> bool:
    return (
        isinstance(schema.get("properties"), dict)
        or "allOf" in schema
        or schema.get("type") == "object"
    )


def _node_at(data: Any, ref: str) -> Any:
    try:
        return resolve_pointer(data, ref)
    except KeyError:
        return None

"""Parameters and request bodies of an operation -> method arguments, for ``build``.

Path, query and header parameters keep their wire names and serialisation
(OpenAPI ``style``/``explode``); a JSON, form or multipart object body becomes
one keyword argument per property, any other body one ``body`` argument.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from ..errors import Code
from ..ir import Param
from ..ir_types import FileInput, ListOf, NotGivenOr, Prim, TypeNode
from ..names import METHOD_RESERVED, Scope, pascal_identifier, snake_identifier
from ..openapi import deref, escape_pointer_token, is_json_media_type
from .expr import PARAM, Site, TypeExpr, text
from .schemas import Reporter
from .types import TypeBuilder

# The default serialisation of each parameter location (OpenAPI: style, explode).
_DEFAULT_STYLE = {
    "query": ("form", True),
    "path": ("simple", False),
    "header": ("simple", False),
}
_QUERY_STYLES = {"form", "spaceDelimited", "pipeDelimited", "deepObject"}
# Schema keywords described in a parameter's docstring.
_BOUNDS = (
    ("minimum", ">="),
    ("exclusiveMinimum", ">"),
    ("maximum", "<="),
    ("exclusiveMaximum", "<"),
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("pattern", "pattern"),
)


@dataclass(frozen=True)
class RequestPath:
    """Where a spec path sends a request: the path template and fixed query parameters.

    Real specs give one endpoint two entries by suffixing its path: a query
    (``/responses?beta=true``: the query is part of the request) or a
    fragment (``/v1/conversations#stream``: never sent, it only tells the
    entries apart).
    """

    path: str
    query: tuple[tuple[str, str], ...] = ()


def request_path(spec_path: str) -> RequestPath:
    """The request path of a spec path: its fragment dropped, its query taken apart."""
    path = spec_path.split("#", 1)[0]
    path, _, query = path.partition("?")
    return RequestPath(path or "/", tuple(parse_qsl(query, keep_blank_values=True)))


@dataclass(frozen=True)
class ParamPlan:
    """An operation's path, query and header parameters."""

    params: tuple[Param, ...]  # path ones first, in the path's order
    fixed_headers: tuple[tuple[str, str], ...]  # required constant headers: not arguments
    slash: tuple[str, ...]  # path parameters sent with "/" unescaped
    styles: tuple[tuple[str, str, bool], ...]  # (wire, style, explode) when not the default


@dataclass(frozen=True)
class BodyPlan:
    """An operation's request body as arguments."""

    kind: str | None  # "json" | "form" | "multipart" | "binary" | None (no body)
    params: tuple[Param, ...] = ()
    drop_none: tuple[str, ...] = ()  # wire names where None means "leave out"
    # The Literal values of each argument that has them (Python name -> values).
    literals: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def parameters(
    types: TypeBuilder, report: Reporter, site: Site, scope: Scope
) -> ParamPlan | None:
    """The operation's parameters; None (with an error) when a path parameter is undeclared."""
    data = types.reader.data
    # Path-level ones, overridden by operation-level ones of the same (name, in).
    merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for source, base in (
        (site.item.get("parameters"), site.item_where + "/parameters"),
        (site.op.get("parameters"), site.where + "/parameters"),
    ):
        for i, raw in enumerate(source if isinstance(source, list) else []):
            p, _ = deref(data, raw, f"{base}/{i}")
            if (
                isinstance(p, dict)
                and isinstance(p.get("name"), str)
                and isinstance(p.get("in"), str)
            ):
                merged[(p["name"], p["in"])] = (p, f"{base}/{i}")
    path_names = re.findall(r"\{([^}/]+)\}", request_path(site.path).path)
    by_path: dict[str, Param] = {}
    other: list[Param] = []
    fixed: list[tuple[str, str]] = []
    slash: list[str] = []
    styles: list[tuple[str, str, bool]] = []
    for (pname, location), (p, pwhere) in merged.items():
        if location == "header" and pname.lower() in (
            "accept",
            "content-type",
            "authorization",
        ):
            continue  # OpenAPI: such header parameters are ignored
        if location == "cookie":
            report.warn(
                pwhere,
                "cookie parameters are not supported; pass it with extra_headers",
                Code.PARAMETER_UNSUPPORTED,
            )
            continue
        if location not in ("path", "query", "header"):
            report.warn(
                pwhere,
                f"parameters in {location!r} are not supported",
                Code.PARAMETER_UNSUPPORTED,
            )
            continue
        schema, style, explode = param_schema(report, p, location, pwhere)
        resolved, _ = deref(data, schema, pwhere)
        if location == "header" and p.get("required"):
            value = _constant(resolved)
            if value is not None:
                fixed.append((pname, value))
                continue
        if location == "path" and pname not in path_names:
            report.warn(
                pwhere,
                f"path parameter {pname!r} is not in the path; ignored",
                Code.PARAMETER_UNSUPPORTED,
            )
            continue
        t = types.expr(
            schema,
            PARAM,
            site.hint + pascal_identifier(pname, fallback="Param"),
            pwhere + ("/schema" if "schema" in p else "/content"),
        )
        if (style, explode) != _DEFAULT_STYLE[location]:
            styles.append((pname, style, explode))
        required = bool(p.get("required")) or location == "path"
        param = Param(
            name=scope.claim(
                snake_identifier(pname, fallback="param", reserved=METHOD_RESERVED)
            ),
            wire=pname,
            location=location,
            type=_argument(t.node, required),
            required=required,
            description=_param_doc(p.get("description"), resolved),
            deprecated=bool(p.get("deprecated")),
        )
        if location == "path":
            by_path[pname] = param
            if p.get("x-allow-slash") is True:
                slash.append(pname)
        else:
            other.append(param)
    missing = [n for n in path_names if n not in by_path]
    if missing:
        report.error(
            site.where,
            f"path parameter {{{missing[0]}}} in {site.path!r} is not declared",
            Code.PARAMETER_UNSUPPORTED,
        )
        return None
    ordered = [by_path[n] for n in dict.fromkeys(path_names)] + other
    return ParamPlan(tuple(ordered), tuple(fixed), tuple(slash), tuple(styles))


def param_schema(
    report: Reporter, p: dict[str, Any], location: str, where: str
) -> tuple[Any, str, bool]:
    """A parameter's schema and its (style, explode), checked against what we send."""
    default_style, _ = _DEFAULT_STYLE[location]
    if "schema" not in p and isinstance(p.get("content"), dict) and p["content"]:
        ctype, media = next(iter(p["content"].items()))
        media = media if isinstance(media, dict) else {}
        if is_json_media_type(str(ctype)):
            return media.get("schema", {}), "json", False
        report.warn(
            where + "/content",
            f"parameter content {ctype!r} is sent as plain text",
            Code.PARAMETER_UNSUPPORTED,
        )
        return media.get("schema", {}), default_style, False
    style = p.get("style", default_style)
    explode = p.get("explode", style == "form")
    explode = explode if isinstance(explode, bool) else style == "form"
    allowed = _QUERY_STYLES if location == "query" else {"simple"}
    if style not in allowed:
        report.warn(
            where + "/style",
            f"style {style!r} is not supported for {location} parameters; "
            f"sent as {default_style!r}",
            Code.PARAMETER_UNSUPPORTED,
        )
        style = default_style
    return p.get("schema", {}), style, explode


# -- request bodies ----------------------------------------------------------------


def request_body(types: TypeBuilder, site: Site, scope: Scope) -> BodyPlan:
    """The request body's encoding and arguments."""
    reader = types.reader
    media_type = _body_media_type(reader.data, site)
    if media_type is None:
        return BodyPlan(None)
    kind, body, ctype, media = media_type
    body_required = bool(body.get("required"))
    media_where = f"{site.where}/requestBody/content/{escape_pointer_token(ctype)}"
    schema = media.get("schema", {})
    resolved, _ = deref(reader.data, schema, media_where + "/schema")
    if kind == "binary":
        param = Param(
            scope.claim("body"),
            "body",
            "body_whole",
            _argument(Prim("bytes"), body_required),
            body_required,
        )
        return BodyPlan(kind, (param,))
    if not reader.is_object(resolved):
        t = types.expr(schema, PARAM, site.hint + "Body", media_where + "/schema")
        param = Param(
            name=scope.claim("body"),
            wire="body",
            location="body_whole",
            type=_argument(t.node, body_required),
            required=body_required,
            description=text(body.get("description")),
        )
        return BodyPlan(kind, (param,))
    schema_where = (
        schema["$ref"]
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str)
        else media_where + "/schema"
    )
    props, required = reader.collect_properties(resolved, schema_where)
    params: list[Param] = []
    drop: list[str] = []
    literals: dict[str, tuple[Any, ...]] = {}
    for plan in reader.field_plan(props, PARAM):
        t = types.expr(
            plan.schema,
            PARAM,
            site.hint + pascal_identifier(plan.wire, fallback="Field"),
            plan.where,
        )
        plain = t
        if kind == "multipart":
            t = _file_type(reader.data, t, plan.resolved)
        is_required = plan.wire in required and body_required
        if not t.nullable:
            drop.append(plan.wire)
        py_name = scope.claim(
            snake_identifier(plan.wire, fallback="field", reserved=METHOD_RESERVED)
        )
        if t.literals is not None:
            literals[py_name] = t.literals
        own, flags = plan.own, plan.resolved
        params.append(
            Param(
                name=py_name,
                wire=plan.wire,
                location="body",
                type=_argument(t.node, is_required),
                required=is_required,
                description=_param_doc(
                    own.get("description") or flags.get("description"),
                    flags,
                    own.get("default", flags.get("default", _NO_DEFAULT)),
                ),
                deprecated=bool(own.get("deprecated") or flags.get("deprecated")),
                file=t is not plain,
            )
        )
    return BodyPlan(kind, tuple(params), tuple(drop), literals)


def _body_media_type(
    data: dict[str, Any], site: Site
) -> tuple[str, dict[str, Any], str, dict[str, Any]] | None:
    """(encoding, request body, content type, media type) of the body we send, if any.

    JSON is preferred, then form, then multipart, then anything (sent as bytes).
    """
    body, _ = deref(data, site.op.get("requestBody"), site.where + "/requestBody")
    if not isinstance(body, dict):
        return None
    content = body.get("content") or {}
    content = content if isinstance(content, dict) else {}
    for kind, match in (
        ("json", is_json_media_type),
        ("form", lambda c: c.startswith("application/x-www-form-urlencoded")),
        ("multipart", lambda c: c.startswith("multipart/")),
        ("binary", lambda c: True),
    ):
        for ctype, media in content.items():
            if match(ctype.lower()):
                return kind, body, ctype, media if isinstance(media, dict) else {}
    return None


def _file_type(data: dict[str, Any], t: TypeExpr, schema: dict[str, Any]) -> TypeExpr:
    """Multipart: a binary field (or a list of them) takes files."""
    if _is_binary(schema):
        return TypeExpr(FileInput(), nullable=t.nullable)
    items, _ = deref(data, schema.get("items"), "")
    if schema.get("type") == "array" and isinstance(items, dict) and _is_binary(items):
        return TypeExpr(ListOf(FileInput(), mutable=False), nullable=t.nullable)
    return t


def _argument(node: TypeNode, required: bool) -> TypeNode:
    """An argument's type: an optional one may also be left out (NOT_GIVEN)."""
    return node if required else NotGivenOr(node)


_NO_DEFAULT = object()


def _constant(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("const"), str):
        return str(schema["const"])
    enum = schema.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0]
    return None


def _is_binary(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "string"
        and schema.get("format") in ("binary", "byte")
        or bool(schema.get("contentMediaType"))
        or schema.get("contentEncoding") == "binary"
    )


def _param_doc(description: Any, schema: Any, default: Any = _NO_DEFAULT) -> str | None:
    """A parameter's description, with its bounds and default (the server's, when omitted)."""
    doc = text(description)
    notes = []
    if isinstance(schema, dict):
        for key, label in _BOUNDS:
            value = schema.get(key)
            if value is not None and not isinstance(value, bool):
                notes.append(f"{label} {json.dumps(value)}")
        if default is _NO_DEFAULT and "default" in schema:
            default = schema["default"]
    if default is not _NO_DEFAULT:
        notes.append(f"default {json.dumps(default, ensure_ascii=False)[:80]}")
    if not notes:
        return doc
    note = "(" + ", ".join(notes) + ")"
    return f"{doc} {note}" if doc else note

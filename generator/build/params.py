"""Parameters and request bodies of an operation -> method arguments, for ``build``.

Path, query and header parameters keep their wire names and serialisation
(OpenAPI ``style``/``explode``); a JSON, form or multipart object body becomes
one keyword argument per property, any other body one ``body`` argument.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..ir import Param
from ..names import METHOD_RESERVED, Scope, pascal_identifier, snake_identifier
from ..openapi import escape_pointer_token, pointer
from .expr import PARAM, TypeExpr, text

if TYPE_CHECKING:
    from .api import Builder

JSON_TYPE = re.compile(r"^application/([\w.+-]*\+)?json\b|^application/json", re.I)
# The default serialisation of each parameter location (OpenAPI: style, explode).
_DEFAULT_STYLE = {
    "query": ("form", True),
    "path": ("simple", False),
    "header": ("simple", False),
}


def not_given(annotation: str) -> str:
    """The annotation of an optional argument: its type, or the NOT_GIVEN sentinel."""
    return f"Union[{annotation}, NotGiven]"


def given(annotation: str) -> str:
    """The inverse of :func:`not_given` (the annotation itself when not optional)."""
    prefix, suffix = "Union[", ", NotGiven]"
    if annotation.startswith(prefix) and annotation.endswith(suffix):
        return annotation[len(prefix) : -len(suffix)]
    return annotation


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


def parameters(
    b: Builder,
    path: str,
    item: dict[str, Any],
    op: dict[str, Any],
    where: str,
    scope: Scope,
    hint_base: str,
) -> tuple[
    list[Param] | None,
    list[tuple[str, str]],
    list[str],
    list[tuple[str, str, bool]],
    set[str],
]:
    """Path, query and header parameters (path ones in template order), fixed headers,
    slash-allowing path params, non-default styles, and the types they use."""
    # Path-level ones, overridden by operation-level ones of the same (name, in).
    merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for source, base in (
        (item.get("parameters"), pointer(["paths", path, "parameters"])),
        (op.get("parameters"), where + "/parameters"),
    ):
        for i, raw in enumerate(source if isinstance(source, list) else []):
            p = b.deref(raw)
            if (
                isinstance(p, dict)
                and isinstance(p.get("name"), str)
                and isinstance(p.get("in"), str)
            ):
                merged[(p["name"], p["in"])] = (p, f"{base}/{i}")
    path_names = re.findall(r"\{([^}/]+)\}", path.split("?")[0])
    by_path: dict[str, Param] = {}
    other: list[Param] = []
    fixed: list[tuple[str, str]] = []
    slash: list[str] = []
    styles: list[tuple[str, str, bool]] = []
    deps: set[str] = set()
    for (pname, location), (p, pwhere) in merged.items():
        if location == "header" and pname.lower() in (
            "accept",
            "content-type",
            "authorization",
        ):
            continue  # OpenAPI: such header parameters are ignored
        if location == "cookie":
            b.warn(
                pwhere,
                "cookie parameters are not supported; pass it with extra_headers",
            )
            continue
        if location not in ("path", "query", "header"):
            b.warn(pwhere, f"parameters in {location!r} are not supported")
            continue
        schema, style, explode = param_schema(b, p, location, pwhere)
        if location == "header" and p.get("required"):
            value = _constant(b.deref(schema))
            if value is not None:
                fixed.append((pname, value))
                continue
        if location == "path" and pname not in path_names:
            b.warn(pwhere, f"path parameter {pname!r} is not in the path; ignored")
            continue
        t = b.types.expr(
            schema,
            PARAM,
            hint_base + pascal_identifier(pname, fallback="Param"),
            pwhere + ("/schema" if "schema" in p else "/content"),
        )
        deps |= t.deps
        if (style, explode) != _DEFAULT_STYLE[location]:
            styles.append((pname, style, explode))
        required = bool(p.get("required")) or location == "path"
        param = Param(
            name=scope.claim(
                snake_identifier(pname, fallback="param", reserved=METHOD_RESERVED)
            ),
            wire=pname,
            location=location,
            annotation=t.annotation if required else not_given(t.annotation),
            required=required,
            description=_param_doc(p.get("description"), b.deref(schema)),
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
        b.error(
            where,
            f"path parameter {{{missing[0]}}} in {path!r} is not declared",
        )
        return None, [], [], [], set()
    ordered = [by_path[n] for n in dict.fromkeys(path_names)] + other
    return ordered, fixed, slash, styles, deps


def param_schema(
    b: Builder, p: dict[str, Any], location: str, where: str
) -> tuple[Any, str, bool]:
    """A parameter's schema and its (style, explode), checked against what we send."""
    default_style, _ = _DEFAULT_STYLE[location]
    if "schema" not in p and isinstance(p.get("content"), dict) and p["content"]:
        ctype, media = next(iter(p["content"].items()))
        media = media if isinstance(media, dict) else {}
        if JSON_TYPE.match(str(ctype)):
            return media.get("schema", {}), "json", False
        b.warn(
            where + "/content",
            f"parameter content {ctype!r} is sent as plain text",
        )
        return media.get("schema", {}), default_style, False
    style = p.get("style", default_style)
    explode = p.get("explode", style == "form")
    explode = explode if isinstance(explode, bool) else style == "form"
    allowed = _QUERY_STYLES if location == "query" else {"simple"}
    if style not in allowed:
        b.warn(
            where + "/style",
            f"style {style!r} is not supported for {location} parameters; "
            f"sent as {default_style!r}",
        )
        style = default_style
    return p.get("schema", {}), style, explode


# -- request bodies ----------------------------------------------------------------


def request_body(
    b: Builder, op: dict[str, Any], where: str, scope: Scope, hint_base: str
) -> tuple[str | None, list[Param], list[str], set[str], dict[str, tuple[Any, ...]]]:
    """(encoding, body arguments, fields where None means omit, types used,
    Literal values of each argument that has them)."""
    body = b.deref(op.get("requestBody"))
    if not isinstance(body, dict):
        return None, [], [], set(), {}
    content = body.get("content") or {}
    content = content if isinstance(content, dict) else {}
    body_required = bool(body.get("required"))
    chosen = None
    for kind, match in (
        ("json", lambda c: bool(JSON_TYPE.match(c))),
        ("form", lambda c: c.startswith("application/x-www-form-urlencoded")),
        ("multipart", lambda c: c.startswith("multipart/")),
        ("binary", lambda c: True),
    ):
        for ctype, media in content.items():
            if match(ctype.lower()):
                chosen = (kind, ctype, media if isinstance(media, dict) else {})
                break
        if chosen:
            break
    if chosen is None:
        return None, [], [], set(), {}
    kind, ctype, media = chosen
    media_where = f"{where}/requestBody/content/{escape_pointer_token(ctype)}"
    schema = media.get("schema", {})
    resolved = b.deref(schema)
    if kind == "binary":
        param = Param(
            scope.claim("body"),
            "body",
            "body_whole",
            "bytes" if body_required else not_given("bytes"),
            body_required,
        )
        return kind, [param], [], set(), {}
    if not b.types._is_object(resolved):
        t = b.types.expr(schema, PARAM, hint_base + "Body", media_where + "/schema")
        param = Param(
            name=scope.claim("body"),
            wire="body",
            location="body_whole",
            annotation=(t.annotation if body_required else not_given(t.annotation)),
            required=body_required,
            description=text(body.get("description")),
        )
        return kind, [param], [], set(t.deps), {}
    schema_where = (
        schema["$ref"]
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str)
        else media_where + "/schema"
    )
    props, required = b.types.collect_properties(resolved, schema_where)
    params: list[Param] = []
    drop: list[str] = []
    deps: set[str] = set()
    literals: dict[str, tuple[Any, ...]] = {}
    for wire, sub, sub_where, _, own, flags in b.types.field_plan(props, PARAM):
        t = b.types.expr(
            sub,
            PARAM,
            hint_base + pascal_identifier(wire, fallback="Field"),
            sub_where,
        )
        if kind == "multipart":
            t = _file_type(b, t, flags)
        deps |= t.deps
        is_required = wire in required and body_required
        if not t.nullable:
            drop.append(wire)
        py_name = scope.claim(
            snake_identifier(wire, fallback="field", reserved=METHOD_RESERVED)
        )
        if t.literals is not None:
            literals[py_name] = t.literals
        params.append(
            Param(
                name=py_name,
                wire=wire,
                location="body",
                annotation=(t.annotation if is_required else not_given(t.annotation)),
                required=is_required,
                description=_param_doc(
                    own.get("description") or flags.get("description"),
                    flags,
                    own.get("default", flags.get("default", _NO_DEFAULT)),
                ),
                deprecated=bool(own.get("deprecated") or flags.get("deprecated")),
            )
        )
    return kind, params, drop, deps, literals


def _file_type(b: Builder, t: TypeExpr, schema: dict[str, Any]) -> TypeExpr:
    """Multipart: a binary field (or a list of them) takes files."""
    if _is_binary(schema):
        return TypeExpr("FileInput", nullable=t.nullable)
    items = b.deref(schema.get("items"))
    if schema.get("type") == "array" and isinstance(items, dict):
        if _is_binary(items):
            return TypeExpr("Sequence[FileInput]", nullable=t.nullable)
    return t


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

"""Responses of an operation -> the method's result and stream, for ``build``.

The first JSON schema of the 2xx responses (several different ones: a Union;
a 2xx without a body as well: Optional) is the result; otherwise text,
bytes or None. A ``text/event-stream`` response makes the method stream,
selected by a boolean ``stream`` field or an enum field with an SSE value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import Param, StreamInfo
from ..openapi import escape_pointer_token
from .expr import ANY, RESPONSE, TypeExpr
from .params import JSON_TYPE, given

if TYPE_CHECKING:
    from .api import Builder

# Values of an enum body field that select a server-sent-event stream.
_SSE_VALUES = ("sse", "event-stream", "text/event-stream")


def responses(
    b: Builder, op: dict[str, Any], where: str, hint_base: str
) -> tuple[str, TypeExpr, str | None, tuple[TypeExpr, str | None, bool] | None]:
    """(result kind, JSON result type, Accept override, (chunk type, terminator, required))."""
    responses = op.get("responses") or {}
    responses = responses if isinstance(responses, dict) else {}
    success = [c for c in responses if str(c).startswith("2")]
    success.sort(key=lambda c: (str(c).upper() == "2XX", str(c)))
    if not success and "default" in responses:
        success = ["default"]  # OpenAPI: default covers success when no 2xx is given
    json_types: list[TypeExpr] = []
    kind = "none"
    accept: str | None = None
    stream: tuple[TypeExpr, str | None, bool] | None = None
    empty = False
    for code in success:
        resp = b.deref(responses[code])
        if not isinstance(resp, dict):
            continue
        rwhere = f"{where}/responses/{escape_pointer_token(str(code))}"
        content = resp.get("content")
        if not isinstance(content, dict) or not content:
            empty = True
            continue
        for ctype, media in content.items():
            media = media if isinstance(media, dict) else {}
            mwhere = f"{rwhere}/content/{escape_pointer_token(ctype)}"
            lower = ctype.lower()
            if lower.startswith("text/event-stream"):
                if stream is None:
                    stream = stream_of(b, media, mwhere, hint_base)
                continue
            if JSON_TYPE.match(lower):
                json_types.append(
                    b.types.expr(
                        media.get("schema", {}),
                        RESPONSE,
                        hint_base + "Response",
                        mwhere + "/schema",
                    )
                )
                kind = "json"
            elif kind == "none" and lower.startswith("text/"):
                kind, accept = "text", ctype
            elif kind == "none":
                kind, accept = "bytes", ctype
    if kind != "json":
        return kind, TypeExpr("None"), accept, stream
    seen: dict[str, TypeExpr] = {}
    for t in json_types:
        seen.setdefault(t.annotation, t)
    if len(seen) == 1:
        result = next(iter(seen.values()))
    else:
        deps = frozenset().union(*(t.deps for t in seen.values()))
        nullable = any(t.nullable for t in seen.values())
        result = TypeExpr(f"Union[{', '.join(seen)}]", deps, nullable)
    if empty:
        result = result.optional()  # e.g. 200 with JSON, 204 without a body
    return kind, result, None, stream


def stream_of(
    b: Builder, media: dict[str, Any], where: str, hint_base: str
) -> tuple[TypeExpr, str | None, bool]:
    data_schema = media.get("x-event-data-schema")
    data_where = where + "/x-event-data-schema"
    if data_schema is None:
        # The official OpenAI spec's convention: the media type's schema is the event data.
        schema = media.get("schema")
        resolved = b.deref(schema)
        if (
            isinstance(resolved, dict)
            and resolved.get("type") not in (None, "string")
            or (isinstance(schema, dict) and "$ref" in schema)
        ):
            data_schema, data_where = schema, where + "/schema"
    if data_schema is None:
        b.warn(
            where,
            "event stream without x-event-data-schema: chunks are untyped JSON",
        )
        chunk = ANY
    else:
        chunk = b.types.expr(data_schema, RESPONSE, hint_base + "Chunk", data_where)
    terminator = media.get("x-stream-terminator")
    if isinstance(terminator, str):
        return chunk, terminator, True
    # Not declared: accept the OpenAI convention if the server sends it, but do
    # not require it (streams of other APIs simply end).
    return chunk, "[DONE]", False


def stream_info(
    b: Builder,
    stream: tuple[TypeExpr, str | None, bool],
    body_params: list[Param],
    literals: dict[str, tuple[Any, ...]],
    result_kind: str,
    where: str,
) -> StreamInfo | None:
    """How the method streams: a boolean ``stream`` field, an enum field with an
    SSE value (``stream_format: "sse"``), or always (nothing else to return)."""
    chunk_t, terminator, required_terminator = stream
    common = dict(
        chunk_annotation=chunk_t.annotation,
        chunk_runtime=chunk_t.annotation,
        terminator=terminator,
        terminator_required=required_terminator,
    )
    for p in body_params:
        base = given(p.annotation)
        if p.wire == "stream" and base in ("bool", "Optional[bool]"):
            nullable = base.startswith("Optional[")
            return StreamInfo(
                **common,
                param=p.name,
                param_wire=p.wire,
                param_nullable=nullable,
                always=False,
                on_value=True,
                on_annotation="Literal[True]",
                off_annotation=(
                    "Optional[Literal[False]]" if nullable else "Literal[False]"
                ),
                any_annotation=base,
            )
    for p in body_params:
        values = literals.get(p.name, ())
        on = next((v for v in values if v in _SSE_VALUES), None)
        if on is not None and len(values) > 1:
            off = ", ".join(repr(v) for v in values if v != on)
            return StreamInfo(
                **common,
                param=p.name,
                param_wire=p.wire,
                param_nullable=False,
                always=False,
                on_value=on,
                on_annotation=f"Literal[{on!r}]",
                off_annotation=f"Literal[{off}]",
                any_annotation=f"Literal[{', '.join(repr(v) for v in values)}]",
            )
    if result_kind != "none":
        b.warn(
            where,
            "operation can stream but has no boolean 'stream' body field (nor an "
            "enum field with an 'sse' value); it never streams",
        )
        return None
    return StreamInfo(
        **common, param=None, param_wire=None, param_nullable=False, always=True
    )

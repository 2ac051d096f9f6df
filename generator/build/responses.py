"""Responses of an operation -> the method's result and stream, for ``build``.

The first JSON schema of the 2xx responses (several different ones: a Union;
a 2xx without a body as well: Optional) is the result; otherwise text,
bytes or None. A ``text/event-stream`` response makes the method stream,
selected by a boolean ``stream`` field or an enum field with an SSE value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Code
from ..ir import Param, StreamInfo
from ..ir_types import NONE, Lit, NotGivenOr, Nullable, Prim, TypeNode, UnionOf
from ..openapi import deref, escape_pointer_token, is_json_media_type
from .expr import ANY, RESPONSE, TypeExpr
from .schemas import Reporter
from .types import TypeBuilder

_BOOL = Prim("bool")
# Values of an enum body field that select a server-sent-event stream.
_SSE_VALUES = ("sse", "event-stream", "text/event-stream")


@dataclass(frozen=True)
class StreamPlan:
    """What an event stream carries."""

    chunk: TypeExpr  # the type of each event's JSON data
    terminator: str | None  # the data payload that ends the stream
    terminator_required: bool  # a stream that ends without it broke off


@dataclass(frozen=True)
class ResponsePlan:
    """What an operation answers."""

    kind: str  # "json" | "text" | "bytes" | "none"
    result: TypeExpr  # the JSON body's type (None when the body is not JSON)
    accept: str | None  # the Accept header for a text or bytes body
    stream: StreamPlan | None  # when a 2xx answer is an event stream


def responses(
    types: TypeBuilder, report: Reporter, op: dict[str, Any], where: str, hint: str
) -> ResponsePlan:
    """The result of the operation at ``where`` (``hint`` prefixes inline type names)."""
    data = types.reader.data
    responses = op.get("responses") or {}
    responses = responses if isinstance(responses, dict) else {}
    success = [c for c in responses if str(c).startswith("2")]
    success.sort(key=lambda c: (str(c).upper() == "2XX", str(c)))
    if not success and "default" in responses:
        success = ["default"]  # OpenAPI: default covers success when no 2xx is given
    json_types: list[TypeExpr] = []
    kind = "none"
    accept: str | None = None
    stream: StreamPlan | None = None
    empty = False
    for code in success:
        rwhere = f"{where}/responses/{escape_pointer_token(str(code))}"
        resp, _ = deref(data, responses[code], rwhere)
        if not isinstance(resp, dict):
            continue
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
                    stream = stream_of(types, report, media, mwhere, hint)
                continue
            if is_json_media_type(lower):
                json_types.append(
                    types.expr(
                        media.get("schema", {}),
                        RESPONSE,
                        hint + "Response",
                        mwhere + "/schema",
                    )
                )
                kind = "json"
            elif kind == "none" and lower.startswith("text/"):
                kind, accept = "text", ctype
            elif kind == "none":
                kind, accept = "bytes", ctype
    if kind != "json":
        return ResponsePlan(kind, TypeExpr(NONE), accept, stream)
    seen: dict[TypeNode, TypeExpr] = {}
    for t in json_types:
        seen.setdefault(t.node, t)
    if len(seen) == 1:
        result = next(iter(seen.values()))
    else:
        nullable = any(t.nullable for t in seen.values())
        result = TypeExpr(UnionOf(tuple(seen)), nullable)
    if empty:
        result = result.optional()  # e.g. 200 with JSON, 204 without a body
    return ResponsePlan(kind, result, None, stream)


def stream_of(
    types: TypeBuilder,
    report: Reporter,
    media: dict[str, Any],
    where: str,
    hint: str,
) -> StreamPlan:
    """The chunk type and terminator of a ``text/event-stream`` media type."""
    data_schema = media.get("x-event-data-schema")
    data_where = where + "/x-event-data-schema"
    if data_schema is None:
        # The official OpenAI spec's convention: the media type's schema is the event data.
        schema = media.get("schema")
        resolved, _ = deref(types.reader.data, schema, where + "/schema")
        if (
            isinstance(resolved, dict)
            and resolved.get("type") not in (None, "string")
            or (isinstance(schema, dict) and "$ref" in schema)
        ):
            data_schema, data_where = schema, where + "/schema"
    if data_schema is None:
        report.warn(
            where,
            "event stream without x-event-data-schema: chunks are untyped JSON",
            Code.STREAM_UNTYPED,
        )
        chunk = ANY
    else:
        chunk = types.expr(data_schema, RESPONSE, hint + "Chunk", data_where)
    terminator = media.get("x-stream-terminator")
    if isinstance(terminator, str):
        return StreamPlan(chunk, terminator, True)
    # Not declared: accept the OpenAI convention if the server sends it, but do
    # not require it (streams of other APIs simply end).
    return StreamPlan(chunk, "[DONE]", False)


def stream_info(
    report: Reporter,
    stream: StreamPlan,
    body_params: tuple[Param, ...],
    literals: dict[str, tuple[Any, ...]],
    result_kind: str,
    where: str,
) -> StreamInfo | None:
    """How the method streams: a boolean ``stream`` field, an enum field with an
    SSE value (``stream_format: "sse"``), or always (nothing else to return)."""
    common: dict[str, Any] = dict(
        chunk=stream.chunk.node,
        terminator=stream.terminator,
        terminator_required=stream.terminator_required,
    )
    for p in body_params:
        base = p.type.inner if isinstance(p.type, NotGivenOr) else p.type
        if p.wire == "stream" and base in (_BOOL, Nullable(_BOOL)):
            nullable = isinstance(base, Nullable)
            off = Lit((False,))
            return StreamInfo(
                **common,
                param=p.name,
                param_wire=p.wire,
                param_nullable=nullable,
                always=False,
                on_value=True,
                on_type=Lit((True,)),
                off_type=Nullable(off) if nullable else off,
                any_type=base,
            )
    for p in body_params:
        values = literals.get(p.name, ())
        on = next((v for v in values if v in _SSE_VALUES), None)
        if on is not None and len(values) > 1:
            return StreamInfo(
                **common,
                param=p.name,
                param_wire=p.wire,
                param_nullable=False,
                always=False,
                on_value=on,
                on_type=Lit((on,)),
                off_type=Lit(tuple(v for v in values if v != on)),
                any_type=Lit(values),
            )
    if result_kind != "none":
        report.warn(
            where,
            "operation can stream but has no boolean 'stream' body field (nor an "
            "enum field with an 'sse' value); it never streams",
            Code.STREAM_UNTYPED,
        )
        return None
    return StreamInfo(
        **common, param=None, param_wire=None, param_nullable=False, always=True
    )

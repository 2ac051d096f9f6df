"""How a caller selects an operation's stream: the request field that turns it on.

* a boolean body field (``stream``, or the field Fern's ``stream-condition``
  names): ``stream=True`` streams. When the field's documented default is
  ``true`` (Ollama), a call that does not ask for a stream sends
  ``stream: false``, so that the plain call still returns one response;
* a flag that can only be true (``const: true``, ``enum: [true]``: Mistral's
  ``#stream`` path variants): the method always streams and always sends it;
* an enum field with an SSE value (``stream_format: "sse"``);
* nothing, when the operation answers nothing but the stream.

A boolean ``stream`` field on an operation whose responses declare no
stream media type gets a warning showing the overlay that declares one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import Code
from ..ir import Param, StreamInfo
from ..ir_types import Lit, NotGivenOr, Nullable, Prim, TypeNode
from ..openapi import deref, is_json_media_type
from .expr import Site
from .params import BodyPlan
from .responses import ResponsePlan
from .schemas import Reporter, SchemaReader

_BOOL = Prim("bool")
_TRUE = Lit((True,))
# Values of an enum body field that select a server-sent-event stream.
_SSE_VALUES = ("sse", "event-stream", "text/event-stream")


def stream_info(
    reader: SchemaReader,
    report: Reporter,
    result: ResponsePlan,
    body: BodyPlan,
    site: Site,
) -> StreamInfo | None:
    """How the method at ``site`` streams, or None when it does not."""
    stream = result.stream
    fields = {p.wire: p for p in body.params if p.location == "body"}
    if stream is None:
        flag = fields.get("stream")
        if flag is not None and _base(flag.type) in (_BOOL, Nullable(_BOOL), _TRUE):
            report.warn(site.where, _undeclared(site, result.status), code=Code.STREAM_UNDECLARED)
        return None
    info = _selected(reader, report, result, body, fields, site)
    if info is not None:
        for where, message, code in stream.notes:
            report.warn(where, message, code=code)
    return info


def _selected(
    reader: SchemaReader,
    report: Reporter,
    result: ResponsePlan,
    body: BodyPlan,
    fields: Mapping[str, Param],
    site: Site,
) -> StreamInfo | None:
    stream = result.stream
    assert stream is not None
    source = stream.source
    common: dict[str, Any] = {
        "chunk": stream.chunk.node,
        "terminator": source.terminator,
        "terminator_required": source.terminator_required,
        "media_type": source.media_type,
        "events": tuple((name, t.node) for name, t in stream.events),
        "final": stream.final.node if stream.final is not None else None,
        "fold": json.dumps(stream.fold, sort_keys=True) if stream.fold is not None else None,
    }
    wire = source.condition or "stream"
    flag = fields.get(wire)
    base = _base(flag.type) if flag is not None else None
    if flag is not None and base == _TRUE:
        # A stream-only variant: its flag can only be true.
        return StreamInfo(
            **common,
            param=None,
            param_wire=None,
            param_nullable=False,
            always=True,
            send_always=((flag.wire, True),),
        )
    if flag is not None and base in (_BOOL, Nullable(_BOOL)):
        nullable = isinstance(base, Nullable)
        off = Lit((False,))
        default = _field_schema(reader, site, flag.wire).get("default")
        return StreamInfo(
            **common,
            param=flag.name,
            param_wire=flag.wire,
            param_nullable=nullable,
            always=False,
            on_value=True,
            on_type=_TRUE,
            off_type=Nullable(off) if nullable else off,
            any_type=base,
            send_off=default is True,
        )
    for p in body.params:
        values = body.literals.get(p.name, ())
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
    if result.kind != "none":
        report.warn(
            source.where,
            "the operation can stream, but no request field selects the stream (a "
            f"boolean {wire!r} body field, or an enum field with an 'sse' value), so "
            "its method never streams",
            code=Code.STREAM_UNSELECTABLE,
        )
        return None
    return StreamInfo(
        **common, param=None, param_wire=None, param_nullable=False, always=True
    )


def dropped(info: StreamInfo | None, params: tuple[Param, ...]) -> tuple[Param, ...]:
    """``params`` without the body fields the method always sends itself."""
    if info is None or not info.send_always:
        return params
    fixed = {w for w, _ in info.send_always}
    return tuple(p for p in params if not (p.location == "body" and p.wire in fixed))


def _base(node: TypeNode) -> TypeNode:
    return node.inner if isinstance(node, NotGivenOr) else node


def _field_schema(reader: SchemaReader, site: Site, wire: str) -> dict[str, Any]:
    """The JSON request body's property ``wire`` (its keywords beside a ``$ref`` included)."""
    body, _ = deref(reader.data, site.op.get("requestBody"), site.where + "/requestBody")
    content = body.get("content") if isinstance(body, dict) else None
    for ctype, media in (content if isinstance(content, dict) else {}).items():
        if not is_json_media_type(str(ctype).lower()) or not isinstance(media, dict):
            continue
        schema, at = reader.deref(media.get("schema"), site.where)
        if not isinstance(schema, dict):
            return {}
        props, _ = reader.collect_properties(schema, at)
        for prop in props:
            if prop.wire == wire and isinstance(prop.schema, dict):
                resolved, _ = reader.deref(prop.schema, prop.where)
                own = {k: v for k, v in prop.schema.items() if k != "$ref"}
                return {**(resolved if isinstance(resolved, dict) else {}), **own}
        return {}
    return {}


def _undeclared(site: Site, status: str | None) -> str:
    """The warning for a ``stream`` flag without a stream, with the overlay that declares it."""
    method = site.where.rsplit("/", 1)[-1]
    target = (
        f"$.paths[{_quote(site.path)}].{method}.responses[{_quote(status or '200')}]"
        ".content"
    )
    return (
        f"{method.upper()} {site.path}: the request has a boolean 'stream' field, but "
        "no 2xx response declares a stream media type (text/event-stream, "
        "application/x-ndjson...), so stream=True fails on the first chunk. Declare "
        "the stream in an overlay (e.g. <spec>.overlay.yaml beside the spec), naming "
        "the schema of each event's data:\n"
        "  overlay: 1.0.0\n"
        "  info: {title: Declare the stream, version: 1.0.0}\n"
        "  actions:\n"
        f"    - target: {target}\n"
        "      update: {text/event-stream: {x-event-data-schema: "
        "{$ref: '#/components/schemas/CHUNK'}}}"
    )


def _quote(text: str) -> str:
    """A JSONPath name selector (RFC 9535): single-quoted, escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

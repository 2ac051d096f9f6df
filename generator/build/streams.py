"""How an operation streams, read from the conventions providers publish.

Only facts about the spec: which media type streams, in which wire format,
which schema each item has (the chunk, never its SSE envelope), what ends the
stream, and which request field turns streaming on. Typing the schemas is
the type builder's job (:mod:`.responses`).

Conventions, in the order they are looked for:

* ours: ``x-event-data-schema`` (and ``x-stream-terminator``) on a
  ``text/event-stream`` media type;
* OpenAPI 3.2 ``itemSchema``: for ``text/event-stream`` it describes the
  event (``data``, typed through ``contentMediaType``/``contentSchema``);
  for line-delimited types, each item;
* the SSE event as the media type's ``schema``: an object whose ``data``
  property holds the chunk (``event``, ``id``, ``retry`` beside it), or a
  ``oneOf``/``anyOf`` of such events, where a member whose ``data`` is the
  constant ``[DONE]`` names the terminator and members with a constant
  ``event`` name typed events;
* the schema is the chunk itself (the official OpenAI spec, TGI);
* Speakeasy's ``x-speakeasy-sse-sentinel`` (the terminator);
* Fern's ``x-fern-streaming`` on the operation: ``true`` (JSON lines), or
  ``{format: sse|json, terminator, stream-condition, response,
  response-stream}``;
* line-delimited JSON media types (``application/x-ndjson``,
  ``application/jsonl``, ``application/json-seq``...): the schema is the item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..openapi import child, deref, mapping

DONE = "[DONE]"
EVENT_STREAM = "text/event-stream"
JSON_LINES_TYPE = "application/x-ndjson"
_ENVELOPE_KEYS = frozenset({"data", "event", "id", "retry"})
# Keys of a schema that say something about the value (a bare description does not).
_SHAPE_KEYS = frozenset(
    {"type", "properties", "items", "oneOf", "anyOf", "allOf", "enum", "const"}
)

# The conventions, as named in findings and tests.
OURS = "x-event-data-schema"
ITEM_SCHEMA = "itemSchema"
ENVELOPE = "envelope"
EVENTS = "named-events"
CHUNK = "chunk"
FERN = "x-fern-streaming"
LINES = "line-delimited"


@dataclass(frozen=True)
class Item:
    """A schema to type, and where it is (for naming and findings)."""

    schema: Any
    where: str


@dataclass(frozen=True)
class StreamSource:
    """What a streaming response sends, as the spec says it."""

    media_type: str  # the media type the runtime decodes and asks for
    where: str  # pointer of the media type object (or of x-fern-streaming)
    convention: str  # one of the names above
    chunk: Item | None  # every item's type; None: untyped JSON (see ``untyped``)
    events: tuple[tuple[str, Item], ...]  # SSE event name -> its data's type
    terminator: str | None
    terminator_required: bool  # the spec declares it: a stream without it broke off
    condition: str | None  # the request field the spec names to select the stream
    # Fern: the JSON media type is the stream; without a condition the
    # operation has no other answer.
    replaces_json: bool = False
    final: Item | None = None  # Fern's ``response``: the answer when not streaming
    untyped: str | None = None  # why the chunk type is unknown
    # ``x-stream-fold`` (on the media type, else the operation) and its pointer
    declared_fold: tuple[Any, str] | None = None


def stream_format(content_type: str) -> str | None:
    """The runtime's wire format for a media type, or None for a body sent in one piece.

    The runtime's own table decides (what it cannot decode is no stream).
    It is imported on first use: importing the runtime costs a command ~0.15 s,
    and most commands never build.
    """
    from ..runtime._ndjson import stream_format as runtime_format

    try:
        return runtime_format(str(content_type))
    except ValueError:
        return None


def find_stream(
    data: Mapping[str, Any],
    op: Mapping[str, Any],
    op_where: str,
    content: Mapping[str, Any],
    where: str,
) -> tuple[StreamSource | None, list[str]]:
    """The stream among the media types of one response (``content`` at ``where``).

    Also returns the pointers of further stream media types of the same
    response, which the client cannot offer as well (the caller warns).
    """
    fern = _fern(data, op, op_where)
    found: StreamSource | None = None
    others: list[str] = []
    for ctype, media in content.items():
        fmt = stream_format(str(ctype))
        if fmt is None or not isinstance(media, Mapping):
            continue
        mwhere = child(where, ctype)
        if found is not None:
            others.append(mwhere)
            continue
        if str(ctype).split(";", 1)[0].strip().lower() == EVENT_STREAM:
            found = _sse(data, str(ctype), media, mwhere, fern)
        else:
            found = _lines(data, str(ctype), media, mwhere, fern)
        found = replace(
            found, declared_fold=_declared_fold(op, op_where, media, mwhere)
        )
    if found is not None or fern is None:
        return found, others
    # Fern declares the stream on the operation; the media type is JSON.
    for ctype, media in content.items():
        if not isinstance(media, Mapping) or "json" not in str(ctype).lower():
            continue
        mwhere = child(where, ctype)
        item = fern.chunk or _schema_item(media, mwhere, "schema")
        untyped = None if item else "the media type has no schema"
        return (
            StreamSource(
                fern.media_type,
                fern.where,
                FERN,
                item,
                (),
                fern.terminator,
                fern.terminator is not None,
                fern.condition,
                replaces_json=True,
                final=fern.final,
                untyped=untyped,
                declared_fold=_declared_fold(op, op_where, media, mwhere),
            ),
            others,
        )
    return None, others


def _declared_fold(
    op: Mapping[str, Any], op_where: str, media: Mapping[str, Any], where: str
) -> tuple[Any, str] | None:
    """``x-stream-fold`` of the stream's media type, else of its operation."""
    if "x-stream-fold" in media:
        return media["x-stream-fold"], where + "/x-stream-fold"
    if "x-stream-fold" in op:
        return op["x-stream-fold"], op_where + "/x-stream-fold"
    return None


# -- SSE ---------------------------------------------------------------------------------


def _sse(
    data: Mapping[str, Any],
    ctype: str,
    media: Mapping[str, Any],
    where: str,
    fern: _Fern | None,
) -> StreamSource:
    condition = fern.condition if fern else None
    terminator: str | None = None
    for declared in (
        media.get("x-stream-terminator"),
        media.get("x-speakeasy-sse-sentinel"),
        fern.terminator if fern else None,
    ):
        if isinstance(declared, str):
            terminator = declared
            break

    def source(
        convention: str,
        chunk: Item | None,
        events: tuple[tuple[str, Item], ...] = (),
        done: str | None = None,
        untyped: str | None = None,
    ) -> StreamSource:
        end = done or terminator
        # Not declared: accept the OpenAI convention if the server sends it,
        # but do not require it (streams of other APIs simply end).
        return StreamSource(
            ctype,
            where,
            convention,
            chunk,
            events,
            end if end is not None else DONE,
            end is not None,
            condition,
            untyped=untyped,
        )

    ours = media.get("x-event-data-schema")
    if ours is not None:
        return source(OURS, Item(ours, where + "/x-event-data-schema"))
    if "itemSchema" in media:
        found = _envelopes(data, media["itemSchema"], where + "/itemSchema")
        if found is not None:
            return source(ITEM_SCHEMA, *found)
    if "schema" in media:
        found = _envelopes(data, media["schema"], where + "/schema")
        if found is not None:
            chunk, events, done, untyped = found
            return source(EVENTS if events else ENVELOPE, chunk, events, done, untyped)
        if _is_chunk(data, media["schema"]):
            return source(CHUNK, Item(media["schema"], where + "/schema"))
    if fern is not None and fern.chunk is not None:
        return source(FERN, fern.chunk)
    return source(
        CHUNK,
        None,
        untyped="its schema describes neither the events nor their data "
        "(x-event-data-schema, itemSchema, or a schema that is not a string)",
    )


def _is_chunk(data: Mapping[str, Any], schema: Any) -> bool:
    """The official OpenAI spec's convention: the media type's schema is the event data.

    A bare ``type: string`` (the stream described in prose) says nothing of
    the events' data.
    """
    if isinstance(schema, Mapping) and "$ref" in schema:
        resolved, _ = deref(data, schema, "")
    else:
        resolved = schema
    if not isinstance(resolved, Mapping) or not (_SHAPE_KEYS & set(resolved)):
        return False
    return bool(resolved.get("type") != "string" or resolved.get("enum"))


_Found = tuple[
    Item | None, tuple[tuple[str, Item], ...], str | None, str | None
]


def _envelopes(data: Mapping[str, Any], schema: Any, where: str) -> _Found | None:
    """(chunk, named events, terminator, why untyped) when ``schema`` describes SSE events."""
    node, at = deref(data, schema, where)
    if not isinstance(node, Mapping):
        return None
    single = _envelope(data, node, at)
    if single is not None:
        if single.done is not None:
            return None, (), single.done, "every event is the terminator"
        return single.data, (), None, single.untyped
    for key in ("oneOf", "anyOf"):
        members = node.get(key)
        if not isinstance(members, list) or not members:
            continue
        found = []
        for i, member in enumerate(members):
            m, m_at = deref(data, member, f"{at}/{key}/{i}")
            env = _envelope(data, m, m_at) if isinstance(m, Mapping) else None
            if env is None:
                return None  # not every member is an event: a union chunk
            found.append(env)
        done = next((e.done for e in found if e.done is not None), None)
        typed = [e for e in found if e.done is None]
        named = [e for e in typed if e.event is not None]
        if typed and len(named) == len(typed):
            events: dict[str, Item] = {}
            for e in named:  # an event named twice keeps its first schema
                events.setdefault(str(e.event), e.data or Item({}, e.where))
            return None, tuple(events.items()), done, None
        datas = [e.data for e in typed if e.data is not None]
        if len(datas) == 1:
            return datas[0], (), done, None
        if datas:
            # Several event shapes without names: the chunk is their union.
            union = {key: [d.schema for d in datas]}
            return Item(union, at), (), done, None
        return None, (), done, "no event's data has a schema"
    return None


@dataclass(frozen=True)
class _Envelope:
    data: Item | None
    event: str | None  # the constant event name, if any
    done: str | None  # the terminator this member stands for
    where: str
    untyped: str | None = None


def _envelope(
    data: Mapping[str, Any], node: Mapping[str, Any], at: str
) -> _Envelope | None:
    """An object whose properties are SSE fields, ``data`` among them."""
    props = mapping(node.get("properties"))
    if "data" not in props or not set(props) <= _ENVELOPE_KEYS:
        return None
    data_at = child(at, "properties", "data")
    data_schema, resolved_at = deref(data, props["data"], data_at)
    constant = _constant(data, props.get("event"))
    event = constant if isinstance(constant, str) else None
    done = _constant(data, data_schema)
    if isinstance(done, str):
        return _Envelope(None, event, done, at)
    if isinstance(data_schema, Mapping) and "contentSchema" in data_schema:
        item = Item(data_schema["contentSchema"], resolved_at + "/contentSchema")
        return _Envelope(item, event, None, at)
    if not isinstance(data_schema, Mapping) or not _is_chunk(data, props["data"]):
        # A string without contentSchema: the data is text, not JSON we can type.
        return _Envelope(None, event, None, at, "the event's data has no JSON schema")
    return _Envelope(Item(props["data"], data_at), event, None, at)


def _constant(data: Mapping[str, Any], schema: Any) -> Any:
    node, _ = deref(data, schema, "")
    if not isinstance(node, Mapping):
        return None
    if "const" in node:
        return node["const"]
    enum = node.get("enum")
    if isinstance(enum, list) and len(enum) == 1:
        return enum[0]
    return None


def _schema_item(media: Mapping[str, Any], where: str, key: str) -> Item | None:
    if key in media:
        return Item(media[key], f"{where}/{key}")
    return None


# -- line-delimited JSON -------------------------------------------------------------------


def _lines(
    data: Mapping[str, Any],
    ctype: str,
    media: Mapping[str, Any],
    where: str,
    fern: _Fern | None,
) -> StreamSource:
    item = _schema_item(media, where, "itemSchema") or _schema_item(
        media, where, "schema"
    )
    if item is not None and not _is_chunk(data, item.schema):
        item = None
    if item is None and fern is not None:
        item = fern.chunk
    terminator = media.get("x-stream-terminator")
    if not isinstance(terminator, str):
        terminator = fern.terminator if fern else None
    return StreamSource(
        ctype,
        where,
        LINES,
        item,
        (),
        terminator,
        terminator is not None,
        fern.condition if fern else None,
        untyped=None if item else "the media type has no item schema",
    )


# -- Fern ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fern:
    media_type: str  # text/event-stream (format: sse) or JSON Lines
    terminator: str | None
    condition: str | None
    chunk: Item | None
    final: Item | None
    where: str


def _fern(
    data: Mapping[str, Any], op: Mapping[str, Any], op_where: str
) -> _Fern | None:
    value = op.get("x-fern-streaming")
    where = op_where + "/x-fern-streaming"
    if value is True:
        return _Fern(JSON_LINES_TYPE, None, None, None, None, where)
    if not isinstance(value, Mapping):
        return None
    sse = str(value.get("format", "json")).lower() == "sse"
    fmt = EVENT_STREAM if sse else JSON_LINES_TYPE
    terminator = value.get("terminator")
    condition = value.get("stream-condition")
    if isinstance(condition, str):
        # "$request.stream" names the body field.
        condition = (
            condition.split(".", 1)[1]
            if condition.startswith("$request.")
            else condition
        )
    else:
        condition = None

    def item(key: str) -> Item | None:
        return Item(value[key], f"{where}/{key}") if key in value else None

    return _Fern(
        fmt,
        terminator if isinstance(terminator, str) else None,
        condition,
        item("response-stream"),
        item("response"),
        where,
    )

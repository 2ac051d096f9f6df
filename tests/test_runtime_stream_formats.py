"""Typed streams in every wire format: JSON Lines, JSON text sequences, named SSE events.

Each format gets what SSE streams get (tests/test_runtime_streaming.py):
typed chunks, sync and async; the same items for any split of the body into
pieces; the same errors for a dropped connection, a body cut short, data that
is not JSON, a chunk of the wrong shape and an ``{"error": ...}`` payload.
Streams are read through httpx (MockTransport) from scripted pieces, and
end to end through a client over the loopback server.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime import (
    APIConnectionError,
    ApiInfo,
    APIResponseValidationError,
    APIStreamError,
    Operation,
    Result,
    StreamSpec,
    SyncAPIClient,
)
from generator.runtime._models import BaseModel
from tests.support.server import LocalServer, Reply
from tests.support.streams import (
    acollect,
    aopen_stream,
    collect,
    json_seq,
    ndjson,
    open_stream,
    split,
    sse,
)


class Chunk(BaseModel):
    model: str
    response: str
    done: bool = False


def chunk(text: str, done: bool = False) -> dict[str, Any]:
    return {"model": "m", "response": text, "done": done}


NDJSON = "application/x-ndjson"
SEQ = "application/json-seq"
ENCODE = {
    NDJSON: ndjson,
    "application/jsonl": ndjson,
    "application/jsonlines": ndjson,
    SEQ: json_seq,
}
TEXT = ["Hel", "lo", ", w\u00f6rld"]


def texts(chunks: list[Any]) -> list[str]:
    return [c.response for c in chunks]


async def read(
    spec: StreamSpec, pieces: list[bytes], is_async: bool, **kw: Any
) -> list[Any]:
    if is_async:
        stream, _ = await aopen_stream(spec, pieces, **kw)
        return await acollect(stream)
    stream, _ = open_stream(spec, pieces, **kw)
    return collect(stream)


# -- typed chunks ------------------------------------------------------------------------------


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("media_type", list(ENCODE))
async def test_line_streams_give_typed_chunks(media_type: str, is_async: bool) -> None:
    spec = StreamSpec(Chunk, media_type=media_type)
    raw = ENCODE[media_type]([chunk(t) for t in TEXT])
    got = await read(spec, split(raw, range(0, len(raw), 5)), is_async)
    assert [type(c) for c in got] == [Chunk] * 3
    assert "".join(texts(got)) == "Hello, w\u00f6rld"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([NDJSON, SEQ]),
    st.lists(st.text(max_size=6), min_size=1, max_size=5),
    st.lists(st.integers(0, 400), max_size=15),
)
def test_any_split_of_the_body_gives_the_same_items(
    media_type: str, pieces: list[str], cuts: list[int]
) -> None:
    spec = StreamSpec(Chunk, media_type=media_type)
    raw = ENCODE[media_type]([chunk(p) for p in pieces])
    whole, _ = open_stream(spec, [raw])
    chunked, _ = open_stream(spec, split(raw, cuts))
    assert texts(collect(chunked)) == texts(collect(whole)) == pieces


def test_crlf_blank_lines_and_a_last_line_without_lf() -> None:
    raw = b'{"model": "m", "response": "a"}\r\n\r\n\n{"model": "m", "response": "b"}'
    stream, _ = open_stream(StreamSpec(Chunk, media_type=NDJSON), [raw])
    assert texts(collect(stream)) == ["a", "b"]


def test_a_pretty_printed_json_seq_record() -> None:
    raw = (
        b"\x1e"
        + json.dumps(chunk("a"), indent=2).encode()
        + b"\n"
        + json_seq([chunk("b")])
    )
    stream, _ = open_stream(StreamSpec(Chunk, media_type=SEQ), split(raw, [3, 9, 20]))
    assert texts(collect(stream)) == ["a", "b"]


# -- what ends a stream --------------------------------------------------------------------------


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("media_type", [NDJSON, SEQ])
async def test_a_final_marker_ends_the_stream_and_the_rest_is_drained(
    media_type: str, is_async: bool
) -> None:
    spec = StreamSpec(
        Chunk,
        media_type=media_type,
        final_marker=("done", True),
        terminator_required=True,
    )
    raw = ENCODE[media_type]([chunk("a"), chunk("b", done=True), {"never": "parsed"}])
    pieces = split(raw, range(0, len(raw), 7))
    if is_async:
        stream, body = await aopen_stream(spec, pieces)
        got = await acollect(stream)
    else:
        stream, body = open_stream(spec, pieces)
        got = collect(stream)
    assert [(c.response, c.done) for c in got] == [("a", False), ("b", True)]
    assert (
        body.sent == len(pieces) and body.closed
    )  # read to the end: the connection is reused


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("media_type", [NDJSON, SEQ])
async def test_a_body_that_ends_before_the_final_marker_is_cut_short(
    media_type: str, is_async: bool
) -> None:
    spec = StreamSpec(
        Chunk,
        media_type=media_type,
        final_marker=("done", True),
        terminator_required=True,
    )
    with pytest.raises(
        APIConnectionError,
        match=r"ended after 2 (line|record)s without its last chunk \('done': true\)",
    ):
        await read(spec, [ENCODE[media_type]([chunk("a"), chunk("b")])], is_async)


def test_a_marker_is_optional_unless_required() -> None:
    spec = StreamSpec(Chunk, media_type=NDJSON, final_marker=("done", True))
    stream, _ = open_stream(spec, [ndjson([chunk("a")])])
    assert texts(collect(stream)) == ["a"]


@pytest.mark.parametrize("media_type", [NDJSON, SEQ])
def test_a_terminator_line(media_type: str) -> None:
    spec = StreamSpec(Chunk, "[DONE]", True, media_type=media_type)
    sep = b"\x1e" if media_type == SEQ else b""
    raw = (
        ENCODE[media_type]([chunk("a")])
        + sep
        + b"[DONE]\n"
        + ENCODE[media_type]([{"never": 1}])
    )
    stream, _ = open_stream(spec, [raw])
    assert texts(collect(stream)) == ["a"]
    stream, _ = open_stream(spec, [ENCODE[media_type]([chunk("a")])])
    with pytest.raises(
        APIConnectionError,
        match=r"ended after 1 (line|record)s without its terminator '\[DONE\]'",
    ):
        collect(stream)


def test_a_vendor_sentinel_ends_an_event_stream() -> None:
    spec = StreamSpec(Chunk, "[END]", True)
    stream, _ = open_stream(
        spec,
        [sse([chunk("a"), "[DONE]"], done="[END]")],
        content_type="text/event-stream",
    )
    with pytest.raises(
        APIResponseValidationError, match="event 2 of the stream is not valid JSON"
    ):
        collect(stream)  # "[DONE]" is only data here
    stream, _ = open_stream(spec, [sse([chunk("a")], done="[END]")])
    assert texts(collect(stream)) == ["a"]


# -- errors ----------------------------------------------------------------------------------------

ERRORS = [
    (
        "not JSON",
        b'{"model": "m", "resp\n',
        APIResponseValidationError,
        "line 2 of the stream is not valid JSON",
    ),
    (
        "wrong shape",
        b'{"model": 1}\n',
        APIResponseValidationError,
        "line 2 of the stream does not match Chunk",
    ),
    (
        "error payload",
        b'{"error": {"message": "overloaded"}}\n',
        APIStreamError,
        "the server sent an error in the stream: overloaded",
    ),
    (
        "error beside chunk fields",
        b'{"model": "m", "response": "", "error": "quota"}\n',
        APIStreamError,
        "quota",
    ),
]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "bad,error,message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
async def test_stream_errors(
    bad: bytes, error: type, message: str, is_async: bool
) -> None:
    spec = StreamSpec(Chunk, media_type=NDJSON)
    pieces = [ndjson([chunk("a")]), bad, ndjson([chunk("never")])]
    got: list[str] = []
    if is_async:
        stream, body = await aopen_stream(spec, pieces)
        with pytest.raises(error, match=message) as info:
            async for c in stream:
                got.append(c.response)
    else:
        stream, body = open_stream(spec, pieces)
        with pytest.raises(error, match=message) as info:
            for c in stream:
                got.append(c.response)
    assert got == ["a"]  # what came before the bad line was delivered
    assert str(info.value).startswith("POST /v1/stream: ")
    assert stream.response.is_closed and body.closed


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("media_type", [NDJSON, SEQ])
async def test_a_connection_dropped_mid_stream(media_type: str, is_async: bool) -> None:
    spec = StreamSpec(Chunk, media_type=media_type)
    pieces = [
        ENCODE[media_type]([chunk("a")]),
        ENCODE[media_type]([chunk("b")]),
        ENCODE[media_type]([chunk("c")]),
    ]
    with pytest.raises(
        APIConnectionError,
        match=r"connection broke after 2 (line|record)s of the stream \(ReadError",
    ):
        await read(spec, pieces, is_async, fail_after=2)


@pytest.mark.parametrize("media_type", [NDJSON, SEQ])
def test_a_body_that_ends_in_the_middle_of_a_line(media_type: str) -> None:
    raw = ENCODE[media_type]([chunk("a")]) + ENCODE[media_type]([chunk("b")])[:-9]
    stream, _ = open_stream(StreamSpec(Chunk, media_type=media_type), [raw])
    with pytest.raises(
        APIConnectionError, match="the stream ended in the middle of (line|record) 2"
    ):
        collect(stream)


def test_a_line_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.runtime import _ndjson, streaming

    monkeypatch.setattr(
        streaming, "LineDecoder", functools.partial(_ndjson.LineDecoder, 100)
    )
    stream, _ = open_stream(
        StreamSpec(Chunk, media_type=NDJSON), [ndjson([chunk("a"), chunk("x" * 200)])]
    )
    with pytest.raises(
        APIResponseValidationError,
        match="cannot decode the JSON Lines stream: a line of the stream is longer than 100 bytes",
    ):
        collect(stream)


def test_a_line_stream_answered_with_json() -> None:
    stream, _ = open_stream(
        StreamSpec(Chunk, media_type=NDJSON),
        [b'{"error": "nope"}'],
        content_type="application/json",
    )
    with pytest.raises(
        APIResponseValidationError,
        match=r"expected a JSON Lines stream \(application/x-ndjson\) but got application/json: nope",
    ):
        collect(stream)


def test_every_json_lines_media_type_is_accepted_in_the_answer() -> None:
    for ctype in (
        "application/jsonl",
        "application/x-ndjson; charset=utf-8",
        "application/jsonlines",
    ):
        stream, _ = open_stream(
            StreamSpec(Chunk, media_type=NDJSON),
            [ndjson([chunk("a")])],
            content_type=ctype,
        )
        assert texts(collect(stream)) == ["a"]


def test_bad_stream_specs() -> None:
    with pytest.raises(ValueError, match="unsupported stream media type 'text/plain'"):
        StreamSpec(Chunk, media_type="text/plain")
    with pytest.raises(ValueError, match="named events need an event stream"):
        StreamSpec(Chunk, media_type=NDJSON, events={"a": Chunk})


# -- named events -----------------------------------------------------------------------------------


class Start(BaseModel):
    type: Literal["message_start"]
    message: dict[str, Any]


class Delta(BaseModel):
    type: Literal["content_block_delta"]
    index: int
    delta: dict[str, Any]


class Stop(BaseModel):
    type: Literal["message_stop"]


EVENTS = {"message_start": Start, "content_block_delta": Delta, "message_stop": Stop}
Event = Start | Delta | Stop


def named_stream() -> bytes:
    return sse(
        [
            ("message_start", {"type": "message_start", "message": {"id": "msg_1"}}),
            ("ping", {"type": "ping"}),
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"text": "Hel"}},
            ),
            ("brand_new_event", {"surprise": True}),
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"text": "lo"}},
            ),
            ("message_stop", {"type": "message_stop"}),
        ],
        done=None,
    )


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_named_events_choose_the_chunk_type(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    spec = StreamSpec(
        Event,
        events=EVENTS,
        final_marker=("type", "message_stop"),
        terminator_required=True,
    )
    raw = named_stream()
    with caplog.at_level(logging.DEBUG):
        got = await read(spec, split(raw, range(0, len(raw), 11)), is_async)
    assert [type(c) for c in got] == [
        Start,
        Delta,
        Delta,
        Stop,
    ]  # ping and the unknown event skipped
    assert "".join(c.delta["text"] for c in got if isinstance(c, Delta)) == "Hello"
    skipped = [r.getMessage() for r in caplog.records if "skipping" in r.getMessage()]
    assert skipped == [
        "POST /v1/stream: skipping events named 'brand_new_event', which the stream does not declare"
    ]


def test_named_event_stream_cut_before_its_last_event() -> None:
    spec = StreamSpec(
        Event,
        events=EVENTS,
        final_marker=("type", "message_stop"),
        terminator_required=True,
    )
    raw = named_stream()
    stream, _ = open_stream(spec, [raw[: raw.index(b"event: message_stop")]])
    with pytest.raises(
        APIConnectionError,
        match=r"ended after 3 events without its last chunk \('type': \"message_stop\"\)",
    ):
        collect(stream)


def test_named_event_of_the_wrong_shape_and_an_error_event() -> None:
    spec = StreamSpec(Event, events=EVENTS)
    bad = sse(
        [("content_block_delta", {"type": "content_block_delta", "index": "x"})],
        done=None,
    )
    stream, _ = open_stream(spec, [bad])
    with pytest.raises(
        APIResponseValidationError, match="event 1 of the stream does not match Delta"
    ):
        collect(stream)
    error = sse(
        [
            (
                "error",
                {
                    "type": "error",
                    "error": {"type": "overloaded_error", "message": "Overloaded"},
                },
            )
        ],
        done=None,
    )
    stream, _ = open_stream(spec, [error])
    with pytest.raises(
        APIStreamError, match="the server sent an error in the stream: Overloaded"
    ):
        collect(stream)


def test_ping_events_are_skipped_in_plain_streams_too() -> None:
    raw = sse([("ping", {}), chunk("a")])
    stream, _ = open_stream(StreamSpec(Chunk, "[DONE]", True), [raw])
    assert texts(collect(stream)) == ["a"]
    # ... unless the spec says otherwise.
    stream, _ = open_stream(StreamSpec(Chunk, "[DONE]", True, skip_events=()), [raw])
    with pytest.raises(
        APIResponseValidationError, match="event 1 of the stream does not match Chunk"
    ):
        collect(stream)


# -- through a client, over sockets ------------------------------------------------------------------

API = ApiInfo("Test", "http://127.0.0.1", [], {}, [()], "test/1")
OP = Operation(
    "POST",
    "/api/chat",
    Result("json", Chunk),
    body="json",
    stream=StreamSpec(
        Chunk, media_type=NDJSON, final_marker=("done", True), terminator_required=True
    ),
)


def test_a_client_asks_for_the_stream_media_type_and_resends_before_the_first_line(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.runtime import _base

    monkeypatch.setattr(_base, "_sleep", lambda seconds: None, raising=False)
    raw = ndjson([chunk("Hel"), chunk("lo", done=True)])
    headers = {"Content-Type": NDJSON}
    server.route(
        "POST",
        "/api/chat",
        Reply(
            200, headers=headers, chunks=[raw[:5], raw[5:]], drop_after=0
        ),  # dropped before any line
        Reply(200, headers=headers, chunks=[raw[:5], raw[5:]]),
    )
    client = SyncAPIClient(
        API,
        {},
        base_url=server.url,
        timeout=5.0,
        max_retries=1,
        default_headers=None,
        http_client=None,
    )
    with (
        client,
        client._request(OP, body={"model": "m", "stream": True}, stream=True) as stream,
    ):
        got = list(stream)
    assert "".join(texts(got)) == "Hello"
    assert [r.headers["accept"] for r in server.requests] == [
        f"{NDJSON}, application/json;q=0.9"
    ] * 2


def test_a_plain_stream_still_asks_for_an_event_stream() -> None:
    assert StreamSpec(Chunk).accept == "text/event-stream, application/json;q=0.9"

"""The SSE decoder against the WHATWG "event stream" interpretation rules.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Each rule has its own example-based test; the property tests compare the
incremental decoder, fed in arbitrary chunks, with ``reference_events``: a
direct, unoptimised transcription of the rules that decodes the whole stream
at once.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator, Iterable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.runtime.sse import (
    ServerSentEvent,
    SSEDecoder,
    SSEError,
    aiter_sse,
    iter_sse,
)

BOM = b"\xef\xbb\xbf"
E = ServerSentEvent


def reference_events(raw: bytes) -> list[ServerSentEvent]:
    """The WHATWG algorithm, step by step, over the whole stream decoded at once."""
    # "UTF-8 decode": one leading BOM is dropped, errors become U+FFFD.
    if raw.startswith(BOM):
        raw = raw[3:]
    text = raw.decode("utf-8", "replace")
    # Lines end in CRLF, LF or CR; what follows the last line end is no line.
    lines = re.split(r"\r\n|\r|\n", text)[:-1]
    events: list[ServerSentEvent] = []
    data = ""
    event_type = ""
    last_id: str | None = None
    retry: int | None = None
    for line in lines:
        if line == "":  # dispatch
            if data == "":
                event_type = ""
                continue
            data = data.removesuffix("\n")
            events.append(E(data, event_type or "message", last_id, retry))
            data = ""
            event_type = ""
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            field, value = line.split(":", 1)
            value = value.removeprefix(" ")
        else:
            field, value = line, ""
        if field == "event":
            event_type = value
        elif field == "data":
            data += value + "\n"
        elif field == "id":
            if "\0" not in value:
                last_id = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return events


def decode(chunks: Iterable[bytes], **kw: int) -> list[ServerSentEvent]:
    return list(iter_sse(chunks, **kw))


def decode_feed(chunks: Iterable[bytes], **kw: int) -> list[ServerSentEvent]:
    """Through SSEDecoder.feed alone (iter_sse has its own fast path for chunks without line ends)."""
    decoder = SSEDecoder(**kw)
    return [event for chunk in chunks for event in decoder.feed(chunk)]


def decode_async(chunks: Iterable[bytes], **kw: int) -> list[ServerSentEvent]:
    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def collect() -> list[ServerSentEvent]:
        return [event async for event in aiter_sse(source(), **kw)]

    return asyncio.run(collect())


DECODERS = [decode, decode_feed, decode_async]


def split_at(raw: bytes, cuts: Iterable[int]) -> list[bytes]:
    points = [0, *sorted(cuts), len(raw)]
    return [raw[a:b] for a, b in itertools.pairwise(points)]


def bytewise(raw: bytes) -> list[bytes]:
    return [raw[i : i + 1] for i in range(len(raw))]


# -- one test per rule --------------------------------------------------------------

RULES: list[tuple[str, bytes, list[ServerSentEvent]]] = [
    ("LF ends lines", b"data: a\n\n", [E("a")]),
    ("CR ends lines", b"data: a\r\r", [E("a")]),
    ("CRLF ends lines", b"data: a\r\n\r\n", [E("a")]),
    ("mixed line ends", b"data: a\r\ndata: b\rdata: c\n\r\n", [E("a\nb\nc")]),
    ("LF CR is two line ends", b"data: a\n\rdata: b\n\n", [E("a"), E("b")]),
    ("a leading BOM is dropped", BOM + b"data: a\n\n", [E("a")]),
    (
        "only one leading BOM is dropped: the second is part of the field name",
        BOM + BOM + b"data: a\n\ndata: b\n\n",
        [E("b")],
    ),
    ("a BOM later is data", b"data: " + BOM + b"\n\n", [E("\ufeff")]),
    ("comment lines are ignored", b": hi\n:\ndata: a\n: x\n\n", [E("a")]),
    ("a comment alone dispatches nothing", b": keep-alive\n\n", []),
    ("one leading space is stripped", b"data: a\n\n", [E("a")]),
    ("only one space is stripped", b"data:  a\n\n", [E(" a")]),
    ("no space, nothing stripped", b"data:a\n\n", [E("a")]),
    ("a tab is not a space", b"data:\ta\n\n", [E("\ta")]),
    ("the value keeps later colons", b"data: a: b:c\n\n", [E("a: b:c")]),
    ("a field without colon has an empty value", b"data\n\n", [E("")]),
    ("an empty data line dispatches empty data", b"data:\n\n", [E("")]),
    ("data lines join with LF", b"data: a\ndata: b\n\n", [E("a\nb")]),
    ("only the final LF is removed", b"data\ndata\n\n", [E("\n")]),
    ("a block without data dispatches nothing", b"event: x\nid: 1\n\n", []),
    (
        "event sets the next event's type only",
        b"event: add\ndata: a\n\ndata: b\n\n",
        [E("a", "add"), E("b")],
    ),
    (
        "a block without data resets the event type",
        b"event: add\n\ndata: b\n\n",
        [E("b")],
    ),
    ("an empty event type means message", b"event:\ndata: a\n\n", [E("a")]),
    (
        "the last event type in a block wins",
        b"event: a\nevent: b\ndata: x\n\n",
        [E("x", "b")],
    ),
    (
        "id persists across events",
        b"id: 7\ndata: a\n\ndata: b\n\n",
        [E("a", id="7"), E("b", id="7")],
    ),
    (
        "id from a block without data still counts",
        b"id: 7\n\ndata: a\n\n",
        [E("a", id="7")],
    ),
    (
        "an id containing NUL is ignored",
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [E("a", id="1"), E("b", id="1")],
    ),
    (
        "an empty id resets the last event id",
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [E("a", id="1"), E("b", id="")],
    ),
    ("retry takes ASCII digits", b"retry: 3000\ndata: a\n\n", [E("a", retry=3000)]),
    (
        "retry persists, like id",
        b"retry: 5\ndata: a\n\ndata: b\n\n",
        [E("a", retry=5), E("b", retry=5)],
    ),
    (
        "retry with a non-digit is ignored",
        b"retry: 5\ndata: a\n\nretry: 6s\ndata: b\n\nretry: -1\ndata: c\n\n",
        [E("a", retry=5), E("b", retry=5), E("c", retry=5)],
    ),
    (
        "retry with non-ASCII digits is ignored",
        "retry: \u0661\u0662\ndata: a\n\n".encode(),
        [E("a")],
    ),
    ("an empty retry is ignored", b"retry:\ndata: a\n\n", [E("a")]),
    ("retry with a space inside is ignored", b"retry: 1 2\ndata: a\n\n", [E("a")]),
    ("unknown fields are ignored", b"foo: bar\ndata: a\n\n", [E("a")]),
    ("field names are case-sensitive", b"Data: a\nDATA: b\n\n", []),
    (
        "the final event without a blank line is dropped",
        b"data: a\n\ndata: b\n",
        [E("a")],
    ),
    ("a final partial line is dropped", b"data: a\n\ndata: b", [E("a")]),
    ("a final CR ends the line but not the event", b"data: a\r", []),
    ("NUL in data is kept", b"data: a\x00b\n\n", [E("a\x00b")]),
    (
        "UTF-8 is decoded",
        "data: caf\u00e9 \u20ac \U0001f600\n\n".encode(),
        [E("caf\u00e9 \u20ac \U0001f600")],
    ),
    (
        "invalid UTF-8 becomes U+FFFD (maximal subparts, as WHATWG decodes)",
        b"data: a\xffb\xe2\x82c\xf0\x80\x80\n\n",
        [E("a\ufffdb\ufffdc\ufffd\ufffd\ufffd")],
    ),
    ("a field name with invalid UTF-8 is unknown", b"dat\xe1: x\n\n", []),
    ("[DONE] is data like any other", b"data: [DONE]\n\n", [E("[DONE]")]),
]


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "raw,expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_rule(decoder, raw: bytes, expected: list[ServerSentEvent]) -> None:
    assert (
        reference_events(raw) == expected
    ), "the reference disagrees with the rule table"
    assert decoder([raw]) == expected
    assert decoder(bytewise(raw)) == expected


def test_every_split_of_a_rich_stream() -> None:
    raw = b"".join(r[1] for r in RULES if not r[1].startswith(BOM))
    raw = BOM + raw.replace(b"\n\n", b"\r\n\r\n", 3)
    expected = reference_events(raw)
    assert len(expected) > 20
    for i in range(len(raw) + 1):
        assert decode(split_at(raw, [i])) == expected, i
        assert decode_feed(split_at(raw, [i])) == expected, i


def test_event_repr_equality_and_defaults() -> None:
    event = E("x")
    assert (event.event, event.data, event.id, event.retry) == (
        "message",
        "x",
        None,
        None,
    )
    assert event == E("x", "message", None, None) and event != E("x", "other")
    assert hash(event) == hash(E("x"))
    assert "data='x'" in repr(event)
    assert event.__eq__("x") is NotImplemented


# -- chunking properties ----------------------------------------------------------------

TOKENS = [
    b"data",
    b"event",
    b"id",
    b"retry",
    b":",
    b" ",
    b"  ",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\r\n\r\n",
    b"\x00",
    b"x",
    b"7",
    b"42",
    b"[DONE]",
    b"data: ",
    b"data:",
    b"event: ",
    b"id: ",
    b"retry: ",
    b": comment",
    b"\t",
    "\u00e9".encode(),
    "\u20ac".encode(),
    "\U0001f600".encode(),
    BOM,
    b"\xef",
    b"\xbb",
    b"\xff",
    b"\xe2\x82",
]

streams = st.builds(
    lambda bom, parts: (BOM if bom else b"") + b"".join(parts),
    st.booleans(),
    st.lists(st.sampled_from(TOKENS), max_size=40),
)


@st.composite
def chunked(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    raw = draw(streams)
    cuts = draw(st.lists(st.integers(0, len(raw)), max_size=12))
    return raw, split_at(raw, cuts)


PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(chunked())
def test_any_chunking_equals_one_chunk_and_the_reference(
    case: tuple[bytes, list[bytes]],
) -> None:
    raw, chunks = case
    expected = reference_events(raw)
    assert decode([raw]) == expected
    assert decode(chunks) == expected
    assert decode_feed(chunks) == expected


@settings(max_examples=60, deadline=None)
@given(chunked())
def test_async_any_chunking_equals_the_reference(
    case: tuple[bytes, list[bytes]],
) -> None:
    raw, chunks = case
    assert decode_async(chunks) == reference_events(raw)


@PROPERTY
@given(streams)
def test_one_byte_at_a_time(raw: bytes) -> None:
    expected = reference_events(raw)
    assert decode(bytewise(raw)) == expected
    assert decode_feed(bytewise(raw)) == expected


@PROPERTY
@given(
    st.lists(
        st.sampled_from([b"data: a", b"data: b", b"id: 1", b"event: e", b"", b":c"]),
        max_size=12,
    )
)
def test_every_split_between_cr_and_lf(lines: list[bytes]) -> None:
    raw = b"".join(line + b"\r\n" for line in lines) + b"\r\n"
    expected = reference_events(raw)
    # The LF must not count as a second line end, wherever the chunk boundary falls.
    assert expected == reference_events(raw.replace(b"\r\n", b"\n"))
    cr_positions = [i + 1 for i, byte in enumerate(raw) if byte == 13]
    for cut in cr_positions:
        assert decode(split_at(raw, [cut])) == expected
    assert decode(split_at(raw, cr_positions)) == expected
    assert decode_feed(split_at(raw, cr_positions)) == expected


@PROPERTY
@given(
    st.lists(
        st.text(min_size=1, max_size=8).filter(lambda t: not set(t) & {"\r", "\n"}),
        min_size=1,
        max_size=5,
    )
)
def test_every_split_inside_multibyte_characters(values: list[str]) -> None:
    raw = b"".join(f"data: {v}\n\n".encode() for v in values)
    expected = [E(v) for v in values]
    assert reference_events(raw) == expected
    for i in range(1, len(raw)):
        assert decode(split_at(raw, [i])) == expected
        assert decode_feed(split_at(raw, [i])) == expected


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda f: f.__name__)
def test_bom_split_across_chunks(decoder) -> None:
    raw = BOM + "data: \u00e9\n\n".encode()
    for cuts in itertools.combinations(range(1, 6), 2):
        assert decoder(split_at(raw, cuts)) == [E("\u00e9")], cuts
    assert decoder([b"", BOM[:1], b"", BOM[1:2], BOM[2:], b"data: x\n\n"]) == [E("x")]


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda f: f.__name__)
def test_bom_prefix_that_is_not_a_bom(decoder) -> None:
    # The stream starts like a BOM but is not one: those bytes are data.
    raw = b"\xef\xbbdata: x\n\n" + BOM[:2] + b": y\n\ndata: z\n\n"
    expected = reference_events(raw)
    assert expected == [E("z")]
    for i in range(len(raw) + 1):
        assert decoder(split_at(raw, [i])) == expected


def test_empty_chunks_change_nothing() -> None:
    raw = b"data: a\r\n\r\ndata: b\r\r"
    chunks = [piece for byte in bytewise(raw) for piece in (b"", byte, b"")]
    assert (
        decode(chunks)
        == decode_feed(chunks)
        == decode_async(chunks)
        == [E("a"), E("b")]
    )


# -- bounded memory -----------------------------------------------------------------------


def endless(piece: bytes) -> Iterator[bytes]:
    while True:
        yield piece


@pytest.mark.parametrize("piece", [b"x", b"data: " + b"y" * 100, b"z" * 4096])
def test_endless_line_raises_instead_of_growing(piece: bytes) -> None:
    with pytest.raises(SSEError, match="longer than 1000 bytes"):
        decode(itertools.chain([b"data: "], endless(piece)), max_event_size=1000)


def test_endless_line_raises_in_async_and_feed() -> None:
    async def source() -> AsyncIterator[bytes]:
        while True:
            yield b"abc"

    async def drain() -> None:
        async for _ in aiter_sse(source(), max_event_size=100):
            pass

    with pytest.raises(SSEError, match="longer than 100 bytes"):
        asyncio.run(drain())
    decoder = SSEDecoder(max_event_size=100)
    with pytest.raises(SSEError, match="longer than 100 bytes"):
        for _ in range(1000):
            decoder.feed(b"abc")


def test_endless_event_raises_instead_of_growing() -> None:
    # Every line is short, but the event never ends.
    with pytest.raises(SSEError, match="more than 1000 bytes of data"):
        decode(endless(b"data: 0123456789\n"), max_event_size=1000)


@pytest.mark.parametrize("decoder", DECODERS, ids=lambda f: f.__name__)
def test_limits_are_exact(decoder) -> None:
    # A line of exactly max bytes and an event of exactly max bytes of data pass.
    line = b"data: " + b"a" * 94  # 100 bytes
    assert decoder([line + b"\n\n"], max_event_size=100) == [E("a" * 94)]
    two_lines = (
        b"data: " + b"a" * 50 + b"\ndata: " + b"b" * 49 + b"\n\n"
    )  # 50 + 1 + 49 = 100
    assert decoder([two_lines], max_event_size=100) == [E("a" * 50 + "\n" + "b" * 49)]
    with pytest.raises(SSEError):
        decoder([b"data: " + b"a" * 95 + b"\n\n"], max_event_size=100)
    with pytest.raises(SSEError):
        decoder([two_lines.replace(b"b\n", b"bb\n")], max_event_size=100)
    # Comments and unknown fields count as lines too.
    with pytest.raises(SSEError, match="line"):
        decoder([b":" + b"c" * 100 + b"\n"], max_event_size=100)


def limit_violated(raw: bytes, limit: int) -> bool:
    """Whether the stream has a line, or an event's data, longer than ``limit`` bytes.

    The unterminated remainder at the end counts as a line (it is held in
    memory) but never adds data (it is never interpreted).
    """
    if raw.startswith(BOM):
        raw = raw[3:]
    *lines, rest = re.split(rb"\r\n|\r|\n", raw)
    if len(rest) > limit:
        return True
    data_size: int | None = None
    for line in lines:
        if len(line) > limit:
            return True
        if not line:
            data_size = None
        elif line == b"data" or line.startswith(b"data:"):
            value = line[6:] if line[5:6] == b" " else line[5:]
            data_size = len(value) if data_size is None else data_size + 1 + len(value)
            if data_size > limit:
                return True
    return False


def events_until_error(
    decoder, chunks: list[bytes], limit: int
) -> tuple[list[ServerSentEvent], bool]:
    events: list[ServerSentEvent] = []
    try:
        if decoder is decode:
            events.extend(iter_sse(chunks, max_event_size=limit))
        else:
            incremental = SSEDecoder(limit)
            for chunk in chunks:
                events.extend(incremental.feed(chunk))
    except SSEError:
        return events, True
    return events, False


@PROPERTY
@given(chunked(), st.integers(1, 12))
def test_limit_errors_do_not_depend_on_chunking(
    case: tuple[bytes, list[bytes]], limit: int
) -> None:
    raw, chunks = case
    expected = reference_events(raw)
    violated = limit_violated(raw, limit)
    for decoder in (decode, decode_feed):
        events, raised = events_until_error(decoder, chunks, limit)
        assert raised == violated, (decoder.__name__, raw, chunks)
        # Before the error, the events are the right ones (possibly fewer).
        assert events == expected[: len(events)]
        if not raised:
            assert events == expected


def test_long_line_in_tiny_chunks_is_linear() -> None:
    # A decoder that re-joined or re-scanned its buffer per chunk would take
    # minutes here (quadratic in 2 MB); the incremental one takes well under a second.
    body = b"data: " + b"q" * 2_000_000 + b"\n\n"
    chunks = [body[i : i + 3] for i in range(0, len(body), 3)]
    (event,) = decode(chunks)
    assert len(event.data) == 2_000_000
    (event,) = decode_feed(chunks)
    assert len(event.data) == 2_000_000

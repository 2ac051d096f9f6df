"""The JSON Lines and JSON text sequence splitters, against whole-body references.

The property tests feed arbitrary chunkings of a body to the incremental
decoders and compare with ``reference_lines`` / ``reference_records``: direct
transcriptions of the formats that split the whole body at once.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime._ndjson import (
    JSON_LINES,
    JSON_SEQ,
    SSE,
    LineDecoder,
    RecordTooLong,
    SeqDecoder,
    stream_format,
)
from tests.support.streams import split


def reference_lines(raw: bytes) -> list[bytes]:
    """JSON Lines: split at LF; blank lines are skipped; a last line may lack its LF."""
    return [line for line in raw.split(b"\n") if line.strip()]


def reference_records(raw: bytes) -> list[bytes]:
    """RFC 7464: split at RS; whitespace-only records are skipped."""
    return [r for r in raw.split(b"\x1e") if r.strip()]


def lines(chunks: list[bytes], max_size: int = 1 << 20) -> list[bytes]:
    decoder = LineDecoder(max_size)
    out = [line for chunk in chunks for line in decoder.feed(chunk)]
    tail = decoder.close()
    return out + ([tail] if tail is not None else [])


def records(chunks: list[bytes], max_size: int = 1 << 20) -> list[bytes]:
    decoder = SeqDecoder(max_size)
    out = [r for chunk in chunks for r in decoder.feed(chunk)]
    tail = decoder.close()
    return out + ([tail] if tail is not None else [])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def line_bodies(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    values = draw(st.lists(json_values, max_size=6))
    ends = draw(
        st.lists(
            st.sampled_from([b"\n", b"\r\n", b"\n\n", b"\n  \n"]),
            min_size=len(values),
            max_size=len(values),
        )
    )
    raw = b"".join(
        json.dumps(v).encode() + e for v, e in zip(values, ends, strict=True)
    )
    if draw(st.booleans()) and raw.endswith(b"\n"):
        raw = raw[:-1]  # the last line without its LF
    cuts = draw(st.lists(st.integers(0, len(raw)), max_size=12))
    return raw, cuts


@st.composite
def seq_bodies(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    values = draw(st.lists(json_values, max_size=6))
    parts = []
    for v in values:
        indent = draw(st.sampled_from([None, 1]))  # some records span lines
        parts.append(
            b"\x1e" * draw(st.integers(1, 2))
            + json.dumps(v, indent=indent).encode()
            + b"\n"
        )
    raw = b"".join(parts)
    cuts = draw(st.lists(st.integers(0, len(raw)), max_size=12))
    return raw, cuts


@settings(max_examples=150, deadline=None)
@given(line_bodies())
def test_json_lines_any_chunking_equals_the_reference(
    body: tuple[bytes, list[int]],
) -> None:
    raw, cuts = body
    expected = reference_lines(raw)
    assert lines(split(raw, cuts)) == lines([raw]) == expected


@settings(max_examples=150, deadline=None)
@given(seq_bodies())
def test_json_seq_any_chunking_equals_the_reference(
    body: tuple[bytes, list[int]],
) -> None:
    raw, cuts = body
    assert records(split(raw, cuts)) == records([raw]) == reference_records(raw)


def test_json_lines_one_byte_at_a_time() -> None:
    raw = b'{"a": 1}\r\n\n{"b": "\xc3\xa9"}\n  \n[1,2]'
    assert lines([raw[i : i + 1] for i in range(len(raw))]) == reference_lines(raw)


def test_a_last_line_without_its_lf_comes_from_close() -> None:
    decoder = LineDecoder()
    assert decoder.feed(b'{"a": 1}\n{"b"') == [b'{"a": 1}']
    assert decoder.feed(b": 2}") == []
    assert decoder.close() == b'{"b": 2}'
    assert decoder.close() is None


def test_a_seq_record_arrives_at_its_lf_without_waiting_for_the_next_rs() -> None:
    decoder = SeqDecoder()
    assert decoder.feed(b'\x1e{"a": 1}') == []
    assert decoder.feed(b"\n") == [b'{"a": 1}\n']
    # A pretty-printed record is not cut at the LF after "{": it is not yet JSON.
    assert decoder.feed(b'\x1e{\n  "b": 2\n') == []
    assert decoder.feed(b"}\n") == [b'{\n  "b": 2\n}\n']
    assert decoder.close() is None


def test_seq_text_after_a_complete_record_is_a_record_of_its_own() -> None:
    # Invalid input: the parser (not the splitter) reports the stray text.
    assert records([b'\x1e{"a": 1}\n', b"oops\n\x1e2\n"]) == [
        b'{"a": 1}\n',
        b"oops\n",
        b"2\n",
    ]


@pytest.mark.parametrize("decoder", [LineDecoder, SeqDecoder])
def test_records_longer_than_the_limit_raise_however_chunked(decoder: type) -> None:
    sep = b"\n" if decoder is LineDecoder else b"\x1e"
    for chunks in ([b"x" * 11 + sep], [b"x" * 6, b"x" * 5], [b"x"] * 11):
        d = decoder(10)
        with pytest.raises(RecordTooLong, match="longer than 10 bytes"):
            for chunk in chunks:
                d.feed(chunk)
    d = decoder(10)
    assert d.feed(b"x" * 10 + sep) == [b"x" * 10]  # exactly the limit is fine


def test_endless_line_in_tiny_chunks_is_bounded() -> None:
    d = LineDecoder(1000)
    with pytest.raises(RecordTooLong):
        for _ in range(2000):
            d.feed(b"x")


@pytest.mark.parametrize(
    "media_type,fmt",
    [
        ("text/event-stream", SSE),
        ("application/x-ndjson", JSON_LINES),
        ("application/jsonl", JSON_LINES),
        ("application/jsonlines", JSON_LINES),
        ("Application/X-NDJSON; charset=utf-8", JSON_LINES),
        ("application/json-seq", JSON_SEQ),
    ],
)
def test_stream_format(media_type: str, fmt: str) -> None:
    assert stream_format(media_type) == fmt


def test_unknown_stream_media_type() -> None:
    with pytest.raises(
        ValueError, match="unsupported stream media type 'application/xml'"
    ):
        stream_format("application/xml")

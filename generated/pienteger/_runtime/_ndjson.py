"""Line-delimited JSON streams: incremental splitters for JSON Lines and JSON text sequences.

Two wire formats carry one JSON value per record:

* **JSON Lines** (``application/x-ndjson``, ``application/jsonl``,
  ``application/jsonlines``...): each value is one line ending in LF (a CR
  before it is whitespace to JSON). Blank lines are skipped. The last line may
  lack its LF: it is returned by :meth:`LineDecoder.close`, and the stream
  layer treats it as a record the body may have cut short.
* **JSON text sequences** (RFC 7464, ``application/json-seq``): each value is
  preceded by RS (0x1E) and ends with LF; a value may span lines (it is
  pretty-printed). A record ends at the next RS, or as soon as its bytes so
  far end in LF and are one complete JSON text (so a record arrives without
  waiting for the next one; no proper prefix of a JSON text followed by LF is
  a complete JSON text, so this never cuts a record short). A record sent on
  one line, as streams do, is parsed once for this; a pretty-printed one
  arriving line by line, once more per line that could end it. Records that are
  only whitespace (``RS RS``) are skipped.

The decoders return records as ``bytes``, undecoded: pydantic validates JSON
straight from bytes. Any split of the input into chunks gives the same
records. Apart from that check, each input byte is looked at a bounded number of times: a chunk
without a separator is held as a piece, and pieces are joined once, when the
record's end arrives. ``max_size`` bounds one record; a longer one raises
:class:`RecordTooLong` as soon as it is seen.
"""

from __future__ import annotations

import json

__all__ = [
    "DEFAULT_MAX_RECORD_SIZE",
    "JSON_LINES",
    "JSON_SEQ",
    "SSE",
    "LineDecoder",
    "RecordTooLong",
    "SeqDecoder",
    "stream_format",
]

#: Wire formats, as :class:`StreamSpec` names them.
SSE = "sse"
JSON_LINES = "json-lines"
JSON_SEQ = "json-seq"

_FORMATS = {
    "text/event-stream": SSE,
    "application/x-ndjson": JSON_LINES,
    "application/ndjson": JSON_LINES,
    "application/jsonl": JSON_LINES,
    "application/x-jsonl": JSON_LINES,
    "application/jsonlines": JSON_LINES,
    "application/x-jsonlines": JSON_LINES,
    "application/json-lines": JSON_LINES,
    "application/json-seq": JSON_SEQ,
}

#: Default cap on one record, in bytes (the SSE decoder's default too).
DEFAULT_MAX_RECORD_SIZE = 64 * 1024 * 1024

_RS = 0x1E
# Bytes no JSON text ends with: a line ending in one of them (a pretty-printed
# record's "{" or "1,") is not tried as the end of its record.
_NEVER_LAST = frozenset((b"{", b"[", b",", b":"))


def stream_format(media_type: str) -> str:
    """The wire format (:data:`SSE`, :data:`JSON_LINES`, :data:`JSON_SEQ`) of a media type.

    Parameters (``; charset=utf-8``) and case are ignored; an unknown type
    raises ``ValueError``.
    """
    base = media_type.split(";", 1)[0].strip().lower()
    found = _FORMATS.get(base)
    if found is None:
        raise ValueError(
            f"unsupported stream media type {media_type!r}; supported: "
            + ", ".join(sorted(_FORMATS))
        )
    return found


def media_types(fmt: str) -> frozenset[str]:
    """Every media type (lower case, no parameters) that carries ``fmt``."""
    return frozenset(t for t, f in _FORMATS.items() if f == fmt)


class RecordTooLong(ValueError):
    """A record (line) longer than the decoder's ``max_size``."""


def _blank(record: bytes) -> bool:
    return not record or record.isspace()


class LineDecoder:
    """Splits chunks of a JSON Lines body into its non-blank lines (LF excluded)."""

    __slots__ = ("_max", "_pending", "_size")

    def __init__(self, max_size: int = DEFAULT_MAX_RECORD_SIZE) -> None:
        self._max = max_size
        self._pending: list[bytes] = []  # pieces of a line whose LF has not arrived
        self._size = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        """Decode one more chunk; return the lines it completes (often none)."""
        if 10 not in chunk:
            if chunk:
                self._size += len(chunk)
                if self._size > self._max:
                    raise self._too_long()
                self._pending.append(chunk)
            return []
        pending = self._pending
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
            pending.clear()
        lines = chunk.split(b"\n")
        tail = lines.pop()
        self._size = len(tail)
        if tail:
            pending.append(tail)
        if len(chunk) > self._max and (
            self._size > self._max or any(len(line) > self._max for line in lines)
        ):
            raise self._too_long()
        return [line for line in lines if line and not line.isspace()]

    def close(self) -> bytes | None:
        """What follows the last LF, unless blank: a last line without its LF."""
        tail = b"".join(self._pending)
        self._pending.clear()
        self._size = 0
        return None if _blank(tail) else tail

    def _too_long(self) -> RecordTooLong:
        return RecordTooLong(f"a line of the stream is longer than {self._max} bytes")


class SeqDecoder:
    """Splits chunks of a JSON text sequence (RFC 7464) into its records (RS excluded)."""

    __slots__ = ("_max", "_pending", "_size")

    def __init__(self, max_size: int = DEFAULT_MAX_RECORD_SIZE) -> None:
        self._max = max_size
        self._pending: list[bytes] = []  # pieces of the record since the last RS
        self._size = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        """Decode one more chunk; return the records it completes (often none)."""
        if not chunk:
            return []
        pending = self._pending
        out: list[bytes] = []
        if _RS in chunk:
            if pending:
                pending.append(chunk)
                chunk = b"".join(pending)
                pending.clear()
            parts = chunk.split(b"\x1e")
            tail = parts.pop()
            if len(chunk) > self._max and any(len(p) > self._max for p in parts):
                raise self._too_long()
            out = [p for p in parts if not _blank(p)]
            self._size = 0
            chunk = tail
            if not chunk:
                return out
        self._size += len(chunk)
        if self._size > self._max:
            raise self._too_long()
        pending.append(chunk)
        if chunk[-1] == 10 and chunk.rstrip()[-1:] not in _NEVER_LAST:
            # Ends in LF after what can end a JSON text: deliver it now if it
            # is one whole JSON text.
            record = pending[0] if len(pending) == 1 else b"".join(pending)
            if not _blank(record) and _complete(record):
                pending.clear()
                self._size = 0
                out.append(record)
        return out

    def close(self) -> bytes | None:
        """The record still open when the body ends, unless blank."""
        tail = b"".join(self._pending)
        self._pending.clear()
        self._size = 0
        return None if _blank(tail) else tail

    def _too_long(self) -> RecordTooLong:
        return RecordTooLong(f"a record of the stream is longer than {self._max} bytes")


def _complete(record: bytes) -> bool:
    try:
        json.loads(record)
    except ValueError:
        return False
    return True

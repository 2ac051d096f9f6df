"""Server-Sent Events: an incremental decoder for ``text/event-stream`` bodies.

Follows the WHATWG HTML "event stream" interpretation rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):

* the stream is UTF-8, decoded with replacement characters; one leading BOM is
  dropped;
* lines end in CRLF, LF or CR, and a chunk may end anywhere, even between the
  CR and the LF of one line end or inside a multi-byte character;
* a line starting with ``:`` is a comment; otherwise the field name runs to
  the first ``:`` and one space after it is dropped from the value;
* ``data`` lines accumulate, joined by LF; a blank line dispatches the event,
  unless no ``data`` field was seen (an empty ``data:`` line does dispatch);
* ``event`` sets the type of the next event only; ``id`` (unless it contains
  NUL) sets the last event ID, which stays in force for later events;
  ``retry`` is taken only when it is all ASCII digits (an empty value is
  ignored: it has no digit to interpret) and also stays in force;
* an event not closed by a blank line when the stream ends is dropped.

Memory is bounded by ``max_event_size``: a line longer than that many bytes
(line end excluded), or an event whose data (its ``data`` values joined by LF)
is longer, raises :class:`SSEError` as soon as it is seen, however the bytes
are chunked. The error ends the stream; events completed earlier in the same
chunk may not have been returned.

Each input byte is looked at a bounded number of times: complete lines are
split out of each chunk by ``bytes.splitlines`` (which, for bytes, splits on
exactly CR, LF and CRLF), and a partial line is kept as a list of pieces joined
once when its end arrives, so a long line fed in tiny chunks costs linear,
not quadratic, time. Bytes are decoded once per event, which is equivalent to
decoding the whole stream first because line ends are ASCII and never part of
a multi-byte sequence.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

__all__ = [
    "DEFAULT_MAX_EVENT_SIZE",
    "SSEDecoder",
    "SSEError",
    "ServerSentEvent",
    "aiter_sse",
    "iter_sse",
]

#: Default cap on one line and on one event's accumulated data, in bytes.
#: Generous because image-streaming APIs send megabytes of base64 in one event.
DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"


class SSEError(ValueError):
    """The byte stream cannot be decoded as server-sent events within the limits."""


class ServerSentEvent:
    """One dispatched event.

    ``event`` is the event type (``"message"`` unless an ``event:`` field set
    it), ``data`` the data lines joined by ``"\\n"``, ``id`` the last event ID
    in force when it was dispatched (``None`` if the stream never set one) and
    ``retry`` the reconnection time in milliseconds last set by the stream
    (``None`` if never set).
    """

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self,
        data: str = "",
        event: str = "message",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.event, self.data, self.id, self.retry) == (
            other.event,
            other.data,
            other.id,
            other.retry,
        )

    def __hash__(self) -> int:
        return hash((self.event, self.data, self.id, self.retry))

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )


class SSEDecoder:
    """Turns chunks of bytes into :class:`ServerSentEvent` objects.

    Call :meth:`feed` with each chunk as it arrives; it returns the events the
    chunk completed. ``max_event_size`` bounds both one line and one event's
    data (bytes); exceeding it raises :class:`SSEError`. There is no end
    method: an event still open when the input ends is dropped by the rules.
    """

    __slots__ = (
        "_data",
        "_data_size",
        "_event",
        "_head",
        "_last_id",
        "_max",
        "_pending",
        "_pending_size",
        "_retry",
        "_skip_lf",
    )

    def __init__(self, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        self._max = max_event_size
        self._pending: list[bytes] = []  # pieces of a line whose end has not arrived
        self._pending_size = 0
        self._skip_lf = False  # the last chunk ended in CR: a leading LF is its pair
        self._head: bytes | None = (
            b""  # bytes seen while a leading BOM is still possible
        )
        self._data: list[bytes] = []
        self._data_size = 0
        self._event: bytes | None = None
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one more chunk; return the events it completes (often none)."""
        if self._head is not None:
            chunk = self._head + chunk
            if len(chunk) < 3 and _BOM.startswith(chunk):
                self._head = chunk
                return []
            self._head = None
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        if not chunk:
            return []
        pending = self._pending
        if self._skip_lf:
            self._skip_lf = False
            # Held pieces came after the CR, so an LF now is a line end of its own.
            if chunk[0] == 10 and not pending:
                chunk = chunk[1:]
                if not chunk:
                    return []
        if 10 not in chunk and 13 not in chunk:
            self._pending_size += len(chunk)
            if self._pending_size > self._max:
                raise self._line_too_long()
            pending.append(chunk)
            return []
        if pending:
            pending.append(chunk)
            chunk = b"".join(pending)
            pending.clear()
            self._pending_size = 0
        lines = chunk.splitlines()
        if len(chunk) > self._max:
            # Only a chunk longer than the limit can hold a line over it: the
            # check costs nothing for the chunk sizes streams actually use.
            for line in lines:
                if len(line) > self._max:
                    raise self._line_too_long()
        last = chunk[-1]
        if last == 13:
            self._skip_lf = True
        elif last != 10:
            tail = lines.pop()
            pending.append(tail)
            self._pending_size = len(tail)
        return self._lines(lines)

    def _line_too_long(self) -> SSEError:
        return SSEError(
            f"a line of the event stream is longer than {self._max} bytes (max_event_size)"
        )

    def _event_too_big(self) -> SSEError:
        self._data = []
        self._data_size = 0
        return SSEError(
            f"an event of the event stream has more than {self._max} bytes of data "
            "(max_event_size)"
        )

    def _lines(self, lines: list[bytes]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        data = self._data
        size = (
            self._data_size
        )  # bytes of data so far, plus one per line (the joining LFs and one more)
        limit = self._max + 1
        for line in lines:
            if not line:
                if data:
                    raw = data[0] if len(data) == 1 else b"\n".join(data)
                    etype = self._event
                    events.append(
                        ServerSentEvent(
                            raw.decode("utf-8", "replace"),
                            (
                                "message"
                                if not etype
                                else etype.decode("utf-8", "replace")
                            ),
                            self._last_id,
                            self._retry,
                        )
                    )
                    data = []
                    size = 0
                self._event = None
                continue
            if line[:6] == b"data: ":
                # The line almost every event consists of: skip the generic split.
                value = line[6:]
                size += len(value) + 1
                if size > limit:
                    raise self._event_too_big()
                data.append(value)
                continue
            colon = line.find(b":")
            if colon == 0:
                continue
            if colon < 0:
                name = line
                value = b""
            else:
                name = line[:colon]
                if len(line) > colon + 1 and line[colon + 1] == 32:
                    value = line[colon + 2 :]
                else:
                    value = line[colon + 1 :]
            if name == b"data":
                size += len(value) + 1
                if size > limit:
                    raise self._event_too_big()
                data.append(value)
            elif name == b"event":
                self._event = value
            elif name == b"id":
                if b"\x00" not in value:
                    self._last_id = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():
                self._retry = int(value)
        self._data = data
        self._data_size = size
        return events


def iter_sse(
    chunks: Iterable[bytes], *, max_event_size: int = DEFAULT_MAX_EVENT_SIZE
) -> Iterator[ServerSentEvent]:
    """Yield the events of a byte stream given as an iterable of chunks.

    An event not closed by a blank line when ``chunks`` ends is dropped, as
    the WHATWG rules require.
    """
    decoder = SSEDecoder(max_event_size)
    feed = decoder.feed
    it = iter(chunks)
    for chunk in it:  # until a leading BOM is ruled in or out
        events = feed(chunk)
        if events:
            yield from events
        if decoder._head is None:
            break
    # Hot loop. A chunk without a line end can only extend the current line,
    # so it is held without a call (streams often arrive in tiny pieces);
    # ``10 in chunk`` (an int) is a plain memchr, several times cheaper than
    # ``b"\n" in chunk``.
    hold = decoder._pending.append
    held = decoder._pending_size
    for chunk in it:
        if 10 in chunk or 13 in chunk:
            events = feed(chunk)
            held = decoder._pending_size
            if events:
                yield from events
        elif chunk:
            held += len(chunk)
            if held > max_event_size:
                raise decoder._line_too_long()
            hold(chunk)


async def aiter_sse(
    chunks: AsyncIterable[bytes], *, max_event_size: int = DEFAULT_MAX_EVENT_SIZE
) -> AsyncIterator[ServerSentEvent]:
    """Async twin of :func:`iter_sse`, over an async iterable of byte chunks."""
    decoder = SSEDecoder(max_event_size)
    feed = decoder.feed
    hold = decoder._pending.append
    held = 0
    async for chunk in chunks:
        if decoder._head is not None or 10 in chunk or 13 in chunk:
            events = feed(chunk)
            held = decoder._pending_size
            for event in events:
                yield event
        elif chunk:
            held += len(chunk)
            if held > max_event_size:
                raise decoder._line_too_long()
            hold(chunk)

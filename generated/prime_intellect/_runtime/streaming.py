"""Typed streams: ``Stream[Chunk]`` and ``AsyncStream[Chunk]``, in every wire format the specs use.

The wire format comes from the spec (:class:`StreamSpec`): server-sent events
(each event's JSON data is a chunk; with named events, the event name picks
the chunk type), JSON Lines (each line is a chunk) or JSON text sequences
(each RS-separated record is a chunk). The spec's terminator (``[DONE]``) or
final marker (``{"done": true}``) ends the stream. The server's errors inside
a stream, undecodable data and broken connections all raise :class:`APIError`
subclasses; a stream never just stops early in silence.

A stream also folds into the operation's non-streaming answer when its spec
gives a fold rule: ``get_final_response()`` consumes the rest of the stream
and returns that answer (text deltas joined, tool-call fragments joined per
index, the last ``finish_reason``, ``usage``...), ``text_stream`` yields only
the text deltas, and ``until_done()`` consumes the stream. They can follow
iteration: chunks already delivered are folded too.

A connection that breaks before the first chunk is transparent to the
caller: the request is sent again (after the usual backoff) as long as the
call has retries left, sharing one budget with the retries before the
response. After the first chunk nothing is sent again: the caller already
has part of the answer.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
)
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    TypeVar,
)

import httpx

from ._ndjson import JSON_SEQ, SSE, LineDecoder, RecordTooLong, SeqDecoder
from ._stream_core import UNSET, OneOrTwo, StreamCore, Tolerate
from .sse import SSEError, aiter_sse, iter_sse

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import TypeVar as TypeVarWithDefault

    from ._api import StreamSpec

    R = TypeVarWithDefault("R", default=Any)
else:
    R = TypeVar("R")

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")


class Stream(OneOrTwo, StreamCore, Generic[T, R]):
    """A synchronous stream of typed chunks. Iterate it; close it (or use ``with``) to release the connection.

    ``Stream[Chunk, Final]``: ``Final`` is what :meth:`get_final_response`
    returns. ``response`` is the underlying :class:`httpx.Response`.
    """

    __slots__ = ("_records", "_resend")

    def __init__(
        self,
        response: httpx.Response,
        spec: StreamSpec,
        request: httpx.Request,
        redact: Callable[[str], str],
        resend: Callable[[], httpx.Response | None] | None = None,
        tolerate: Tolerate | None = None,
    ) -> None:
        super().__init__(response, spec, request, redact, tolerate)
        self._resend = resend
        self._records = (
            self._events() if spec.format == SSE else self._lines(spec.format)
        )

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        record = next(self._records)
        try:
            item = self._event_item(record) if self._sse else self._record_item(record)
        except Exception:
            self.close()
            raise
        if self._seen is not None:
            self._keep(record)
        return item  # type: ignore[no-any-return]

    def get_final_response(self) -> R:
        """Consume the rest of the stream; return the operation's answer built from every chunk."""
        if self._final is UNSET:
            folder = self._start_fold()
            try:
                for record in self._records:
                    self._fold(folder, record)
                return self._finish_fold(folder)  # type: ignore[no-any-return]
            except Exception:
                self.close()
                raise
        return self._final  # type: ignore[no-any-return]

    @property
    def text_stream(self) -> Iterator[str]:
        """The text deltas of the rest of the stream, folding as it goes."""
        return self._texts()

    def _texts(self) -> Generator[str, None, None]:
        folder = self._start_fold()
        try:
            for record in self._records:
                texts = self._fold(folder, record, texts=True)
                if texts:
                    yield from texts
        except Exception:
            self.close()
            raise

    def until_done(self) -> None:
        """Consume the rest of the stream (folding it, when the stream can fold)."""
        if self._spec.fold is None:
            for _ in self:
                pass
            return
        folder = self._start_fold()
        try:
            for record in self._records:
                self._fold(folder, record)
        except Exception:
            self.close()
            raise

    def _events(self) -> Generator[Any, None, None]:
        spec = self._spec
        terminator = spec.terminator
        skip = spec.skip_events
        named = spec.events
        marked = spec.final_marker is not None
        try:
            while True:
                try:
                    if self._wrong_content_type():
                        self.response.read()
                        raise self._wrong_content_type_error()
                    chunks = self.response.iter_bytes()
                    for sse in iter_sse(chunks):
                        if sse.data == terminator:
                            _drain(chunks)
                            self._complete = True
                            return
                        event = sse.event
                        # Plain streams' events are "message": one comparison.
                        if event != "message" or named is not None:
                            if event in skip:
                                continue
                            if (
                                named is not None
                                and event not in named
                                and event != "error"
                            ):
                                self._unknown_event(event)
                                continue
                        yield sse
                        if marked and self._end:
                            _drain(chunks)
                            self._complete = True
                            return
                    break
                except httpx.TransportError as exc:
                    self.response.close()
                    # Before the first chunk nothing was delivered, so sending
                    # again is invisible to the caller; after it, it is not.
                    resend = self._resend if self._count == 0 else None
                    response = resend() if resend is not None else None
                    if response is None:
                        raise self._transport_error(exc) from None
                    self.response = response
                except SSEError as exc:
                    raise self._decode_error(exc) from None
            if spec.terminator_required:
                raise self._ended_early()
            self._complete = True
        finally:
            self.response.close()

    def _lines(self, fmt: str) -> Generator[bytes, None, None]:
        spec = self._spec
        terminator = None if spec.terminator is None else spec.terminator.encode()
        marked = spec.final_marker is not None
        try:
            while True:
                try:
                    if self._wrong_content_type():
                        self.response.read()
                        raise self._wrong_content_type_error()
                    chunks = self.response.iter_bytes()
                    decoder = SeqDecoder() if fmt == JSON_SEQ else LineDecoder()
                    for chunk in chunks:
                        for line in decoder.feed(chunk):
                            if terminator is not None and line.strip() == terminator:
                                _drain(chunks)
                                self._complete = True
                                return
                            yield line
                            if marked and self._end:
                                _drain(chunks)
                                self._complete = True
                                return
                    tail = decoder.close()
                    if tail is not None:
                        if terminator is not None and tail.strip() == terminator:
                            self._complete = True
                            return
                        self._tail = True
                        yield tail
                    break
                except httpx.TransportError as exc:
                    self.response.close()
                    resend = self._resend if self._count == 0 else None
                    response = resend() if resend is not None else None
                    if response is None:
                        raise self._transport_error(exc) from None
                    self.response = response
                except RecordTooLong as exc:
                    raise self._decode_error(exc) from None
            if spec.terminator_required and not self._end:
                raise self._ended_early()
            self._complete = True
        finally:
            self.response.close()

    def close(self) -> None:
        """Release the connection; further iteration ends."""
        self._records.close()
        self.response.close()

    def __enter__(self) -> Stream[T, R]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(OneOrTwo, StreamCore, Generic[T, R]):
    """An asynchronous stream of typed chunks. ``async for`` over it; ``aclose()`` (or ``async with``) releases it.

    ``get_final_response()``, ``text_stream`` and ``until_done()`` are the
    async twins of :class:`Stream`'s (``await``, ``async for``).
    """

    __slots__ = ("_records", "_resend")

    def __init__(
        self,
        response: httpx.Response,
        spec: StreamSpec,
        request: httpx.Request,
        redact: Callable[[str], str],
        resend: Callable[[], Awaitable[httpx.Response | None]] | None = None,
        tolerate: Tolerate | None = None,
    ) -> None:
        super().__init__(response, spec, request, redact, tolerate)
        self._resend = resend
        self._records = (
            self._events() if spec.format == SSE else self._lines(spec.format)
        )

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        record = await self._records.__anext__()
        try:
            item = self._event_item(record) if self._sse else self._record_item(record)
        except Exception:
            await self.aclose()
            raise
        if self._seen is not None:
            self._keep(record)
        return item  # type: ignore[no-any-return]

    async def get_final_response(self) -> R:
        """Consume the rest of the stream; return the operation's answer built from every chunk."""
        if self._final is UNSET:
            folder = self._start_fold()
            try:
                async for record in self._records:
                    self._fold(folder, record)
                return self._finish_fold(folder)  # type: ignore[no-any-return]
            except Exception:
                await self.aclose()
                raise
        return self._final  # type: ignore[no-any-return]

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The text deltas of the rest of the stream, folding as it goes."""
        return self._texts()

    async def _texts(self) -> AsyncGenerator[str, None]:
        folder = self._start_fold()
        try:
            async for record in self._records:
                texts = self._fold(folder, record, texts=True)
                if texts:
                    for text in texts:
                        yield text
        except Exception:
            await self.aclose()
            raise

    async def until_done(self) -> None:
        """Consume the rest of the stream (folding it, when the stream can fold)."""
        if self._spec.fold is None:
            async for _ in self:
                pass
            return
        folder = self._start_fold()
        try:
            async for record in self._records:
                self._fold(folder, record)
        except Exception:
            await self.aclose()
            raise

    async def _events(self) -> AsyncGenerator[Any, None]:
        spec = self._spec
        terminator = spec.terminator
        skip = spec.skip_events
        named = spec.events
        marked = spec.final_marker is not None
        try:
            while True:
                try:
                    if self._wrong_content_type():
                        await self.response.aread()
                        raise self._wrong_content_type_error()
                    chunks = self.response.aiter_bytes()
                    async for sse in aiter_sse(chunks):
                        if sse.data == terminator:
                            await _adrain(chunks)
                            self._complete = True
                            return
                        event = sse.event
                        # Plain streams' events are "message": one comparison.
                        if event != "message" or named is not None:
                            if event in skip:
                                continue
                            if (
                                named is not None
                                and event not in named
                                and event != "error"
                            ):
                                self._unknown_event(event)
                                continue
                        yield sse
                        if marked and self._end:
                            await _adrain(chunks)
                            self._complete = True
                            return
                    break
                except httpx.TransportError as exc:
                    await self.response.aclose()
                    resend = self._resend if self._count == 0 else None
                    response = await resend() if resend is not None else None
                    if response is None:
                        raise self._transport_error(exc) from None
                    self.response = response
                except SSEError as exc:
                    raise self._decode_error(exc) from None
            if spec.terminator_required:
                raise self._ended_early()
            self._complete = True
        finally:
            await self.response.aclose()

    async def _lines(self, fmt: str) -> AsyncGenerator[bytes, None]:
        spec = self._spec
        terminator = None if spec.terminator is None else spec.terminator.encode()
        marked = spec.final_marker is not None
        try:
            while True:
                try:
                    if self._wrong_content_type():
                        await self.response.aread()
                        raise self._wrong_content_type_error()
                    chunks = self.response.aiter_bytes()
                    decoder = SeqDecoder() if fmt == JSON_SEQ else LineDecoder()
                    async for chunk in chunks:
                        for line in decoder.feed(chunk):
                            if terminator is not None and line.strip() == terminator:
                                await _adrain(chunks)
                                self._complete = True
                                return
                            yield line
                            if marked and self._end:
                                await _adrain(chunks)
                                self._complete = True
                                return
                    tail = decoder.close()
                    if tail is not None:
                        if terminator is not None and tail.strip() == terminator:
                            self._complete = True
                            return
                        self._tail = True
                        yield tail
                    break
                except httpx.TransportError as exc:
                    await self.response.aclose()
                    resend = self._resend if self._count == 0 else None
                    response = await resend() if resend is not None else None
                    if response is None:
                        raise self._transport_error(exc) from None
                    self.response = response
                except RecordTooLong as exc:
                    raise self._decode_error(exc) from None
            if spec.terminator_required and not self._end:
                raise self._ended_early()
            self._complete = True
        finally:
            await self.response.aclose()

    async def aclose(self) -> None:
        """Release the connection; further iteration ends."""
        await self._records.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T, R]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


#: After the terminator, read at most this much more to reach the end of the body.
_DRAIN_LIMIT = 64 * 1024


def _drain(chunks: Iterator[bytes]) -> None:
    """Read what is left of the body after the terminator (normally nothing).

    A body read to its end returns the connection to the pool; one closed
    early is thrown away, and the next request pays a new TCP connection.
    """
    left = _DRAIN_LIMIT
    try:
        for chunk in chunks:
            left -= len(chunk)
            if left < 0:
                return
    except httpx.HTTPError:
        pass  # the stream is complete for the caller; the connection is simply not reused


async def _adrain(chunks: AsyncIterator[bytes]) -> None:
    """Async twin of :func:`_drain`."""
    left = _DRAIN_LIMIT
    try:
        async for chunk in chunks:
            left -= len(chunk)
            if left < 0:
                return
    except httpx.HTTPError:
        pass

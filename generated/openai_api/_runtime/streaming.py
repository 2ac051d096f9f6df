"""Typed streams over server-sent events: ``Stream[T]`` and ``AsyncStream[T]``.

Each event's JSON data is validated into the operation's chunk type; the
spec's terminator (``[DONE]``) ends the stream. The server's errors inside a
stream, undecodable data and broken connections all raise :class:`APIError`
subclasses; a stream never just stops early in silence.

A connection that breaks before the first event is transparent to the
caller: the request is sent again (after the usual backoff) as long as the
call has retries left, sharing one budget with the retries before the
response. After the first event nothing is sent again: the caller already
has part of the answer.
"""

from __future__ import annotations

import json
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Generic,
    Iterator,
    AsyncIterator,
    TypeVar,
)

import httpx

from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStreamError,
    APITimeoutError,
    error_body,
    error_summary,
)
from .sse import ServerSentEvent, SSEError, aiter_sse, iter_sse

if TYPE_CHECKING:
    from types import TracebackType

    from ._api import StreamSpec

__all__ = ["Stream", "AsyncStream"]

T = TypeVar("T")


class _StreamCore:
    """What the sync and async streams share: turning one event into an item."""

    __slots__ = ("response", "_spec", "_request", "_redact", "_count")

    def __init__(
        self,
        response: httpx.Response,
        spec: StreamSpec,
        request: httpx.Request,
        redact: Callable[[str], str],
    ) -> None:
        self.response = response
        self._spec = spec
        self._request = request
        self._redact = redact
        self._count = 0  # events turned into items so far

    def _where(self) -> str:
        return f"{self._request.method} {self._request.url.path}"

    def _item(self, sse: ServerSentEvent) -> Any:
        """The typed item for one event (the terminator was handled by the caller)."""
        if sse.event == "error":
            raise self._server_error(sse.data)
        try:
            item = self._spec.parse_json(sse.data)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise self._bad_event(sse.data, exc) from None
        extra = getattr(item, "__pydantic_extra__", None)
        if extra and "error" in extra:
            raise self._server_error(sse.data)
        self._count += 1
        return item

    def _server_error(self, data: str) -> APIStreamError:
        try:
            body: Any = json.loads(data)
        except ValueError:
            body = data
        message = self._redact(
            f"{self._where()}: the server sent an error in the stream: {error_summary(body)}"
        )
        return APIStreamError(message, body=body, request=self._request)

    def _bad_event(self, data: str, exc: Exception) -> Exception:
        try:
            payload = json.loads(data)
        except ValueError as parse_error:
            return APIResponseValidationError(
                self._redact(
                    f"{self._where()}: event {self._count + 1} of the stream is not valid JSON "
                    f"({parse_error}): {data[:200]!r}"
                ),
                response=self.response,
                body=data,
            )
        if isinstance(payload, dict) and "error" in payload:
            return self._server_error(data)
        name = getattr(self._spec.type, "__name__", str(self._spec.type))
        return APIResponseValidationError(
            self._redact(
                f"{self._where()}: event {self._count + 1} of the stream does not match {name}: {exc}"
            ),
            response=self.response,
            body=payload,
        )

    def _transport_error(self, exc: Exception) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{self._where()}: the stream timed out after {self._count} events",
                request=self._request,
            )
        return APIConnectionError(
            self._redact(
                f"{self._where()}: the connection broke after {self._count} events of the stream "
                f"({type(exc).__name__}: {exc})"
            ),
            request=self._request,
        )

    def _ended_early(self) -> APIConnectionError:
        return APIConnectionError(
            f"{self._where()}: the stream ended after {self._count} events without its terminator "
            f"{self._spec.terminator!r}",
            request=self._request,
        )

    def _not_event_stream(self) -> bool:
        ctype = self.response.headers.get("content-type")
        return ctype is not None and "text/event-stream" not in ctype.lower()

    def _wrong_content_type(self) -> APIResponseValidationError:
        """For a 2xx answer that is no event stream (its body has been read)."""
        body = error_body(self.response)
        ctype = self.response.headers.get("content-type")
        return APIResponseValidationError(
            self._redact(
                f"{self._where()}: expected an event stream (text/event-stream) but got "
                f"{ctype}: {error_summary(body)}"
            ),
            response=self.response,
            body=body,
        )

    def _decode_error(self, exc: SSEError) -> APIResponseValidationError:
        return APIResponseValidationError(
            f"{self._where()}: cannot decode the event stream: {exc}",
            response=self.response,
        )


class Stream(_StreamCore, Generic[T]):
    """A synchronous stream of typed chunks. Iterate it; close it (or use ``with``) to release the connection.

    ``response`` is the underlying :class:`httpx.Response`.
    """

    __slots__ = ("_iterator", "_resend")

    def __init__(
        self,
        response: httpx.Response,
        spec: StreamSpec,
        request: httpx.Request,
        redact: Callable[[str], str],
        resend: Callable[[], httpx.Response | None] | None = None,
    ) -> None:
        super().__init__(response, spec, request, redact)
        self._resend = resend
        self._iterator = self._items()

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return next(self._iterator)

    def _items(self) -> Generator[T, None, None]:
        terminator = self._spec.terminator
        item = self._item
        try:
            while True:
                try:
                    if self._not_event_stream():
                        self.response.read()
                        raise self._wrong_content_type()
                    chunks = self.response.iter_bytes()
                    for sse in iter_sse(chunks):
                        if sse.data == terminator:
                            _drain(chunks)
                            return
                        yield item(sse)
                    break
                except httpx.TransportError as exc:
                    self.response.close()
                    # Before the first event nothing was delivered, so sending
                    # again is invisible to the caller; after it, it is not.
                    resend = self._resend if self._count == 0 else None
                    response = resend() if resend is not None else None
                    if response is None:
                        raise self._transport_error(exc) from None
                    self.response = response
                except SSEError as exc:
                    raise self._decode_error(exc) from None
            if self._spec.terminator_required:
                raise self._ended_early()
        finally:
            self.response.close()

    def close(self) -> None:
        """Release the connection; further iteration ends."""
        self._iterator.close()
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(_StreamCore, Generic[T]):
    """An asynchronous stream of typed chunks. ``async for`` over it; ``aclose()`` (or ``async with``) releases it."""

    __slots__ = ("_iterator", "_resend")

    def __init__(
        self,
        response: httpx.Response,
        spec: StreamSpec,
        request: httpx.Request,
        redact: Callable[[str], str],
        resend: Callable[[], Awaitable[httpx.Response | None]] | None = None,
    ) -> None:
        super().__init__(response, spec, request, redact)
        self._resend = resend
        self._iterator = self._items()

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    async def _items(self) -> AsyncGenerator[T, None]:
        terminator = self._spec.terminator
        item = self._item
        try:
            while True:
                try:
                    if self._not_event_stream():
                        await self.response.aread()
                        raise self._wrong_content_type()
                    chunks = self.response.aiter_bytes()
                    async for sse in aiter_sse(chunks):
                        if sse.data == terminator:
                            await _adrain(chunks)
                            return
                        yield item(sse)
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
            if self._spec.terminator_required:
                raise self._ended_early()
        finally:
            await self.response.aclose()

    async def aclose(self) -> None:
        """Release the connection; further iteration ends."""
        await self._iterator.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
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

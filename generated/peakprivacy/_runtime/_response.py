"""Raw responses: the HTTP response of a call, with the call's result a ``parse()`` away.

``client.models.with_raw_response.list()`` returns an :class:`APIResponse`
(headers, status, request id; ``parse()`` gives what ``list()`` returns);
``client.models.with_streaming_response.list()`` is a context manager giving
the same object with the body not read yet (an :class:`AsyncAPIResponse`,
whose reads are awaited, on an async client). The names and shapes follow
the official LLM SDKs', which their users know.

The wrappers below only retype a method: the resource they wrap is already
bound to a view of the client that answers with responses (see
:meth:`._base.SyncResource._view`), so a plain call pays nothing for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    ParamSpec,
    TypeVar,
    cast,
)

import httpx

from .errors import DEFAULT_REQUEST_ID_HEADERS, request_id_of

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "ResponseContextManager",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

P = ParamSpec("P")
R = TypeVar("R")
_Response = TypeVar("_Response", bound="APIResponse[Any]")
_AsyncResponse = TypeVar("_AsyncResponse", bound="AsyncAPIResponse[Any]")


class _ResponseBase:
    __slots__ = ("_parsed", "_request_id_headers", "http_response", "retries_taken")

    def __init__(
        self,
        http_response: httpx.Response,
        *,
        retries_taken: int = 0,
        request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS,
    ) -> None:
        #: The :class:`httpx.Response` itself.
        self.http_response = http_response
        #: How many times the request was sent again before this answer.
        self.retries_taken = retries_taken
        self._request_id_headers = request_id_headers
        self._parsed: list[Any] = []  # the result, once parsed

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (rate limits, request id...)."""
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        """The HTTP status (always 2xx: other statuses raise :class:`APIStatusError`)."""
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        """The server's id for this request (from ``x-request-id`` or the header the spec names)."""
        return request_id_of(self.http_response, self._request_id_headers)

    @property
    def url(self) -> httpx.URL:
        """The URL the request was sent to."""
        return self.http_response.url

    @property
    def method(self) -> str:
        """The HTTP method of the request."""
        return self.http_response.request.method

    @property
    def http_request(self) -> httpx.Request:
        """The :class:`httpx.Request` that was sent."""
        return self.http_response.request

    @property
    def is_closed(self) -> bool:
        """Whether the connection has been released."""
        return self.http_response.is_closed

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} "
            f"{self.http_response.reason_phrase}] {self.method} {self.url.path}>"
        )


class APIResponse(_ResponseBase, Generic[R]):
    """The HTTP response of one call; :meth:`parse` gives what the plain call returns.

    From ``with_raw_response`` the body has been read (unless the call
    streams); from ``with_streaming_response`` it is read when you ask for it.
    """

    __slots__ = ("_parse",)

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Callable[[], R],
        *,
        retries_taken: int = 0,
        request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS,
    ) -> None:
        super().__init__(
            http_response,
            retries_taken=retries_taken,
            request_id_headers=request_id_headers,
        )
        self._parse = parse

    def parse(self) -> R:
        """What the plain call returns: the typed body, or a ``Stream`` for a streaming call.

        Parsed once; later calls return the same object.
        """
        if not self._parsed:
            self._parsed.append(self._parse())
        return cast(R, self._parsed[0])

    def read(self) -> bytes:
        """The whole body (read now if it was not yet)."""
        return self.http_response.read()

    @property
    def content(self) -> bytes:
        """The whole body as bytes (read now if it was not yet)."""
        return self.read()

    def text(self) -> str:
        """The whole body decoded as text."""
        self.read()
        return self.http_response.text

    def json(self) -> Any:
        """The whole body parsed as JSON (no type validation)."""
        self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces as it arrives (``with_streaming_response`` only)."""
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body decoded, in pieces as it arrives."""
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """The body line by line as it arrives."""
        return self.http_response.iter_lines()

    def close(self) -> None:
        """Release the connection (a ``with`` block does it for you)."""
        self.http_response.close()


class AsyncAPIResponse(_ResponseBase, Generic[R]):
    """The HTTP response of one async call, body not read yet: its reads are awaited."""

    __slots__ = ("_parse",)

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Callable[[], Awaitable[R]],
        *,
        retries_taken: int = 0,
        request_id_headers: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS,
    ) -> None:
        super().__init__(
            http_response,
            retries_taken=retries_taken,
            request_id_headers=request_id_headers,
        )
        self._parse = parse

    async def parse(self) -> R:
        """What the plain call returns: the typed body, or an ``AsyncStream`` for a streaming call."""
        if not self._parsed:
            self._parsed.append(await self._parse())
        return cast(R, self._parsed[0])

    async def read(self) -> bytes:
        """The whole body (read now if it was not yet)."""
        return await self.http_response.aread()

    async def text(self) -> str:
        """The whole body decoded as text."""
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        """The whole body parsed as JSON (no type validation)."""
        await self.read()
        return self.http_response.json()

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body in pieces as it arrives."""
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body decoded, in pieces as it arrives."""
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        """The body line by line as it arrives."""
        return self.http_response.aiter_lines()

    async def close(self) -> None:
        """Release the connection (an ``async with`` block does it for you)."""
        await self.http_response.aclose()


class ResponseContextManager(Generic[_Response]):
    """Sends the request on entering; releases the connection on leaving."""

    __slots__ = ("_response", "_send")

    def __init__(self, send: Callable[[], _Response]) -> None:
        self._send = send
        self._response: _Response | None = None

    def __enter__(self) -> _Response:
        self._response = self._send()
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[_AsyncResponse]):
    """Sends the request on entering (``async with``); releases the connection on leaving."""

    __slots__ = ("_response", "_send")

    def __init__(self, send: Callable[[], Awaitable[_AsyncResponse]]) -> None:
        self._send = send
        self._response: _AsyncResponse | None = None

    async def __aenter__(self) -> _AsyncResponse:
        self._response = await self._send()
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """``func`` (a method of a resource bound to a raw-response view) typed as returning :class:`APIResponse`."""
    return cast("Callable[P, APIResponse[R]]", func)


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[APIResponse[R]]]:
    """Async twin of :func:`to_raw_response_wrapper` (the body is read, so ``parse()`` is not awaited)."""
    return cast("Callable[P, Awaitable[APIResponse[R]]]", func)


def to_streamed_response_wrapper(
    func: Callable[P, R],
) -> Callable[P, ResponseContextManager[APIResponse[R]]]:
    """``func`` (bound to a streamed-response view) as a context manager giving :class:`APIResponse`."""

    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[Any]:
        return ResponseContextManager(lambda: func(*args, **kwargs))

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[R]]]:
    """Async twin of :func:`to_streamed_response_wrapper`: ``async with`` gives :class:`AsyncAPIResponse`."""

    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncResponseContextManager[Any]:
        return AsyncResponseContextManager(lambda: func(*args, **kwargs))

    return wrapped

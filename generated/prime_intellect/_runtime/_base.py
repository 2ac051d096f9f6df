"""The base classes of generated code: the sync and async clients, and resources.

The decisions (auth, building requests, retries, errors, results) live in
:class:`._core.BaseClient`; :class:`SyncAPIClient` and :class:`AsyncAPIClient`
add only the loop that sends, sleeps and reads.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import httpx
from typing_extensions import Self

from ._api import ApiInfo, Operation
from ._core import BaseClient
from ._credentials import CredentialInput
from ._pool import Pool
from ._response import APIResponse, AsyncAPIResponse
from ._retries import Attempts
from ._types import NOT_GIVEN, NotGiven
from .streaming import AsyncStream, Stream

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["AsyncAPIClient", "AsyncResource", "SyncAPIClient", "SyncResource"]


class SyncAPIClient(BaseClient):
    """Base of generated synchronous clients. The httpx client is created on first use."""

    def __init__(
        self,
        api: ApiInfo,
        credentials: Mapping[str, CredentialInput],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.Client | None,
        strict_response_validation: bool = False,
    ) -> None:
        super().__init__(
            api,
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_response_validation=strict_response_validation,
        )
        self._pool: Pool[httpx.Client] = Pool(self._make_http, http_client)
        self._owns_http = self._pool.owned

    def _make_http(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout)

    def _use_http_client(self, http_client: Any) -> None:
        self._pool = Pool(self._make_http, http_client)

    @property
    def _http(self) -> httpx.Client:
        return self._pool.get()

    def _request(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Any = None,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        response_mode: str | None = None,
    ) -> Any:
        """Send ``op`` and return its result: a parsed body, or a :class:`Stream` when ``stream``.

        ``response_mode`` ``"raw"`` returns an :class:`APIResponse` instead
        (body read), ``"stream"`` one whose body is read on demand.
        """
        http = self._http
        request = self._build_request(
            http,
            op,
            path,
            query,
            headers,
            body,
            stream,
            extra_headers,
            extra_query,
            extra_body,
            timeout,
        )
        spec = self._stream_spec(op) if stream else None
        attempts = self._attempts(max_retries)
        response = self._send(
            http, op, request, attempts, stream or response_mode == "stream"
        )
        if spec is None:
            if response_mode is None:
                return self._result(op, response)

            def parse() -> Any:
                if response_mode == "stream":
                    try:
                        response.read()
                    except httpx.TransportError as exc:
                        raise self._connection_error(request, exc) from None
                return self._result(op, response)

        else:

            def resend() -> httpx.Response | None:
                delay = attempts.next_delay(None)
                if delay is None:
                    return None
                _sleep(delay)
                return self._send(http, op, request, attempts, True)

            def parse() -> Any:
                return Stream(
                    response, spec, request, self._redact, resend, self._tolerate()
                )

            if response_mode is None:
                return parse()
        return APIResponse(
            response,
            parse,
            retries_taken=attempts.used,
            request_id_headers=self._api.request_id_headers,
        )

    def _send(
        self,
        http: httpx.Client,
        op: Operation,
        request: httpx.Request,
        attempts: Attempts,
        stream: bool,
    ) -> httpx.Response:
        """Send until a response is final or the retries run out; raise for an error status.

        Credentials given as functions are asked again for every attempt.
        """
        later = self._auth(op)[3]
        while True:
            if later:
                self._credentials.apply(request, self._credentials.resolve(later))
            self._log_request(request, attempts.used)
            try:
                response = http.send(request, stream=stream)
            except httpx.TransportError as exc:
                delay = self._retry_after_error(attempts, request, exc)
                if delay is None:
                    raise self._connection_error(request, exc) from None
                _sleep(delay)
                continue
            delay = self._retry_after_response(attempts, response)
            if delay is None:
                break
            response.close()
            _sleep(delay)
        if response.is_success:
            return response
        try:
            response.read()  # a streamed error body has not been read yet
        except httpx.TransportError as exc:
            raise self._connection_error(request, exc) from None
        finally:
            response.close()
        raise self._status_error(response)

    def close(self) -> None:
        """Close the connection pool (unless it is the caller's ``http_client``, or this is a copy)."""
        made = self._pool.made
        if made is not None and self._owns_http:
            made.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """Base of generated asynchronous clients. The httpx client is created on first use."""

    def __init__(
        self,
        api: ApiInfo,
        credentials: Mapping[str, CredentialInput],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.AsyncClient | None,
        strict_response_validation: bool = False,
    ) -> None:
        super().__init__(
            api,
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_response_validation=strict_response_validation,
        )
        self._pool: Pool[httpx.AsyncClient] = Pool(self._make_http, http_client)
        self._owns_http = self._pool.owned

    def _make_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout)

    def _use_http_client(self, http_client: Any) -> None:
        self._pool = Pool(self._make_http, http_client)

    @property
    def _http(self) -> httpx.AsyncClient:
        return self._pool.get()

    async def _request(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Any = None,
        stream: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        response_mode: str | None = None,
    ) -> Any:
        """Send ``op`` and return its result: a parsed body, or an :class:`AsyncStream` when ``stream``.

        ``response_mode`` ``"raw"`` returns an :class:`APIResponse` instead
        (body read), ``"stream"`` an :class:`AsyncAPIResponse` whose body is
        read on demand.
        """
        http = self._http
        request = self._build_request(
            http,
            op,
            path,
            query,
            headers,
            body,
            stream,
            extra_headers,
            extra_query,
            extra_body,
            timeout,
        )
        spec = self._stream_spec(op) if stream else None
        attempts = self._attempts(max_retries)
        lazy = response_mode == "stream"
        response = await self._send(http, op, request, attempts, stream or lazy)
        if spec is None:
            if response_mode is None:
                return self._result(op, response)

            def parse() -> Any:
                return self._result(op, response)

            async def parse_later() -> Any:
                try:
                    await response.aread()
                except httpx.TransportError as exc:
                    raise self._connection_error(request, exc) from None
                return self._result(op, response)

        else:

            async def resend() -> httpx.Response | None:
                delay = attempts.next_delay(None)
                if delay is None:
                    return None
                await _async_sleep(delay)
                return await self._send(http, op, request, attempts, True)

            def parse() -> Any:
                return AsyncStream(
                    response, spec, request, self._redact, resend, self._tolerate()
                )

            if response_mode is None:
                return parse()

            async def parse_later() -> Any:
                return parse()

        if lazy:
            return AsyncAPIResponse(
                response,
                parse_later,
                retries_taken=attempts.used,
                request_id_headers=self._api.request_id_headers,
            )
        return APIResponse(
            response,
            parse,
            retries_taken=attempts.used,
            request_id_headers=self._api.request_id_headers,
        )

    async def _send(
        self,
        http: httpx.AsyncClient,
        op: Operation,
        request: httpx.Request,
        attempts: Attempts,
        stream: bool,
    ) -> httpx.Response:
        """Async twin of :meth:`SyncAPIClient._send` (the decisions are shared; only I/O differs)."""
        later = self._auth(op)[3]
        while True:
            if later:
                values = await self._credentials.aresolve(later)
                self._credentials.apply(request, values)
            self._log_request(request, attempts.used)
            try:
                response = await http.send(request, stream=stream)
            except httpx.TransportError as exc:
                delay = self._retry_after_error(attempts, request, exc)
                if delay is None:
                    raise self._connection_error(request, exc) from None
                await _async_sleep(delay)
                continue
            delay = self._retry_after_response(attempts, response)
            if delay is None:
                break
            await response.aclose()
            await _async_sleep(delay)
        if response.is_success:
            return response
        try:
            await response.aread()
        except httpx.TransportError as exc:
            raise self._connection_error(request, exc) from None
        finally:
            await response.aclose()
        raise self._status_error(response)

    async def close(self) -> None:
        """Close the connection pool (unless it is the caller's ``http_client``, or this is a copy)."""
        made = self._pool.made
        if made is not None and self._owns_http:
            await made.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class _ResponseView:
    """A client seen through ``with_raw_response`` / ``with_streaming_response``.

    Resources bound to a view send through the client as usual, but answer
    with an :class:`APIResponse` (``"raw"``) or one whose body is read on
    demand (``"stream"``).
    """

    __slots__ = ("_client", "_mode")

    def __init__(self, client: Any, mode: str) -> None:
        self._client = client
        self._mode = mode

    def _request(self, op: Operation, **kwargs: Any) -> Any:
        return self._client._request(op, response_mode=self._mode, **kwargs)


class SyncResource:
    """Base of generated resource classes (``client.models``, ``client.chat.completions``...)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def _view(self, mode: str) -> Self:
        """This resource, answering with responses (``mode``: ``"raw"`` or ``"stream"``)."""
        return type(self)(cast(Any, _ResponseView(self._client, mode)))


class AsyncResource:
    """Base of generated async resource classes."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def _view(self, mode: str) -> Self:
        """This resource, answering with responses (``mode``: ``"raw"`` or ``"stream"``)."""
        return type(self)(cast(Any, _ResponseView(self._client, mode)))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    import anyio  # httpx depends on anyio; imported here to keep client import cheap

    await anyio.sleep(seconds)

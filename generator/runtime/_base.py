"""The HTTP core every generated client stands on: auth, requests, retries, errors.

:class:`BaseClient` holds everything that does not wait on the network
(credentials, building requests, deciding on retries, turning responses into
results or errors); :class:`SyncAPIClient` and :class:`AsyncAPIClient` add
only the loop that sends, sleeps and reads.
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import enum
import json
import logging
import os
import time
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping, TypeVar

import httpx

from ._api import ApiInfo, Operation, StreamSpec
from ._params import encode_headers, encode_query, iso_duration, param_text
from ._retries import Attempts, RetryPolicy
from ._types import NOT_GIVEN, NotGiven
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    MissingCredentialError,
    error_body,
    error_summary,
    status_error_class,
)
from .streaming import AsyncStream, Stream

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "BaseClient",
    "SyncAPIClient",
    "AsyncAPIClient",
    "SyncResource",
    "AsyncResource",
]

# "openai_api._runtime._base" logs as "openai_api": one logger per package.
log = logging.getLogger(__name__.rpartition("._runtime")[0] or __name__)

_REDACTED = "[REDACTED]"
_MIN_REDACTED = 4
# A stream call prefers the event stream but takes a JSON error: some servers
# (Laravel's, for one) answer HTML error pages to a request that accepts no JSON.
_STREAM_ACCEPT = "text/event-stream, application/json;q=0.9"
_Self = TypeVar("_Self", bound="BaseClient")


def _json_default(value: Any) -> Any:
    """Encode what ``json`` cannot: models, dates, durations, UUIDs, enums, bytes (base64), sets."""
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return iso_duration(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"cannot send a value of type {type(value).__name__} as JSON")


def _encode_json(data: Any) -> bytes:
    return json.dumps(
        data,
        default=_json_default,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


class BaseClient:
    """State and logic shared by the sync and async clients."""

    #: Backoff when the server gives no Retry-After: INITIAL * 2**attempt, at most MAX, with jitter.
    INITIAL_RETRY_DELAY = 0.5
    MAX_RETRY_DELAY = 8.0
    #: A Retry-After longer than this is capped to it.
    MAX_RETRY_AFTER = 60.0

    _api: ApiInfo
    _secrets: dict[str, str]

    def __init__(
        self,
        api: ApiInfo,
        credentials: Mapping[str, str | None],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        self._api = api
        secrets: dict[str, str] = {}
        for cred in api.credentials:
            value = credentials.get(cred.name)
            if value is None and cred.env:
                value = os.environ.get(cred.env) or None
            if value is None:
                if cred.required:
                    hint = (
                        f" or set the {cred.env} environment variable"
                        if cred.env
                        else ""
                    )
                    raise MissingCredentialError(
                        f"{api.client_name}: no {cred.name} was given: pass {cred.name}=...{hint}"
                    )
                continue
            secrets[cred.name] = value
        self._secrets = secrets
        if base_url is None and api.base_url_env:
            base_url = os.environ.get(api.base_url_env) or None
        self.base_url = str(base_url or api.base_url).rstrip("/")
        self.timeout = timeout
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.max_retries = max_retries
        self._custom_headers = dict(default_headers or {})
        self._owns_http = True
        self._headers_cache: dict[
            Operation, tuple[dict[str, str], dict[str, str], dict[str, str]]
        ] = {}

    def with_options(
        self: _Self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> _Self:
        """A copy of this client with some settings changed, sharing its connection pool.

        ``client.with_options(max_retries=5, timeout=120).chat.completions.create(...)``
        """
        new = copy.copy(self)
        # Resources cached on the original are bound to it: drop them from the copy.
        for key, value in list(new.__dict__.items()):
            if isinstance(value, (SyncResource, AsyncResource)):
                del new.__dict__[key]
        if base_url is not None:
            new.base_url = str(base_url).rstrip("/")
        if not isinstance(timeout, NotGiven):
            new.timeout = timeout
        if max_retries is not None:
            if max_retries < 0:
                raise ValueError("max_retries must be >= 0")
            new.max_retries = max_retries
        if default_headers is not None:
            new._custom_headers = {**self._custom_headers, **default_headers}
        new._headers_cache = {}
        new._owns_http = False  # the original closes the shared pool
        if getattr(self, "_http_client", None) is None:
            # Make the pool now so both clients share it.
            new._http_client = self._http  # type: ignore[attr-defined]
        return new

    # -- credentials and headers ---------------------------------------------

    def __repr__(self) -> str:
        # Credentials never appear here, not even their length.
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _redact(self, text: str) -> str:
        """``text`` with every credential value replaced by ``[REDACTED]``.

        Values shorter than four characters are left alone: replacing every
        "42" (a team id, say) would mangle messages ("HTTP 429"), and so short
        a value protects nothing anyway.
        """
        for value in self._secrets.values():
            if len(value) >= _MIN_REDACTED and value in text:
                text = text.replace(value, _REDACTED)
        return text

    def _auth(
        self, op: Operation
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """(headers, query params, cookies) every call of ``op`` sends: computed once per operation."""
        cached = self._headers_cache.get(op)
        if cached is not None:
            return cached
        alternatives = self._api.security if op.security is None else op.security
        headers: dict[str, str] = {
            "Accept": "application/json",
            "User-Agent": self._api.user_agent,
        }
        query: dict[str, str] = {}
        cookies: dict[str, str] = {}
        if alternatives:
            for alt in alternatives:
                if all(self._api.schemes[s].credential in self._secrets for s in alt):
                    for s in alt:
                        scheme = self._api.schemes[s]
                        value = scheme.prefix + self._secrets[scheme.credential]
                        target = (
                            headers
                            if scheme.location == "header"
                            else query if scheme.location == "query" else cookies
                        )
                        target[scheme.name] = value
                    break
            else:
                needed = sorted(
                    {
                        self._api.schemes[s].credential
                        for alt in alternatives
                        for s in alt
                    }
                )
                raise MissingCredentialError(
                    f"{self._api.client_name}: {op.method} {op.path} needs credentials that were not given "
                    f"(one of: {', '.join(needed)})"
                )
        headers.update(self._custom_headers)
        headers.update(op.headers)
        result = (headers, query, cookies)
        self._headers_cache[op] = result
        return result

    def _secret_header_names(self) -> set[str]:
        return {
            s.name.lower() for s in self._api.schemes.values() if s.location == "header"
        } | {
            "authorization",
            "cookie",
        }

    # -- requests ---------------------------------------------------------------

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        op: Operation,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        headers: Mapping[str, Any] | None,
        body: Any,
        stream: bool,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, Any] | None,
        extra_body: Mapping[str, Any] | None,
        timeout: float | httpx.Timeout | None | NotGiven,
    ) -> httpx.Request:
        auth_headers, auth_query, cookies = self._auth(op)
        url = self.base_url + op.format_path(path)
        all_headers = dict(auth_headers)
        if stream:
            all_headers["Accept"] = (
                _STREAM_ACCEPT if op.stream is None else op.stream.accept
            )
        elif op.accept is not None:
            all_headers["Accept"] = op.accept
        if headers:
            all_headers.update(encode_headers(headers, op.styles))
        if extra_headers:
            all_headers.update(extra_headers)
        params = encode_query(query, op.styles)
        if auth_query:
            params.update(auth_query)
        if extra_query:
            params.update(extra_query)
        content: bytes | None = None
        data: Any = None
        files: Any = None
        kind = op.body
        if kind == "json":
            if isinstance(body, Mapping):
                drop = op.drop_none
                payload: Any = {
                    k: v
                    for k, v in body.items()
                    if v is not NOT_GIVEN and (v is not None or k not in drop)
                }
                if extra_body:
                    payload.update(extra_body)
            else:
                payload = body
            content = _encode_json(payload)
            all_headers["Content-Type"] = "application/json"
        elif kind == "form":
            # Form fields: a list repeats the key (httpx does that for list values).
            data = {
                k: (
                    [param_text(x) for x in v]
                    if isinstance(v, (list, tuple))
                    else param_text(v)
                )
                for k, v in (body or {}).items()
                if v is not NOT_GIVEN and v is not None
            }
            if extra_body:
                data.update(extra_body)
        elif kind == "multipart":
            data, files = _multipart(body or {}, extra_body)
        elif kind == "binary":
            content = body
            all_headers.setdefault("Content-Type", "application/octet-stream")
        return http.build_request(
            op.method,
            url,
            params=params or None,
            headers=all_headers,
            cookies=cookies or None,
            content=content,
            data=data,
            files=files,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
        )

    def _log_request(self, request: httpx.Request, attempt: int) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        secret = self._secret_header_names()
        shown = {
            k: (_REDACTED if k.lower() in secret else v)
            for k, v in request.headers.items()
        }
        # Redacted by value too: a credential can also travel in a header
        # the caller added (default_headers, extra_headers).
        log.debug(
            "%s",
            self._redact(
                f"{request.method} {request.url.copy_with(query=None)}"
                f"{f' (retry {attempt})' if attempt else ''} headers={shown}"
            ),
        )

    # -- responses ----------------------------------------------------------------

    def _attempts(self, max_retries: int | NotGiven) -> Attempts:
        """The retry budget of one call (the client's ``max_retries`` unless the call gives one)."""
        retries = self.max_retries if isinstance(max_retries, NotGiven) else max_retries
        if retries < 0:
            raise ValueError("max_retries must be >= 0")
        policy = RetryPolicy(
            self.INITIAL_RETRY_DELAY, self.MAX_RETRY_DELAY, self.MAX_RETRY_AFTER
        )
        return Attempts(policy, retries)

    def _retry_after_error(
        self, attempts: Attempts, request: httpx.Request, exc: Exception
    ) -> float | None:
        """The wait before re-sending after a transport error, or ``None``: give up."""
        delay = attempts.next_delay(None)
        if delay is not None:
            log.debug(
                "%s %s: %s; retrying in %.2f s",
                request.method,
                request.url.path,
                type(exc).__name__,
                delay,
            )
        return delay

    def _retry_after_response(
        self, attempts: Attempts, response: httpx.Response
    ) -> float | None:
        """The wait before re-sending after ``response``, or ``None``: it is the answer."""
        if response.is_success:
            return None
        delay = attempts.next_delay(response)
        if delay is not None:
            log.debug(
                "%s %s: HTTP %d; retrying in %.2f s",
                response.request.method,
                response.request.url.path,
                response.status_code,
                delay,
            )
        return delay

    @staticmethod
    def _stream_spec(op: Operation) -> StreamSpec:
        if op.stream is None:
            raise TypeError(f"{op.method} {op.path} does not stream")
        return op.stream

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        body = error_body(response)
        request = response.request
        message = self._redact(
            f"{request.method} {request.url.path}: HTTP {response.status_code} "
            f"{response.reason_phrase}: {error_summary(body)}"
        )
        return status_error_class(response.status_code)(
            message, response=response, body=body
        )

    def _connection_error(
        self, request: httpx.Request, exc: Exception
    ) -> APIConnectionError:
        where = f"{request.method} {request.url.path}"
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{where}: timed out ({type(exc).__name__}{_timeout_text(request)})",
                request=request,
            )
        return APIConnectionError(
            self._redact(f"{where}: connection error: {type(exc).__name__}: {exc}"),
            request=request,
        )

    def _result(self, op: Operation, response: httpx.Response) -> Any:
        kind = op.result.kind
        if kind == "json":
            content = response.content
            try:
                return op.result.parse_json(content)
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                request = response.request
                name = getattr(op.result.type, "__name__", str(op.result.type))
                raise APIResponseValidationError(
                    self._redact(
                        f"{request.method} {request.url.path}: the response does not match {name}: {exc}"
                    ),
                    response=response,
                    body=content,
                ) from None
        if kind == "text":
            return response.text
        if kind == "bytes":
            return response.content
        return None


def _timeout_text(request: httpx.Request) -> str:
    timeout = request.extensions.get("timeout")
    read = timeout.get("read") if isinstance(timeout, dict) else None
    return f" after {read:g} s" if isinstance(read, (int, float)) else ""


def _multipart(
    body: Mapping[str, Any], extra: Mapping[str, Any] | None
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Split a multipart body into form fields and files (bytes, file objects or (name, content[, type]) tuples)."""
    data: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    for key, value in {**body, **(extra or {})}.items():
        if value is NOT_GIVEN or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, (bytes, bytearray, tuple)) or hasattr(item, "read"):
                files.append((key, item))
            elif isinstance(item, (dict, list)):
                data.setdefault(key, []).append(_encode_json(item).decode("utf-8"))
            else:
                data.setdefault(key, []).append(param_text(item))
    return data, files


class SyncAPIClient(BaseClient):
    """Base of generated synchronous clients. The httpx client is created on first use."""

    def __init__(
        self,
        api: ApiInfo,
        credentials: Mapping[str, str | None],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.Client | None,
    ) -> None:
        super().__init__(
            api,
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._http_client = http_client
        self._owns_http = http_client is None

    @property
    def _http(self) -> httpx.Client:
        http = self._http_client
        if http is None:
            # Created lazily: an httpx.Client builds an SSL context, which costs
            # more than importing the whole package.
            http = self._http_client = httpx.Client(timeout=self.timeout)
        return http

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
    ) -> Any:
        """Send ``op`` and return its result: a parsed body, or a :class:`Stream` when ``stream``."""
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
        response = self._send(http, request, attempts, stream)
        if spec is None:
            return self._result(op, response)

        def resend() -> httpx.Response | None:
            delay = attempts.next_delay(None)
            if delay is None:
                return None
            _sleep(delay)
            return self._send(http, request, attempts, True)

        return Stream(response, spec, request, self._redact, resend)

    def _send(
        self,
        http: httpx.Client,
        request: httpx.Request,
        attempts: Attempts,
        stream: bool,
    ) -> httpx.Response:
        """Send until a response is final or the retries run out; raise for an error status."""
        while True:
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
        """Close the underlying httpx client (unless it was passed in by the caller)."""
        if self._http_client is not None and self._owns_http:
            self._http_client.close()

    def __enter__(self: _Self) -> _Self:
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
        credentials: Mapping[str, str | None],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_client: httpx.AsyncClient | None,
    ) -> None:
        super().__init__(
            api,
            credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._http_client = http_client
        self._owns_http = http_client is None

    @property
    def _http(self) -> httpx.AsyncClient:
        http = self._http_client
        if http is None:
            http = self._http_client = httpx.AsyncClient(timeout=self.timeout)
        return http

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
    ) -> Any:
        """Send ``op`` and return its result: a parsed body, or an :class:`AsyncStream` when ``stream``."""
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
        response = await self._send(http, request, attempts, stream)
        if spec is None:
            return self._result(op, response)

        async def resend() -> httpx.Response | None:
            delay = attempts.next_delay(None)
            if delay is None:
                return None
            await _async_sleep(delay)
            return await self._send(http, request, attempts, True)

        return AsyncStream(response, spec, request, self._redact, resend)

    async def _send(
        self,
        http: httpx.AsyncClient,
        request: httpx.Request,
        attempts: Attempts,
        stream: bool,
    ) -> httpx.Response:
        """Async twin of :meth:`SyncAPIClient._send` (the decisions are shared; only I/O differs)."""
        while True:
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
        """Close the underlying httpx client (unless it was passed in by the caller)."""
        if self._http_client is not None and self._owns_http:
            await self._http_client.aclose()

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class SyncResource:
    """Base of generated resource classes (``client.models``, ``client.chat.completions``...)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    """Base of generated async resource classes."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    import anyio  # httpx depends on anyio; imported here to keep client import cheap

    await anyio.sleep(seconds)

"""The decisions every generated client shares: requests, retries, errors, results.

:class:`BaseClient` holds everything that does not wait on the network
(building requests, deciding on retries, turning responses into results or
errors); :class:`._base.SyncAPIClient` and :class:`._base.AsyncAPIClient` add
only the loop that sends, sleeps and reads.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from typing_extensions import Self

from ._api import ApiInfo, AuthScheme, Operation, StreamSpec
from ._credentials import REDACTED, CredentialInput, Credentials
from ._encode import binary_content, encode_json_body, form_fields, multipart
from ._params import encode_headers, encode_query
from ._retries import Attempts, RetryPolicy
from ._tolerant import read_tolerant
from ._types import NOT_GIVEN, NotGiven
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    error_body,
    error_summary,
    request_id_of,
    status_error_class,
)

__all__ = ["BaseClient", "log"]

# "<package>._runtime._core" logs as "<package>": one logger per generated package.
log = logging.getLogger(__name__.rpartition("._runtime")[0] or __name__)

# A stream call prefers the event stream but takes a JSON error: some servers
# (Laravel's, for one) answer HTML error pages to a request that accepts no JSON.
_STREAM_ACCEPT = "text/event-stream, application/json;q=0.9"
_Auth = tuple[dict[str, str], dict[str, str], dict[str, str], tuple[AuthScheme, ...]]


def _retries(value: int) -> int:
    if value < 0:
        raise ValueError("max_retries must be >= 0")
    return value


class BaseClient:
    """State and logic shared by the sync and async clients."""

    #: Backoff when the server gives no Retry-After: INITIAL * 2**attempt, at most MAX, with jitter.
    INITIAL_RETRY_DELAY = 0.5
    MAX_RETRY_DELAY = 8.0
    #: A Retry-After longer than this is capped to it.
    MAX_RETRY_AFTER = 60.0

    _api: ApiInfo
    _credentials: Credentials
    #: Whether close() closes the pool: not in a copy, nor for a caller's http_client.
    _owns_http: bool = True

    def __init__(
        self,
        api: ApiInfo,
        credentials: Mapping[str, CredentialInput],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        strict_response_validation: bool = False,
    ) -> None:
        self._api = api
        self._credentials = Credentials(api, credentials)
        if base_url is None and api.base_url_env:
            base_url = os.environ.get(api.base_url_env) or None
        self.base_url = str(base_url or api.base_url).rstrip("/")
        self.timeout = timeout
        self.max_retries = _retries(max_retries)
        self._custom_headers = dict(default_headers or {})
        #: Raise APIResponseValidationError for a 2xx body that does not fit
        #: its type, instead of reading it tolerantly (see ._tolerant).
        self.strict_response_validation = strict_response_validation
        # Drift already reported by this client (and its with_options copies).
        self._drift_seen: set[tuple[str, str, str]] = set()
        self._headers_cache: dict[Operation, _Auth] = {}

    def _copy(
        self,
        credentials: Mapping[str, CredentialInput],
        *,
        base_url: str | httpx.URL | None,
        timeout: float | httpx.Timeout | None | NotGiven,
        max_retries: int | None,
        http_client: Any,
        default_headers: Mapping[str, str] | None,
        strict_response_validation: bool | None,
    ) -> Self:
        """What generated ``with_options`` does: a copy with the options given (not ``None``) changed.

        The copy shares this client's connection pool (made on first use by
        either), unless ``http_client`` gives it one of its own; closing the
        copy leaves the shared pool open (the original closes it).
        """
        new = copy.copy(self)
        # Resources cached on the original are bound to it: drop them from the copy.
        for key, value in list(new.__dict__.items()):
            if getattr(value, "_client", None) is self:
                del new.__dict__[key]
        if any(value is not None for value in credentials.values()):
            new._credentials = self._credentials.replaced(credentials)
        if base_url is not None:
            new.base_url = str(base_url).rstrip("/")
        if not isinstance(timeout, NotGiven):
            new.timeout = timeout
        if max_retries is not None:
            new.max_retries = _retries(max_retries)
        if http_client is not None:
            new._use_http_client(http_client)
        if default_headers is not None:
            new._custom_headers = {**self._custom_headers, **default_headers}
        if strict_response_validation is not None:
            new.strict_response_validation = strict_response_validation
        new._headers_cache = {}
        new._owns_http = False
        return new

    def _use_http_client(self, http_client: Any) -> None:
        """Send through the caller's ``http_client`` (set by the sync and async clients)."""
        raise NotImplementedError

    # -- credentials and headers ---------------------------------------------

    def __repr__(self) -> str:
        # Credentials never appear here, not even their length.
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _redact(self, text: str) -> str:
        """``text`` with every credential value replaced by ``[REDACTED]``."""
        return self._credentials.redact(text)

    def _auth(self, op: Operation) -> _Auth:
        """What every call of ``op`` sends: computed once per operation.

        (headers, query params, cookies, the schemes whose credential a
        function gives: resolved for each attempt).
        """
        cached = self._headers_cache.get(op)
        if cached is not None:
            return cached
        headers: dict[str, str] = {
            "Accept": "application/json",
            "User-Agent": self._api.user_agent,
        }
        query: dict[str, str] = {}
        cookies: dict[str, str] = {}
        later = self._credentials.place(
            self._credentials.schemes_for(op), headers, query, cookies
        )
        headers.update(self._custom_headers)
        headers.update(op.headers)
        result = (headers, query, cookies, later)
        self._headers_cache[op] = result
        return result

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
        auth_headers, auth_query, cookies, _ = self._auth(op)
        content: bytes | None = None
        data: Any = None
        files: Any = None
        # Values that cannot go as the spec declares raise here, before anything is sent.
        try:
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
            if op.query:
                params = {**op.query, **params}
            if auth_query:
                params.update(auth_query)
            if extra_query:
                params.update(extra_query)
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
                content = encode_json_body(payload)
                all_headers["Content-Type"] = "application/json"
            elif kind == "form":
                data = form_fields(body, extra_body)
            elif kind == "multipart":
                data, files = multipart(body or {}, extra_body, op.files)
            elif kind == "binary":
                content = binary_content(body)
                all_headers.setdefault("Content-Type", "application/octet-stream")
        except TypeError as exc:
            raise TypeError(f"{op.method} {op.path}: {exc}; nothing was sent") from None
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
        secret = self._credentials.secret_header_names()
        shown = {
            k: (REDACTED if k.lower() in secret else v)
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
            message,
            response=response,
            body=body,
            request_id=request_id_of(response, self._api.request_id_headers),
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

    def _tolerate(self) -> Callable[[Any, str | bytes, str], Any] | None:
        """How streams read a chunk that drifted from its type; None when strict."""
        if self.strict_response_validation:
            return None
        seen, redact = self._drift_seen, self._redact

        def tolerate(tp: Any, content: str | bytes, where: str) -> Any:
            return read_tolerant(tp, content, where=where, seen=seen, redact=redact)

        return tolerate

    def _result(self, op: Operation, response: httpx.Response) -> Any:
        kind = op.result.kind
        if kind == "json":
            content = response.content
            try:
                return op.result.parse_json(content)
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                if not self.strict_response_validation:
                    try:
                        return read_tolerant(
                            op.result.type,
                            content,
                            where=f"{op.method} {op.path}",
                            seen=self._drift_seen,
                            redact=self._redact,
                        )
                    except ValueError:
                        pass  # not JSON at all: nothing to keep
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

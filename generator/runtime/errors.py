"""The exceptions a generated client raises.

    APIError
    ├── APIConnectionError          the request did not get a response
    │   └── APITimeoutError
    ├── APIResponseValidationError  a response (or stream event) does not fit its type
    ├── APIStreamError              the server reported an error inside a stream
    └── APIStatusError              a non-2xx response: status_code, body, response
        ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
        ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
        └── RateLimitError 429, InternalServerError >= 500

Messages never contain credentials: they are built from the method, the URL
(no headers) and the response body.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_REQUEST_ID_HEADERS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MissingCredentialError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "request_id_of",
]

#: Where servers put the id of a request, when the spec names no header of its own.
DEFAULT_REQUEST_ID_HEADERS = ("x-request-id", "request-id")


def request_id_of(
    response: httpx.Response, names: tuple[str, ...] = DEFAULT_REQUEST_ID_HEADERS
) -> str | None:
    """The request id ``response`` carries: the first of the headers ``names`` present."""
    headers = response.headers
    for name in names:
        value: str | None = headers.get(name)
        if value is not None:
            return value
    return None


class APIError(Exception):
    """Base class of every error a client raises about an API call.

    ``request`` is the :class:`httpx.Request` when one was built.
    """

    message: str
    request: httpx.Request | None

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class MissingCredentialError(APIError):
    """A required credential was given neither as an argument nor in its environment variable."""


class APIConnectionError(APIError):
    """No response arrived: the connection failed, broke, or (subclass) timed out.

    Also raised when a stream's connection breaks before the stream ended.
    """

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request or the stream did not complete within the timeout."""

    def __init__(
        self,
        message: str = "Request timed out.",
        *,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """A 2xx response, or one stream event, could not be parsed into its declared type."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None = None,
        body: Any = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(
            message, request=request if request is not None else _request_of(response)
        )
        self.response = response
        self.body = body


class APIStreamError(APIError):
    """The server sent an error inside an event stream (an ``error`` event or an ``{"error": ...}`` payload).

    ``body`` is the parsed payload (or the raw data when it is not JSON).
    """

    def __init__(
        self, message: str, *, body: Any = None, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)
        self.body = body


class APIStatusError(APIError):
    """The server answered with a non-2xx status.

    ``status_code``: the HTTP status; ``body``: the parsed JSON body, or the
    text when the body is not JSON (an HTML 502 page, say), or ``None`` when
    empty; ``response``: the :class:`httpx.Response`; ``request_id``: the
    server's id for the request (``x-request-id``, ``request-id``, or the
    header the spec names), to quote to the provider's support.
    """

    status_code: int
    body: Any
    response: httpx.Response
    request_id: str | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=_request_of(response))
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = (
            request_id if request_id is not None else request_id_of(response)
        )


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""


class RateLimitError(APIStatusError):
    """HTTP 429."""


class InternalServerError(APIStatusError):
    """HTTP 500 and above."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The :class:`APIStatusError` subclass for an HTTP status code."""
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIStatusError)


def _request_of(response: httpx.Response | None) -> httpx.Request | None:
    if response is None:
        return None
    try:
        return response.request
    except RuntimeError:  # a Response built without a request
        return None


def error_body(response: httpx.Response) -> Any:
    """An error response's body: parsed JSON, else its text, else ``None`` when empty."""
    content = response.content
    if not content:
        return None
    ctype = response.headers.get("content-type", "")
    if "json" in ctype or content[:1] in (b"{", b"["):
        try:
            return json.loads(content)
        except ValueError:
            pass
    return response.text


def error_summary(body: Any) -> str:
    """One line saying what went wrong, from an error body of any usual shape."""
    if body is None:
        return "(empty body)"
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])
        if isinstance(err, str):
            return err
        if isinstance(body.get("message"), str):
            message = str(body["message"])
            errors = body.get("errors")
            if isinstance(errors, dict) and errors:
                # Validation errors keyed by field ({"model": ["... is required."]}):
                # the summary alone ("Validation error") would not say what is wrong.
                details = "; ".join(
                    f"{field}: {' '.join(map(str, problems)) if isinstance(problems, list) else problems}"
                    for field, problems in errors.items()
                )
                message = f"{message} ({details})"
            return message[:500]
        return json.dumps(body, ensure_ascii=False)[:500]
    text = str(body).strip()
    if text.startswith("<"):
        # An HTML error page from a proxy or load balancer: keep its words only.
        text = _HTML_SKIP.sub(" ", text)
        text = " ".join(html.unescape(_HTML_TAG.sub(" ", text)).split())
    return text[:500] + ("..." if len(text) > 500 else "")


_HTML_SKIP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>")

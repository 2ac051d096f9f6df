"""The hand-written runtime shared by every generated client package.

It is copied verbatim into each package as ``_runtime/`` and imported
relatively, so a package works wherever it is copied. Nothing here names a
provider: what differs between APIs arrives as data (:mod:`._api`).
"""

from ._api import ApiInfo, AuthScheme, Credential, Operation, Result, StreamSpec
from ._base import AsyncAPIClient, SyncAPIClient
from ._core import BaseClient
from ._fold import FoldError, FoldRule
from ._response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncResponseContextManager,
    ResponseContextManager,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from ._types import (
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    Body,
    Headers,
    NotGiven,
    Query,
    Timeout,
)
from .errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APIStreamError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MissingCredentialError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from .sse import ServerSentEvent, aiter_sse, iter_sse
from .streaming import AsyncStream, Stream

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "ApiInfo",
    "AsyncAPIClient",
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "AsyncStream",
    "AuthScheme",
    "AuthenticationError",
    "BadRequestError",
    "BaseClient",
    "Body",
    "ConflictError",
    "Credential",
    "FoldError",
    "FoldRule",
    "Headers",
    "InternalServerError",
    "MissingCredentialError",
    "NotFoundError",
    "NotGiven",
    "Operation",
    "PermissionDeniedError",
    "Query",
    "RateLimitError",
    "ResponseContextManager",
    "Result",
    "ServerSentEvent",
    "Stream",
    "StreamSpec",
    "SyncAPIClient",
    "Timeout",
    "UnprocessableEntityError",
    "aiter_sse",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "iter_sse",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

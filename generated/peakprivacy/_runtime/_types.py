"""Small shared types: the "argument not given" sentinel and request option aliases."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any

import httpx

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "Body",
    "FileInput",
    "Headers",
    "NotGiven",
    "Query",
    "Timeout",
]


class NotGiven:
    """Marks an argument the caller left out, so it is not sent at all.

    ``None`` cannot serve: for a nullable field it means "send ``null``".
    """

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Headers = Mapping[str, str]
Query = Mapping[str, Any]
Body = Mapping[str, Any]
Timeout = float | httpx.Timeout | None
#: A file for a multipart upload: its bytes, an open binary file, a path
#: (the file is read and sent under its name), or
#: ``(filename, content)`` / ``(filename, content, content_type)``.
FileInput = (
    bytes
    | IO[bytes]
    | os.PathLike[str]
    | tuple[str, bytes | IO[bytes] | os.PathLike[str]]
    | tuple[str, bytes | IO[bytes] | os.PathLike[str], str]
)

#: The official SDKs' default: ten minutes for an answer (a long generation
#: is silent until it ends), five seconds to connect.
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)

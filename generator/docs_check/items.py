"""What the scanner finds in a doc page, in page order, each with its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .curl import Curl, Header
from .jsonish import JsonishError, Parsed


@dataclass
class Item:
    """Something found at ``line`` (1-based) of a doc page."""

    line: int


@dataclass
class Heading(Item):
    """A Markdown heading; it can name an operation by its summary."""

    level: int
    text: str


@dataclass
class Endpoint(Item):
    """``GET https://host/path``, ``POST /api/v1/x``, or a URL alone on its line (no method)."""

    method: str | None
    target: str


@dataclass
class CurlItem(Item):
    """A curl command."""

    curl: Curl


@dataclass
class JsonItem(Item):
    """A JSON document: a request or response body.

    ``role`` is ``"request"``, ``"response"`` or ``None`` (the page does not
    say), from the text before it; ``status`` is the status code a line such
    as ``400 - Bad Request`` gave it.
    """

    end_line: int
    parsed: Parsed | None
    error: JsonishError | None
    role: str | None
    status: str | None
    follows_curl: bool = False


@dataclass
class HeaderItem(Item):
    """A header written on a line of its own (``X-Api-Key: YOUR_API_KEY``) or in a HEADERS table."""

    header: Header


@dataclass
class SdkCall(Item):
    """A call in a Python sample, such as ``client.chat.completions.create(model=..., ...)``."""

    dotted: str
    body: dict[str, Any]
    skipped: list[str] = field(
        default_factory=list
    )  # keyword arguments that are not literals
    arg_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class BaseUrl(Item):
    """A base URL the page gives (``Base URL: https://...`` or ``base_url=`` in a sample)."""

    url: str


@dataclass
class TableRow:
    """One row of a parameter table."""

    line: int
    cells: list[str]


@dataclass
class Table(Item):
    """A table of fields: a Markdown table or a ``Key | Value |`` table pasted as text.

    ``label`` is the line before it (``Request body``, ``messages SCHEMA:``);
    ``role`` and ``status`` say which body it describes, as for JSON.
    """

    label: str
    header: list[str]
    rows: list[TableRow]
    role: str | None
    status: str | None


@dataclass
class Defect(Item):
    """Something sloppy in the page itself."""

    kind: str
    message: str

"""``docs-check``: where a spec has drifted from the provider's doc pages.

Stages, one module each: ``extract`` reads a page (Markdown or pasted text)
into items (curl commands via ``curl``, JSON via the forgiving ``jsonish``
reader, endpoint lines, headers, tables, SDK calls via ``python_samples``);
``match`` finds the spec operation each item is about; ``check`` walks the
items and compares them, with ``body_items`` (JSON bodies, against the
schema ``targets`` names, field by field in ``bodies``), ``headers`` and
``auth``, and ``tables``; ``coverage`` pairs bodies with the examples the
spec ``recorded`` and lists what the docs do not show; ``decisions`` quotes
the spec's ``x-doc-decision`` notes. Findings are :class:`DocFinding`s;
``report`` prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import Finding, SpecError
from ..load import display_name
from ..overlay import describe
from ..overlay import load as load_overlaid
from ..validate import Report, check_structure
from .check import DocsChecker
from .findings import GROUPS, DocFinding
from .report import DocsReport, render_json, render_text

__all__ = [
    "GROUPS",
    "DocFinding",
    "DocsCheckInputError",
    "DocsReport",
    "docs_check",
    "render_json",
    "render_text",
]


class DocsCheckInputError(Exception):
    """The spec or a doc page cannot be read; carries one message per problem."""

    def __init__(self, messages: Sequence[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def read_doc(path: Path) -> str:
    """A doc page's text (UTF-8, a BOM allowed); :class:`DocsCheckInputError` when unreadable."""
    shown = display_name(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DocsCheckInputError([f"{shown}: no such file"]) from None
    except IsADirectoryError:
        raise DocsCheckInputError(
            [f"{shown}: is a directory, not a doc page"]
        ) from None
    except OSError as exc:
        raise DocsCheckInputError([f"{shown}: cannot read: {exc.strerror}"]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocsCheckInputError(
            [f"{shown}: not UTF-8 text (byte {exc.start}: {exc.reason})"]
        ) from None


def docs_check(
    spec_path: str | Path,
    doc_paths: Sequence[str | Path],
    *,
    overlays: Sequence[str | Path] = (),
) -> DocsReport:
    """Check every doc page against the spec; raise :class:`DocsCheckInputError` on unreadable input.

    The spec must load and its ``$ref``s must resolve; other validation
    problems do not stop docs-check (``validate`` reports them). The spec is
    checked as its overlays leave it (the one beside it, then ``overlays``).
    """
    try:
        spec = load_overlaid(spec_path, overlays)
    except SpecError as exc:
        raise DocsCheckInputError([f.format() for f in exc.findings]) from None
    structure = Report()
    if not check_structure(spec, structure):
        raise DocsCheckInputError([f.format() for f in structure.errors])
    texts: list[tuple[str, str]] = []
    problems: list[str] = []
    for doc in doc_paths:
        try:
            texts.append((display_name(Path(doc)), read_doc(Path(doc))))
        except DocsCheckInputError as exc:
            problems.extend(exc.messages)
    if problems:
        raise DocsCheckInputError(problems)
    checker = DocsChecker(spec)
    for shown, text in texts:
        checker.check_doc(shown, text)
    shown_spec = describe(spec)  # with the overlays applied, if any
    return DocsReport(shown_spec, [shown for shown, _ in texts], checker.finish())


_ = Finding  # re-exported for callers that format spec findings alongside

"""A docs-check finding: what it is, where in the doc, where in the spec."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GROUPS = ("match", "drift", "defect", "coverage")


@dataclass(frozen=True)
class DocFinding:
    """One thing docs-check found.

    ``group`` is ``match`` (a doc example agrees with the spec), ``drift`` (the
    spec no longer matches the doc), ``defect`` (the doc itself is sloppy) or
    ``coverage`` (a spec operation or example the docs do not show). ``doc``
    and ``line`` locate it in the doc page, ``pointer`` in the spec;
    ``decision`` quotes an ``x-doc-decision`` of the spec that bears on it.
    """

    group: str
    kind: str
    message: str
    doc: str | None = None
    line: int | None = None
    pointer: str | None = None
    operation: str | None = None
    decision: str | None = None

    def where(self) -> str:
        """``doc:line`` (or the spec pointer alone for coverage findings)."""
        if self.doc is None:
            return self.pointer or "#"
        return f"{self.doc}:{self.line}" if self.line else self.doc

    def format(self) -> str:
        """``doc:line: pointer: message``, the same shape as ``validate``'s lines."""
        parts = [self.where()]
        if self.doc is not None and self.pointer:
            parts.append(self.pointer)
        parts.append(self.message)
        return ": ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON object (``None`` fields left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

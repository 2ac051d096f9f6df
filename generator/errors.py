"""Findings about a spec, with the place they were found, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Finding:
    """One problem in a spec: where it is and what it is.

    ``severity`` is ``"error"`` (stops generation) or ``"warning"``.
    """

    file: str
    pointer: str
    message: str
    severity: str = "error"
    line: int | None = None

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = "" if self.severity == "error" else "warning: "
        return f"{where}: {self.pointer}: {prefix}{self.message}"


class SpecError(Exception):
    """Raised when a spec cannot be turned into code; carries every finding."""

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(f.format() for f in self.findings))

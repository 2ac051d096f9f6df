"""Findings about a spec, with the place they were found, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence


def escape_pointer_token(token: object) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(parts: Iterable[object]) -> str:
    """Render path parts as a URI-fragment JSON pointer: ``#/paths/~1models/get``."""
    return "#" + "".join("/" + escape_pointer_token(p) for p in parts)


def split_pointer(ptr: str) -> list[str]:
    """Inverse of :func:`pointer` (accepts ``#/a/b`` or ``/a/b``)."""
    if ptr.startswith("#"):
        ptr = ptr[1:]
    if not ptr:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr.split("/")[1:]]


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

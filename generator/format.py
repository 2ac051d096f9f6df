"""Stage 5: format rendered source with black, in-process."""

from __future__ import annotations

import black

MODE = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=88)


class FormatError(Exception):
    """black could not parse rendered code: a generator bug, reported with the place."""


def format_source(path: str, source: str) -> str:
    """``source`` as black formats it (non-Python files are returned unchanged)."""
    if not path.endswith(".py"):
        return source
    try:
        return black.format_str(source, mode=MODE)
    except black.InvalidInput as exc:
        line = _line_number(str(exc))
        context = ""
        if line is not None:
            lines = source.splitlines()
            lo, hi = max(0, line - 3), min(len(lines), line + 2)
            context = "\n" + "\n".join(f"{n + 1:5}: {lines[n]}" for n in range(lo, hi))
        raise FormatError(
            f"{path}: generated code does not parse ({exc}){context}"
        ) from None


def _line_number(message: str) -> int | None:
    # black: "Cannot parse for target version Python 3.10: 12:4: <text>"
    for part in message.split(": "):
        head = part.split(":")[0]
        if head.isdigit():
            return int(head)
    return None

"""Stage 5: format rendered source the way black does.

black is the reference. On large outputs it is slow (about 7 s for a 13k-line
file, see ../shared/tooling-notes.md), so by default the files are formatted
in one batch by ruff's formatter, which is black-compatible and ~100x faster.
tests/test_format.py proves that both give byte-identical output on every
package the test suite generates; ``CLIENTGEN_FORMATTER=black`` selects black.
Both versions are pinned in pyproject.toml.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

RUFF_ARGS = (
    "format",
    "--isolated",
    # Each package is formatted in a fresh temporary directory, so a cache
    # never hits; without this ruff leaves .ruff_cache/ in the user's cwd.
    "--no-cache",
    "--quiet",
    "--line-length",
    "88",
    "--target-version",
    "py310",
)


class FormatError(Exception):
    """Rendered code does not parse: a generator bug, reported with the place."""


def format_source(path: str, source: str) -> str:
    """``source`` as black formats it (non-Python files are returned unchanged)."""
    if not path.endswith(".py"):
        return source
    import black  # only when asked for: importing it takes longer than ruff formats a package

    try:
        return black.format_str(source, mode=black_mode())
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


def black_mode() -> Any:
    """The black settings our output follows (line length 88, Python 3.10)."""
    import black

    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=88)


def formatter() -> str:
    """``"ruff"`` or ``"black"``: what :func:`format_files` will use."""
    choice = os.environ.get("CLIENTGEN_FORMATTER", "ruff")
    if choice == "ruff" and _ruff_binary() is None:
        return "black"
    return "black" if choice == "black" else "ruff"


def format_files(files: dict[str, str]) -> dict[str, str]:
    """Every ``.py`` file of one package formatted; other files unchanged."""
    if formatter() == "black":
        return {rel: format_source(rel, text) for rel, text in files.items()}
    ruff = _ruff_binary()
    assert ruff is not None
    with tempfile.TemporaryDirectory(prefix="clientgen-format-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            if rel.endswith(".py"):
                target = root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(text.encode("utf-8"))
        result = subprocess.run([ruff, *RUFF_ARGS, str(root)], capture_output=True)
        if result.returncode != 0:
            # Let black find the file that does not parse and say where.
            for rel, text in files.items():
                format_source(rel, text)
            raise FormatError(
                f"ruff format failed: {result.stderr.decode('utf-8', 'replace')[:2000]}"
            )
        return {
            rel: (
                (root / rel).read_bytes().decode("utf-8")
                if rel.endswith(".py")
                else text
            )
            for rel, text in files.items()
        }


def _ruff_binary() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError:
        return None
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:
        return None


def _line_number(message: str) -> int | None:
    # black: "Cannot parse for target version Python 3.10: 12:4: <text>"
    for part in message.split(": "):
        head = part.split(":")[0]
        if head.isdigit():
            return int(head)
    return None

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
import re
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
    # Not --quiet: it also hides ruff's "Failed to parse FILE:LINE:COL: ..."
    # lines, which are what a failure must show.
    "--line-length",
    "88",
    "--target-version",
    "py310",
)


class FormatError(Exception):
    """The formatter refused rendered code: a generator bug, reported with the place.

    The message names the generated file (``package/relative/path.py``) and
    gives the formatter's own message and the lines around the place.
    """


def format_source(path: str, source: str) -> str:
    """``source`` as black formats it (non-Python files are returned unchanged)."""
    if not path.endswith(".py"):
        return source
    # Only when asked for: importing black takes longer than ruff formats a package.
    import black
    from black.parsing import InvalidInput

    try:
        return black.format_str(source, mode=black_mode())
    except InvalidInput as exc:
        raise FormatError(
            _refused(path, "black", str(exc), source, _line_number(str(exc)))
        ) from None


def black_mode() -> Any:
    """The black settings our output follows (line length 88, Python 3.10)."""
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY310}, line_length=88)


def formatter() -> str:
    """``"ruff"`` or ``"black"``: what :func:`format_files` will use."""
    choice = os.environ.get("CLIENTGEN_FORMATTER", "ruff")
    if choice == "ruff" and _ruff_binary() is None:
        return "black"
    return "black" if choice == "black" else "ruff"


def format_files(files: dict[str, str], package: str = "") -> dict[str, str]:
    """Every ``.py`` file of one package formatted; other files unchanged.

    ``package`` prefixes the file names in a :class:`FormatError`.
    """
    prefix = f"{package}/" if package else ""
    if formatter() == "black":
        return {rel: format_source(prefix + rel, text) for rel, text in files.items()}
    ruff = _ruff_binary()
    assert ruff is not None
    with tempfile.TemporaryDirectory(prefix="clientgen-format-") as tmp:
        root = Path(tmp)
        made: set[Path] = set()
        for rel, text in files.items():
            if rel.endswith(".py"):
                target = root / rel
                if target.parent not in made:  # one mkdir per directory
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_bytes(text.encode("utf-8"))
        # Run in the directory so that ruff names files as the package does.
        result = subprocess.run(
            [ruff, *RUFF_ARGS, "."], cwd=root, capture_output=True, check=False
        )
        if result.returncode != 0:
            raise FormatError(_ruff_failure(result, files, prefix, ruff))
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
        from ruff.__main__ import (  # type: ignore[import-untyped]  # no py.typed
            find_ruff_bin,
        )
    except ImportError:
        return None
    try:
        return str(find_ruff_bin())
    except FileNotFoundError:
        return None


# ruff: "error: Failed to parse types/chat.py:12:27: Trailing comma not allowed"
_RUFF_PARSE_ERROR = re.compile(
    r"^error: Failed to parse (?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$"
)


def _ruff_failure(
    result: subprocess.CompletedProcess[bytes],
    files: dict[str, str],
    prefix: str,
    ruff: str,
) -> str:
    """What went wrong, from ruff's own output: each file it refused, with the place."""
    stderr = result.stderr.decode("utf-8", "replace")
    refused = []
    for line in stderr.splitlines():
        match = _RUFF_PARSE_ERROR.match(line.strip())
        if match is None:
            continue
        rel = Path(match["path"]).as_posix().removeprefix("./")
        where = f"{match['line']}:{match['col']}: {match['msg']}"
        refused.append(
            _refused(prefix + rel, "ruff", where, files.get(rel), int(match["line"]))
        )
    if refused:
        more = f"\n(and {len(refused) - 3} more files)" if len(refused) > 3 else ""
        return "\n".join(refused[:3]) + more
    # Not a file it could not parse: ruff itself failed. Its words, as they are.
    said = stderr.strip() or result.stdout.decode("utf-8", "replace").strip()
    return (
        f"{prefix.rstrip('/') or 'the package'}: `{Path(ruff).name} format` exited with "
        f"{result.returncode}: {said[:2000] or '(no output)'}"
    )


def _refused(
    path: str, tool: str, message: str, source: str | None, line: int | None
) -> str:
    """``path: <tool> refused the generated code: <message>`` and the lines around ``line``."""
    context = ""
    if source is not None and line is not None:
        lines = source.splitlines()
        lo, hi = max(0, line - 3), min(len(lines), line + 2)
        context = "".join(f"\n{n + 1:5}: {lines[n]}" for n in range(lo, hi))
    return f"{path}: {tool} refused the generated code: {message}{context}"


def _line_number(message: str) -> int | None:
    # black: "Cannot parse for target version Python 3.10: 12:4: <text>"
    for part in message.split(": "):
        head = part.split(":")[0]
        if head.isdigit():
            return int(head)
    return None

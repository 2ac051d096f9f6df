"""Running `mypy --strict` on generated packages from the tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def mypy_strict(
    packages: Sequence[str], cwd: Path, cache: Path
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over ``packages`` (names importable from ``cwd``), with a fresh cache."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(cache),
            *packages,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

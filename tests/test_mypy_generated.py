"""`mypy --strict` is clean on every committed package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.packages import GENERATED


def test_mypy_strict_on_generated_packages(tmp_path: Path) -> None:
    packages = sorted(
        p.name for p in GENERATED.iterdir() if (p / "__init__.py").exists()
    )
    assert len(packages) >= 4
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            *packages,
        ],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr

"""`mypy --strict` is clean on every committed package."""

from __future__ import annotations

from pathlib import Path

from tests.support.mypy_check import mypy_strict
from tests.support.packages import GENERATED


def test_mypy_strict_on_generated_packages(tmp_path: Path) -> None:
    packages = sorted(
        p.name for p in GENERATED.iterdir() if (p / "__init__.py").exists()
    )
    assert len(packages) >= 4
    result = mypy_strict(packages, GENERATED, tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr

"""The generator checks itself: mypy --strict on generator/, ruff on the hand-written code.

Both use the configuration in pyproject.toml and the pinned versions of the
test extra, so a finding here is a finding on every machine.
"""

from __future__ import annotations

import subprocess
import sys

from tests.support.packages import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ruff_finds_nothing_in_generator_tests_and_bench() -> None:
    proc = run("ruff", "check", "--no-cache", "generator", "tests", "bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_finds_nothing_in_the_generator() -> None:
    proc = run("mypy", "--strict", "generator")
    assert proc.returncode == 0, proc.stdout + proc.stderr

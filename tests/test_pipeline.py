"""The pipeline: validation in a forked child (generator.background) while the parent generates."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from generator import pipeline
from generator.background import background
from generator.errors import Finding, SpecError
from generator.validate import Report

BROKEN = Path(__file__).parent / "fixtures" / "broken"


def _report_of_pid() -> Report:
    r = Report()
    r.warnings.append(Finding("f", "#", f"pid {os.getpid()}", "warning"))
    return r


def _fails() -> Report:
    raise ValueError("boom in the child")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    # Test sessions run server threads; the child here only computes and exits.
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.delenv("CLIENTGEN_NO_FORK", raising=False)


def test_background_runs_in_another_process_and_returns_its_result(
    forking: None,
) -> None:
    report = background(_report_of_pid)()
    assert report.warnings[0].message != f"pid {os.getpid()}"


def test_background_passes_exceptions_back(forking: None) -> None:
    wait = background(_fails)
    with pytest.raises(ValueError, match="boom in the child"):
        wait()


def test_background_runs_inline_when_other_threads_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert background(_report_of_pid)().warnings[0].message == f"pid {os.getpid()}"


def test_invalid_spec_is_reported_not_generated_even_when_build_would_succeed(
    forking: None,
) -> None:
    with pytest.raises(SpecError) as info:
        pipeline.run([BROKEN / "missing_responses.yaml"])
    assert any(
        f.pointer == "#/paths/~1models/post/responses" for f in info.value.findings
    )


def test_lenient_run_keeps_the_generated_package_and_the_warnings(
    forking: None,
) -> None:
    result = pipeline.run([BROKEN / "missing_responses.yaml"], lenient=True)
    assert list(result.packages) == ["missing_responses"]
    assert any("#/paths/~1models/post/responses" == w.pointer for w in result.warnings)

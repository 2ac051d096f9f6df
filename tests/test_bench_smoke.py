"""The benchmarks still run (tiny sizes, one round): no timing is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.packages import ROOT


def test_every_benchmark_runs_at_tiny_sizes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
        cwd=ROOT,
        env={**__import__("os").environ, "BENCH_RESULTS": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    for figure in (
        "sse_decode",
        "typed_stream",
        "stream_fold",
        "requests",
        "raw_response",
        "generation",
        "real_specs",
        "import_time",
    ):
        data = json.loads((tmp_path / f"{figure}.json").read_text())
        assert data["machine"] and data["data"], figure
    assert "| ours (iter_sse) |" in result.stdout and "openai SDK" in result.stdout

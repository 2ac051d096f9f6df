"""Shared helpers for the benchmarks: interleaved rounds, medians, machine description."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def interleaved(
    contenders: dict[str, Callable[[], object]],
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, list[float]]:
    """Run each contender once per round, in turn, ``rounds`` times: seconds per run.

    Interleaving spreads machine noise (other processes, CPU frequency) evenly.
    ``clock=time.process_time`` counts this process's CPU time only: for
    in-memory work on a shared machine, other processes then cost nothing.
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            start = clock()
            fn()
            times[name].append(clock() - start)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (what BENCHMARKS.md shows)."""
    out = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    for row in rows:
        out.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(out)


def run_process(
    argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, int, subprocess.CompletedProcess[bytes]]:
    """Run a command; return (wall seconds, peak RSS in KiB of that process, result).

    The peak RSS comes from GNU time, which runs the command from a small
    process: a child forked straight from this (large) process would start
    with this process's resident pages, and ``ru_maxrss`` would report those.
    Output goes to temporary files, not pipes: a child that writes more than a
    pipe holds would block while we wait for it.
    """
    import shutil
    import tempfile

    gnu_time = shutil.which("time") or "/usr/bin/time"
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as rss,
    ):
        command = (
            [gnu_time, "-f", "%M", "-o", rss.name, *argv]
            if Path(gnu_time).exists()
            else list(argv)
        )
        start = time.perf_counter()
        proc = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=err, check=False
        )
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        peak = int(rss.read().strip().splitlines()[-1]) if command[0] == gnu_time else 0
        return (
            elapsed,
            peak,
            subprocess.CompletedProcess(
                list(argv), proc.returncode, out.read(), err.read()
            ),
        )


def emit(name: str, text: str, data: object) -> None:
    """Print a section and keep its raw data beside it (bench/results/<name>.json)."""
    print(f"\n## {name}\n\n{text}\n")
    results = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
    results.mkdir(exist_ok=True)
    (results / f"{name}.json").write_text(
        json.dumps({"machine": machine(), "data": data}, indent=2) + "\n"
    )

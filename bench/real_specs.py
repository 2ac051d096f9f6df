"""Generating each spec providers publish (../shared/real-specs/), as a user runs it.

    python bench/real_specs.py [--rounds 3] [--only mistral,openrouter] [--stages]
                               [--baseline DIR]

For each spec: ``python -m generator generate SPEC --lenient --out TMP`` in a
separate process, ``--rounds`` times in turn (interleaved with the other
specs), timed wall-clock; GNU time gives its peak RSS and its CPU time
(user + system, the forked validation child and ruff included). The CPU time
moves less than wall time when other processes share the machine, so both are
shown; the target (issue 11) is on the wall time's median.

``--baseline DIR``: a checkout of another revision (e.g. ``git archive REV |
tar -x -C DIR``), run the same way from DIR, interleaved run by run with this
one: before and after side by side (see :func:`own_templates`). ``--stages`` also times the stages in
this process (load, validate, build, render, format), one run per spec.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import common
from common import emit, median, table

REAL_SPECS = common.SHARED / "real-specs"
TARGET_S = 5.0


def spec_files() -> list[Path]:
    """Every spec in the directory (YAML and JSON); its README is not one."""
    if not REAL_SPECS.is_dir():
        raise SystemExit(f"{REAL_SPECS} is missing: it holds the specs this measures")
    return sorted(
        p for p in REAL_SPECS.iterdir() if p.suffix in (".yaml", ".yml", ".json")
    )


def run_once(
    spec: Path, out: Path, tree: Path = common.ROOT
) -> tuple[float, float, int, int]:
    """One ``generate --lenient`` of the generator in ``tree``: (wall s, CPU s, peak RSS KiB, files)."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    argv = [sys.executable, "-m", "generator", "generate", str(spec), "--lenient"]
    argv += ["--out", str(out)]
    with tempfile.NamedTemporaryFile("r") as stats:
        command = [gnu_time, "-f", "%M %U %S", "-o", stats.name, *argv]
        start = time.perf_counter()
        # From the tree's directory, its generator/ comes first on sys.path.
        proc = subprocess.run(command, cwd=tree, capture_output=True, check=False)
        wall = time.perf_counter() - start
        last = stats.read().strip().splitlines()[-1].split()
    if proc.returncode != 0:
        raise SystemExit(
            f"{spec.name}: exit {proc.returncode}\n{proc.stderr.decode()[-3000:]}"
        )
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return wall, float(last[1]) + float(last[2]), int(last[0]), files


def own_templates(tree: Path) -> Path:
    """``tree``, made to render with its own templates; a link is added if needed.

    The templates are read as the package ``generator._templates``. In this
    venv an editable install maps that name to this checkout's templates/, and
    a checkout run from its directory has no such package of its own, so it
    would silently render with ours: ``tree/generator/_templates`` is made a
    link to ``tree/templates``.
    """
    link = tree / "generator" / "_templates"
    if not link.exists() and (tree / "templates").is_dir():
        link.symlink_to(Path("..") / "templates")
    return tree


def stages(spec: Path) -> dict[str, float]:
    """Seconds per stage for one spec, in this process (validation not forked)."""
    from generator.build import build
    from generator.format import format_files
    from generator.load import load_spec
    from generator.render import render
    from generator.validate import check_spec

    times: dict[str, float] = {}
    t = time.perf_counter()
    loaded = load_spec(spec)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    check_spec(loaded, lenient=True)
    times["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    api = build(loaded, lenient=True)
    times["build"] = time.perf_counter() - t
    t = time.perf_counter()
    files = render(api)
    times["render"] = time.perf_counter() - t
    t = time.perf_counter()
    format_files(files)
    times["format"] = time.perf_counter() - t
    return times


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated file stems")
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--baseline", type=Path, help="a checkout to compare with")
    args = parser.parse_args(list(argv) if argv is not None else None)
    specs = spec_files()
    if args.only:
        wanted = set(args.only.split(","))
        specs = [p for p in specs if p.stem in wanted]
    trees = {"this": common.ROOT}
    if args.baseline is not None:
        trees = {"baseline": own_templates(args.baseline.resolve()), **trees}
    runs: dict[tuple[str, str], list[tuple[float, float, int, int]]] = {
        (t, p.name): [] for t in trees for p in specs
    }
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for r in range(args.rounds):
            for spec in specs:
                for tree, where in trees.items():
                    out = tmp / f"{tree}-{spec.stem}-{r}"
                    runs[tree, spec.name].append(run_once(spec, out, where))
    load_after = os.getloadavg()[0]
    data: dict[str, object] = {"load_average": [load_before, load_after]}
    summary = {key: _summary(got) for key, got in runs.items()}
    data["runs"] = {
        f"{t}/{name}": {**asdict(m), "median_wall_s": m.wall, "median_cpu_s": m.cpu}
        for (t, name), m in summary.items()
    }
    rows = []
    for spec in specs:
        now = summary["this", spec.name]
        row: list[object] = [
            f"`{spec.name}`",
            f"{spec.stat().st_size / 1024:,.0f} KiB",
            now.files,
        ]
        if args.baseline is not None:
            was = summary["baseline", spec.name]
            row += [
                f"{was.wall:.2f} s",
                f"{now.wall:.2f} s",
                f"{was.cpu:.2f} s",
                f"{now.cpu:.2f} s",
                f"{now.cpu / was.cpu:.2f}x",
            ]
        else:
            row += [f"{now.wall:.2f} s", f"{now.cpu:.2f} s"]
        row += [
            f"{now.peak_rss_mib:.0f} MiB",
            "yes" if now.wall < TARGET_S else "**no**",
        ]
        rows.append(row)
    times = (
        ["wall before", "wall after", "CPU before", "CPU after", "CPU after/before"]
        if args.baseline is not None
        else ["wall", "CPU (user+sys)"]
    )
    text = (
        f"`generate SPEC --lenient --out TMP`, median of {args.rounds} interleaved "
        f"runs (1-minute load average {load_before:.1f} before, {load_after:.1f} after):\n\n"
        + table(
            ["spec", "size", "files", *times, "peak RSS", f"wall < {TARGET_S:.0f} s"],
            rows,
        )
    )
    if args.stages:
        stage_rows = []
        for spec in specs:
            stage_times = stages(spec)
            stage_rows.append(
                [f"`{spec.name}`", *(f"{v:.2f} s" for v in stage_times.values())]
            )
            data[f"stages/{spec.name}"] = stage_times
        text += (
            "\n\nStages in one process (validation not forked), one run:\n\n"
            + table(
                ["spec", "load", "validate", "build", "render", "format"], stage_rows
            )
        )
    emit("real_specs", text, data)
    return data


@dataclass
class Measured:
    """The runs of one spec by one tree."""

    wall_s: list[float]
    cpu_s: list[float]
    peak_rss_mib: float
    files: int

    @property
    def wall(self) -> float:
        return median(self.wall_s)

    @property
    def cpu(self) -> float:
        return median(self.cpu_s)


def _summary(got: list[tuple[float, float, int, int]]) -> Measured:
    return Measured(
        [g[0] for g in got],
        [g[1] for g in got],
        max(g[2] for g in got) / 1024,
        got[0][3],
    )


if __name__ == "__main__":
    main()

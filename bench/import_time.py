"""Import time: importing a client package and constructing its client, as whole processes.

    python bench/import_time.py [--runs 15] [--big DIR]

Each command is a fresh ``python -c`` process (interpreter start-up included,
as a user sees it), run RUNS times in interleaved order; the table shows
medians and the ratio to the floor ``import httpx, pydantic``. ``--big DIR``
adds the package generated from the official OpenAI spec found in DIR (see
bench/generation.py, which leaves it in bench/results/official/).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import common
from common import emit, median, table

COMMANDS = {
    "floor: import httpx, pydantic": "import httpx, pydantic",
    "import openai; openai.OpenAI()": "import openai; openai.OpenAI(api_key='k')",
    "import openai_api; OpenAI()": "import openai_api; openai_api.OpenAI(api_key='k')",
    "same + first use (client.chat.completions)": "import openai_api; openai_api.OpenAI(api_key='k').chat.completions",
    "import pienteger; Pienteger()": "import pienteger; pienteger.Pienteger(api_key='k')",
    "import prime_intellect; PrimeIntellect()": "import prime_intellect; prime_intellect.PrimeIntellect(api_key='k')",
    "import peakprivacy; PeakPrivacy()": "import peakprivacy; peakprivacy.PeakPrivacy(api_key='k')",
}


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--big", type=Path, default=common.ROOT / "bench" / "results" / "official"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    commands = dict(COMMANDS)
    paths = [str(common.GENERATED)]
    big = (
        sorted(p.name for p in args.big.iterdir() if (p / "__init__.py").exists())
        if args.big.is_dir()
        else []
    )
    for name in big:
        commands[f"official spec: import {name}; client()"] = (
            f"import {name} as m; getattr(m, [n for n in m.__all__ if not n.startswith('Async')][0])(api_key='k')"
        )
        paths.append(str(args.big))
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE="0"
    )
    for code in commands.values():  # compile .pyc files once, outside the timing
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, code in commands.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            times[name].append(time.perf_counter() - start)
    floor = median(times["floor: import httpx, pydantic"])
    rows = [
        [name, f"{median(ts) * 1000:.0f} ms", f"{median(ts) / floor:.2f}x"]
        for name, ts in times.items()
    ]
    text = f"Whole process, median of {args.runs} interleaved runs:\n\n" + table(
        ["command", "time", "vs floor"], rows
    )
    data = {k: median(v) for k, v in times.items()}
    emit("import_time", text, data)
    return data


if __name__ == "__main__":
    main()

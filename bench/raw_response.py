"""What raw responses cost: a plain call vs the same call through with_raw_response and
with_streaming_response, on 127.0.0.1.

    python bench/raw_response.py [--requests 2000] [--rounds 7]

Each contender makes REQUESTS sequential ``chat.completions.create`` calls on
one keep-alive connection and gets the typed ``ChatCompletion`` (``.parse()``
for the wrappers), against bench/fast_server.py in its own process. The
contenders run interleaved, once per round; the table shows the medians of
wall time and of this process's CPU time (the client's own work: steadier
than wall time on a busy machine, since the server's time and waits for the
CPU are left out), and the Python function calls each call makes, counted
by cProfile: what the wrapper adds, independent of the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import common  # noqa: F401
from common import emit, median, table
from requests_bench import BODY, free_port


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(list(argv) if argv is not None else None)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("fast_server.py")),
            str(port),
            "1",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert (
            server.stdout is not None and server.stdout.readline().strip() == b"ready"
        )
        return run(args, f"http://127.0.0.1:{port}/v1")
    finally:
        server.kill()
        server.wait()


def calls_per_call(batch: Callable[[], None], n: int) -> float:
    """Python function calls per call of the batch (deterministic, unlike time)."""
    profile = cProfile.Profile()
    profile.runcall(batch)
    total = sum(entry.callcount for entry in profile.getstats())
    return total / n


def run(args: argparse.Namespace, base: str) -> dict[str, object]:
    from openai_api import OpenAI

    client = OpenAI(api_key="sk-bench", base_url=base, max_retries=0)
    create = client.chat.completions.create
    raw_create = client.chat.completions.with_raw_response.create
    streamed_create = client.chat.completions.with_streaming_response.create
    messages = BODY["messages"]

    def plain() -> None:
        for _ in range(args.requests):
            create(model="gpt-4o-mini", messages=messages)  # type: ignore[arg-type]

    def raw() -> None:
        for _ in range(args.requests):
            raw_create(model="gpt-4o-mini", messages=messages).parse()  # type: ignore[arg-type]

    def streamed() -> None:
        for _ in range(args.requests):
            with streamed_create(model="gpt-4o-mini", messages=messages) as response:  # type: ignore[arg-type]
                response.parse()

    for fn in (plain, raw, streamed):
        fn()  # warm up: the connection, the model schemas
    contenders = {
        "plain call": plain,
        "with_raw_response + parse()": raw,
        "with_streaming_response + parse()": streamed,
    }
    wall: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, fn in contenders.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    calls = {
        name: calls_per_call(fn, n=args.requests) for name, fn in contenders.items()
    }
    client.close()
    base_wall, base_cpu = median(wall["plain call"]), median(cpu["plain call"])
    n = args.requests
    rows = [
        [
            name,
            f"{median(wall[name]) / n * 1e6:,.1f} µs",
            f"{(median(wall[name]) / base_wall - 1) * 100:+.1f} %",
            f"{median(cpu[name]) / n * 1e6:,.1f} µs",
            f"{(median(cpu[name]) / base_cpu - 1) * 100:+.1f} %",
            f"{calls[name]:,.0f} ({calls[name] - calls['plain call']:+,.0f})",
        ]
        for name in contenders
    ]
    text = (
        f"{n:,} sequential `chat.completions.create` calls per round, "
        f"median of {args.rounds} interleaved rounds, per call:\n\n"
        + table(
            [
                "call",
                "wall",
                "vs plain",
                "client CPU",
                "vs plain",
                "Python calls (vs plain)",
            ],
            rows,
        )
    )
    data = {
        name: {
            "wall": median(wall[name]) / n,
            "cpu": median(cpu[name]) / n,
            "python_calls": calls[name],
        }
        for name in contenders
    }
    emit("raw_response", text, data)
    return data


if __name__ == "__main__":
    main()

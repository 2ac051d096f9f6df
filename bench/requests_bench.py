"""Request overhead: the generated OpenAI client vs raw httpx vs the openai SDK, on 127.0.0.1.

    python bench/requests_bench.py [--requests 2000] [--rounds 5] [--chunks 200]

Small request: ``chat.completions.create`` with a two-message body, a small
JSON answer, sequentially on one keep-alive connection. Streaming: one
request answered by CHUNKS chat.completion.chunk events, read to the end.
Raw httpx is ``client.post(...).json()`` (and, for streams, ``iter_lines``
plus ``json.loads`` per data line): the floor any client on httpx pays.
The server is a separate process (bench/fast_server.py) answering from
prepared bytes.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import common  # noqa: F401
from common import emit, interleaved, median, table

BODY = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument("--stream-repeats", type=int, default=50)
    args = parser.parse_args(list(argv) if argv is not None else None)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("fast_server.py")),
            str(port),
            str(args.chunks),
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


def run(args: argparse.Namespace, base: str) -> dict[str, object]:
    import httpx
    import openai
    from openai_api import OpenAI

    ours = OpenAI(api_key="sk-bench", base_url=base, max_retries=0)
    sdk = openai.OpenAI(api_key="sk-bench", base_url=base, max_retries=0)
    raw = httpx.Client(base_url=base, headers={"Authorization": "Bearer sk-bench"})
    url = "/chat/completions"

    def small_ours() -> None:
        for _ in range(args.requests):
            ours.chat.completions.create(model="gpt-4o-mini", messages=BODY["messages"])  # type: ignore[arg-type]

    def small_sdk() -> None:
        for _ in range(args.requests):
            sdk.chat.completions.create(model="gpt-4o-mini", messages=BODY["messages"])  # type: ignore[arg-type]

    def small_raw() -> None:
        for _ in range(args.requests):
            raw.post(url, json=BODY).json()

    def stream_ours() -> None:
        for _ in range(args.stream_repeats):
            n = sum(1 for _ in ours.chat.completions.create(model="gpt-4o-mini", messages=BODY["messages"], stream=True))  # type: ignore[arg-type]
            assert n == args.chunks

    def stream_sdk() -> None:
        for _ in range(args.stream_repeats):
            n = sum(1 for _ in sdk.chat.completions.create(model="gpt-4o-mini", messages=BODY["messages"], stream=True))  # type: ignore[arg-type]
            assert n == args.chunks

    def stream_raw() -> None:
        for _ in range(args.stream_repeats):
            n = 0
            with raw.stream("POST", url, json={**BODY, "stream": True}) as r:
                for line in r.iter_lines():
                    if line.startswith("data: ") and line != "data: [DONE]":
                        json.loads(line[6:])
                        n += 1
            assert n == args.chunks

    for fn in (small_ours, small_sdk, small_raw, stream_ours, stream_sdk, stream_raw):
        fn()  # warm up: connections, model schemas, imports
    small = interleaved(
        {"ours": small_ours, "raw httpx": small_raw, "openai SDK": small_sdk},
        args.rounds,
    )
    stream = interleaved(
        {
            "ours": stream_ours,
            "raw httpx + json.loads": stream_raw,
            "openai SDK": stream_sdk,
        },
        args.rounds,
    )

    def rows(times: dict[str, list[float]], per: int, floor: str) -> list[list[str]]:
        base_t = median(times[floor])
        return [
            [name, f"{median(ts) / per * 1e6:,.0f} µs", f"{median(ts) / base_t:.2f}x"]
            for name, ts in times.items()
        ]

    text = (
        f"{args.requests:,} sequential small requests (median of {args.rounds} interleaved rounds), time per request:\n\n"
        + table(
            ["client", "per request", "vs raw httpx"],
            rows(small, args.requests, "raw httpx"),
        )
        + f"\n\nOne request streaming {args.chunks} chunks, read to the end ({args.stream_repeats} per round, median of {args.rounds} rounds):\n\n"
        + table(
            ["client", "per stream", "vs raw httpx + json.loads"],
            rows(stream, args.stream_repeats, "raw httpx + json.loads"),
        )
    )
    data = {
        "small": {k: median(v) / args.requests for k, v in small.items()},
        "stream": {k: median(v) / args.stream_repeats for k, v in stream.items()},
    }
    emit("requests", text, data)
    return data


if __name__ == "__main__":
    main()

"""SSE decoding: events/s and MB/s of our iter_sse vs httpx-sse, openai's decoder and sseclient-py.

    python bench/sse_decode.py [--events 100000] [--rounds 5]

The stream is OpenAI-style chat.completion.chunk events ending with
``data: [DONE]``, fed as 64 KiB chunks and as 7-byte chunks. Each decoder
gets the same list of chunks in the same process, rounds interleaved.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Iterator

import common  # noqa: F401  (sets sys.path)
from common import emit, interleaved, median, table


def make_stream(events: int) -> bytes:
    frames = []
    for i in range(events):
        chunk = {
            "id": "chatcmpl-9xJq3mZ8",
            "object": "chat.completion.chunk",
            "created": 1718000000 + i // 50,
            "model": "gpt-4o-mini-2024-07-18",
            "system_fingerprint": "fp_44709d6fcb",
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": f" tok{i % 97}"},
                    "logprobs": None,
                    "finish_reason": None,
                }
            ],
        }
        frames.append("data: " + json.dumps(chunk, separators=(",", ":")) + "\n\n")
    frames.append("data: [DONE]\n\n")
    return "".join(frames).encode()


def chunked(blob: bytes, size: int) -> list[bytes]:
    return [blob[i : i + size] for i in range(0, len(blob), size)]


def ours(chunks: list[bytes]) -> int:
    from generator.runtime.sse import iter_sse

    n = 0
    for _ in iter_sse(chunks):
        n += 1
    return n


def httpx_sse(chunks: list[bytes]) -> int:
    """httpx-sse's EventSource.iter_sse over an httpx response streaming the chunks."""
    import httpx
    from httpx_sse import EventSource

    class Chunks(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return iter(chunks)

    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=Chunks()
    )
    n = 0
    for _ in EventSource(response).iter_sse():
        n += 1
    return n


def openai_sse(chunks: list[bytes]) -> int:
    from openai._streaming import SSEDecoder

    n = 0
    for _ in SSEDecoder().iter_bytes(iter(chunks)):
        n += 1
    return n


def sseclient_py(chunks: list[bytes]) -> int:
    import sseclient

    n = 0
    for _ in sseclient.SSEClient(iter(chunks)).events():
        n += 1
    return n


DECODERS: dict[str, Callable[[list[bytes]], int]] = {
    "ours (iter_sse)": ours,
    "httpx-sse": httpx_sse,
    "openai SSEDecoder": openai_sse,
    "sseclient-py": sseclient_py,
}


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(list(argv) if argv is not None else None)
    blob = make_stream(args.events)
    megabytes = len(blob) / 1e6
    expected = args.events + 1  # the [DONE] event is an event to a decoder
    data: dict[str, object] = {"events": args.events, "bytes": len(blob)}
    sections = []
    for size in (65536, 7):
        chunks = chunked(blob, size)
        for name, fn in DECODERS.items():
            got = fn(chunks)
            assert got == expected, f"{name} decoded {got} events, expected {expected}"
        times = interleaved(
            {
                name: (lambda fn=fn, chunks=chunks: fn(chunks))
                for name, fn in DECODERS.items()
            },
            args.rounds,
        )
        ours_t = median(times["ours (iter_sse)"])
        rows = []
        for name, ts in times.items():
            t = median(ts)
            rows.append(
                [
                    name,
                    f"{expected / t / 1000:,.0f}k",
                    f"{megabytes / t:,.1f}",
                    f"{t / ours_t:.2f}x" if name != "ours (iter_sse)" else "1.00x",
                ]
            )
        data[f"chunk_{size}"] = {name: median(ts) for name, ts in times.items()}
        label = "64 KiB" if size == 65536 else f"{size}-byte"
        sections.append(
            f"{label} chunks ({len(chunks):,} chunks, {megabytes:.1f} MB, median of {args.rounds} interleaved rounds):\n\n"
            + table(["decoder", "events/s", "MB/s", "ours is faster by"], rows)
        )
    emit("sse_decode", "\n\n".join(sections), data)
    return data


if __name__ == "__main__":
    main()

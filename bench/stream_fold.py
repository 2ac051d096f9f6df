"""Folded streams and line-delimited streams: what get_final_response() costs, and NDJSON vs SSE.

    python bench/stream_fold.py [--chunks 1000] [--events 20000] [--rounds 15]

Fold: one streamed chat of ``--chunks`` chunks (a role, text deltas, a tool
call whose arguments arrive in fragments, a finish reason, usage), answered
from memory by an httpx MockTransport, through each client's public API:

* ours, iterating the typed chunks: ``for c in client.chat.completions.create(..., stream=True)``;
* ours, folding: ``create(..., stream=True).get_final_response()``;
* openai SDK: ``with client.chat.completions.stream(...) as s: s.get_final_completion()``.

The committed ``openai_api`` package does not carry a fold rule yet (the
generator will derive it from the spec); this bench sets the rule on the
operation, as data, the way generated code will.

Formats: ``--events`` chunks as server-sent events, JSON Lines and a JSON text
sequence, read into ``Stream[ChatCompletionChunk]`` from an in-memory httpx
response in 64 KiB pieces.

Everything runs in memory, so the figures are this process's CPU time
(``time.process_time``): other processes on a shared machine do not count.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import common  # noqa: F401  (sets sys.path)
from common import emit, interleaved, median, table

#: The fold rule of an OpenAI-style chat stream (see generator/runtime/_fold_rule.py).
CHAT_FOLD = {
    "index": {"choices": "index", "choices[].message.tool_calls": "index"},
    "rename": {"choices[].delta": "message"},
    "concat": [
        "choices[].message.content",
        "choices[].message.refusal",
        "choices[].message.tool_calls[].function.arguments",
    ],
    "append": ["choices[].logprobs.content"],
    "set": {"object": "chat.completion"},
    "default": {"choices[].message.content": None},
    "text": ["choices[].delta.content"],
}
ARGS = json.dumps({"city": "Bern", "unit": "celsius", "days": 3})


def chat_chunks(n: int) -> list[dict[str, Any]]:
    """A realistic chat stream of ``n`` chunks (n >= 8)."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-9xJq3mZ8",
            "object": "chat.completion.chunk",
            "created": 1718000000,
            "model": "gpt-4o-mini-2024-07-18",
            "system_fingerprint": "fp_44709d6fcb",
            "choices": [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            ],
        }

    fragments = [ARGS[i : i + 8] for i in range(0, len(ARGS), 8)]
    texts = n - 4 - len(fragments)
    out = [chunk({"role": "assistant", "content": ""})]
    out += [chunk({"content": f" tok{i % 97}"}) for i in range(texts)]
    out.append(
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": ""},
                    }
                ]
            }
        )
    )
    out += [
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": f}}]})
        for f in fragments
    ]
    out.append(chunk({}, "tool_calls"))
    usage = {"prompt_tokens": 20, "completion_tokens": n, "total_tokens": n + 20}
    out.append({**chunk({}), "choices": [], "usage": usage})
    assert len(out) == n
    return out


def sse_body(chunks: list[dict[str, Any]]) -> bytes:
    frames = ["data: " + json.dumps(c, separators=(",", ":")) + "\n\n" for c in chunks]
    return "".join(frames + ["data: [DONE]\n\n"]).encode()


def pieces(blob: bytes, size: int = 65536) -> list[bytes]:
    return [blob[i : i + size] for i in range(0, len(blob), size)]


def our_client(body: bytes) -> Any:
    import httpx
    from openai_api import OpenAI
    from openai_api._runtime import StreamSpec
    from openai_api.resources import chat
    from openai_api.types import ChatCompletion, ChatCompletionChunk

    op = chat._CHAT_COMPLETIONS_CREATE
    op.stream = StreamSpec(
        ChatCompletionChunk, "[DONE]", True, final=ChatCompletion, fold=CHAT_FOLD
    )
    parts = pieces(body)

    class Body(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return iter(parts)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=Body()
        )

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return OpenAI(api_key="sk-bench", base_url="http://127.0.0.1/v1", http_client=http)


def peer_client(body: bytes) -> Any:
    import httpx2
    import openai

    parts = pieces(body)

    class Body(httpx2.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return iter(parts)

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, stream=Body()
        )

    http = httpx2.Client(transport=httpx2.MockTransport(answer))
    return openai.OpenAI(
        api_key="sk-bench", base_url="http://127.0.0.1/v1", http_client=http
    )


MESSAGES = [{"role": "user", "content": "Weather in Bern?"}]


def ours_iterate(client: Any) -> int:
    n = 0
    with client.chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    ) as stream:
        for _ in stream:
            n += 1
    return n


def ours_fold(client: Any) -> Any:
    with client.chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    ) as stream:
        return stream.get_final_response()


def peer_fold(client: Any) -> Any:
    with client.chat.completions.stream(model="m", messages=MESSAGES) as stream:
        return stream.get_final_completion()


def check(final: Any, n: int) -> None:
    """Both answers are whole: the same text, tool call and usage."""
    message = final.choices[0].message
    assert message.content == "".join(f" tok{i % 97}" for i in range(n - 10)), n
    assert message.tool_calls[0].function.arguments == ARGS
    assert final.choices[0].finish_reason == "tool_calls"
    assert final.usage.total_tokens == n + 20


def format_bodies(events: int) -> dict[str, tuple[str, list[bytes]]]:
    chunks = chat_chunks(events)
    texts = [json.dumps(c, separators=(",", ":")) for c in chunks]
    return {
        "SSE (text/event-stream)": ("text/event-stream", pieces(sse_body(chunks))),
        "JSON Lines (application/x-ndjson)": (
            "application/x-ndjson",
            pieces("".join(t + "\n" for t in texts).encode()),
        ),
        "JSON text sequence (application/json-seq)": (
            "application/json-seq",
            pieces("".join("\x1e" + t + "\n" for t in texts).encode()),
        ),
    }


def read_format(media_type: str, parts: list[bytes]) -> int:
    import httpx
    from openai_api._runtime import Stream, StreamSpec
    from openai_api.types import ChatCompletionChunk

    class Body(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return iter(parts)

    spec = _SPECS.get(media_type)
    if spec is None:
        terminator = "[DONE]" if media_type == "text/event-stream" else None
        spec = _SPECS[media_type] = StreamSpec(
            ChatCompletionChunk, terminator, True, media_type=media_type
        )
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(
        200, headers={"content-type": media_type}, stream=Body(), request=request
    )
    n = 0
    for _ in Stream(response, spec, request, str):
        n += 1
    return n


_SPECS: dict[str, Any] = {}


def _reader(media_type: str, parts: list[bytes]) -> Callable[[], int]:
    return lambda: read_format(media_type, parts)


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(list(argv) if argv is not None else None)

    from openai_api.resources import chat

    body = sse_body(chat_chunks(args.chunks))
    plain = chat._CHAT_COMPLETIONS_CREATE.stream
    try:
        return _run(args, body)
    finally:  # other figures in this process measure the package as committed
        chat._CHAT_COMPLETIONS_CREATE.stream = plain


def _run(args: argparse.Namespace, body: bytes) -> dict[str, object]:
    ours, peer = our_client(body), peer_client(body)
    assert ours_iterate(ours) == args.chunks  # also warms (schema building)
    check(ours_fold(ours), args.chunks)
    check(peer_fold(peer), args.chunks)
    times = interleaved(
        {
            "iterate": lambda: ours_iterate(ours),
            "fold": lambda: ours_fold(ours),
            "peer": lambda: peer_fold(peer),
        },
        args.rounds,
        time.process_time,
    )
    t_iter, t_fold, t_peer = (median(times[k]) for k in ("iterate", "fold", "peer"))
    fold_rows = [
        [
            "ours: iterate the typed chunks",
            f"{t_iter * 1e3:,.2f} ms",
            f"{t_iter / args.chunks * 1e6:.1f} µs",
            "1.00x",
        ],
        [
            "ours: get_final_response()",
            f"{t_fold * 1e3:,.2f} ms",
            f"{t_fold / args.chunks * 1e6:.1f} µs",
            f"{t_fold / t_iter:.2f}x",
        ],
        [
            "openai SDK: stream(...).get_final_completion()",
            f"{t_peer * 1e3:,.2f} ms",
            f"{t_peer / args.chunks * 1e6:.1f} µs",
            f"{t_peer / t_iter:.2f}x",
        ],
    ]

    bodies = format_bodies(args.events)
    for media_type, parts in bodies.values():
        assert read_format(media_type, parts) == args.events
    ftimes = interleaved(
        {
            name: _reader(media_type, parts)
            for name, (media_type, parts) in bodies.items()
        },
        args.rounds,
        time.process_time,
    )
    t_sse = median(ftimes["SSE (text/event-stream)"])
    format_rows = []
    for name, (_, parts) in bodies.items():
        t = median(ftimes[name])
        size = sum(len(p) for p in parts) / 1e6
        format_rows.append(
            [
                name,
                f"{args.events / t / 1000:,.0f}k",
                f"{size:.1f} MB",
                f"{t / t_sse:.2f}x",
            ]
        )
    text = (
        f"One streamed chat of {args.chunks:,} chunks through each client's public API "
        f"(httpx MockTransport, 64 KiB pieces), median CPU time of {args.rounds} "
        "interleaved rounds:\n\n"
        + table(["client", "per stream", "per chunk", "vs iterating ours"], fold_rows)
        + f"\n\nours is faster than the openai SDK by {t_peer / t_fold:.1f}x; "
        f"folding costs {t_fold / t_iter:.2f}x iterating.\n\n"
        f"{args.events:,} chat.completion.chunk chunks into Stream[ChatCompletionChunk], "
        "per wire format:\n\n"
        + table(["format", "chunks/s", "body", "time vs SSE"], format_rows)
    )
    data = {
        "chunks": args.chunks,
        "iterate_s": t_iter,
        "fold_s": t_fold,
        "openai_fold_s": t_peer,
        "fold_vs_iterate": t_fold / t_iter,
        "openai_vs_fold": t_peer / t_fold,
        "events": args.events,
        "formats_s": {name: median(v) for name, v in ftimes.items()},
    }
    emit("stream_fold", text, data)
    return data


if __name__ == "__main__":
    main()

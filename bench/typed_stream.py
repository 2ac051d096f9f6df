"""Typed streaming: events/s from bytes to typed chunk objects.

    python bench/typed_stream.py [--events 20000] [--rounds 5]

Ours: the generated OpenAI client's ``Stream[ChatCompletionChunk]`` (pydantic
models validated from each event's JSON). Peer: the openai SDK's
``Stream[ChatCompletionChunk]``. Both read the same bytes from an in-memory
httpx response, so only decoding and model building are measured.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator

import common  # noqa: F401
from common import emit, interleaved, median, table
from sse_decode import chunked, make_stream


def ours(chunks: list[bytes]) -> int:
    import httpx
    from openai_api._runtime import Stream
    from openai_api.types import ChatCompletionChunk

    class Chunks(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return iter(chunks)

    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(200, stream=Chunks(), request=request)
    stream: Stream[ChatCompletionChunk] = Stream(response, _SPEC, request, str)
    n = 0
    last = None
    for last in stream:  # noqa: B007 - the last chunk is checked below
        n += 1
    assert isinstance(last, ChatCompletionChunk) and last.choices[0].delta.content
    return n


def peer(chunks: list[bytes]) -> int:
    import httpx2
    import openai
    from openai.types.chat import ChatCompletionChunk

    class Chunks(httpx2.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return iter(chunks)

    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx2.Response(
        200,
        stream=Chunks(),
        request=request,
        headers={"content-type": "text/event-stream"},
    )
    stream = openai.Stream(
        cast_to=ChatCompletionChunk, response=response, client=_CLIENT
    )
    n = 0
    last = None
    for last in stream:  # noqa: B007 - the last chunk is checked below
        n += 1
    assert isinstance(last, ChatCompletionChunk) and last.choices[0].delta.content
    return n


_SPEC: object = None
_CLIENT: object = None


def main(argv: Iterable[str] | None = None) -> dict[str, object]:
    global _SPEC, _CLIENT
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(list(argv) if argv is not None else None)

    import openai
    from openai_api._runtime import StreamSpec
    from openai_api.types import ChatCompletionChunk

    _SPEC = StreamSpec(ChatCompletionChunk, "[DONE]", True)
    _CLIENT = openai.OpenAI(api_key="sk-bench", base_url="http://127.0.0.1:9/v1")
    chunks = chunked(make_stream(args.events), 65536)
    assert (
        ours(chunks) == peer(chunks) == args.events
    )  # also warms both (schema building)
    times = interleaved(
        {
            "ours Stream": lambda: ours(chunks),
            "openai SDK Stream": lambda: peer(chunks),
        },
        args.rounds,
    )
    t_ours, t_peer = median(times["ours Stream"]), median(times["openai SDK Stream"])
    rows = [
        [
            "ours Stream[ChatCompletionChunk]",
            f"{args.events / t_ours / 1000:,.0f}k",
            "1.00x",
        ],
        [
            "openai SDK Stream[ChatCompletionChunk]",
            f"{args.events / t_peer / 1000:,.1f}k",
            f"{t_peer / t_ours:.1f}x",
        ],
    ]
    text = (
        f"{args.events:,} chat.completion.chunk events, 64 KiB chunks, median of {args.rounds} interleaved rounds:\n\n"
        + table(["stream", "events/s", "ours is faster by"], rows)
    )
    data = {"events": args.events, "ours_s": t_ours, "openai_s": t_peer}
    emit("typed_stream", text, data)
    return data


if __name__ == "__main__":
    main()

"""A minimal keep-alive HTTP/1.1 server for the request benchmarks, run as its own process.

    python bench/fast_server.py PORT STREAM_CHUNKS

Answers every POST with a small chat completion, or, when the JSON body asks
for ``"stream": true``, with STREAM_CHUNKS chat.completion.chunk events and
``data: [DONE]``; every GET with a model object. Bodies are prepared once,
so the server costs as little as possible and the client's overhead shows.
"""

from __future__ import annotations

import asyncio
import json
import sys

COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1718000000,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello!"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
    }
).encode()
MODEL = json.dumps(
    {
        "id": "gpt-4o-mini",
        "object": "model",
        "created": 1718000000,
        "owned_by": "openai",
    }
).encode()


def stream_body(n: int) -> bytes:
    frames = []
    for i in range(n):
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1718000000,
            "model": "gpt-4o-mini",
            "choices": [
                {"index": 0, "delta": {"content": f"w{i} "}, "finish_reason": None}
            ],
        }
        frames.append(f"data: {json.dumps(chunk)}\n\n")
    frames.append("data: [DONE]\n\n")
    return "".join(frames).encode()


def response(body: bytes, ctype: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\ncontent-type: "
        + ctype
        + b"\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


async def serve(port: int, chunks: int) -> None:
    plain = response(COMPLETION, b"application/json")
    model = response(MODEL, b"application/json")
    streamed = response(stream_body(chunks), b"text/event-stream")

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length) if length else b""
                if head.startswith(b"GET"):
                    writer.write(model)
                elif b'"stream":true' in body.replace(b" ", b""):
                    writer.write(streamed)
                else:
                    writer.write(plain)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2])))

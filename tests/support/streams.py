"""Runtime streams over scripted bodies: any chunking, a connection that breaks, sync and async.

``open_stream(spec, chunks)`` returns a :class:`Stream` (``await
aopen_stream(...)``: an :class:`AsyncStream`) and the :class:`Body` it reads.
The body goes through a real httpx client on an ``httpx.MockTransport``, so
the runtime sees exactly the byte pieces a test chooses; ``fail_after``
raises ``httpx.ReadError`` after that many pieces, as a dropped connection
does.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any

import httpx

from generator.runtime import AsyncStream, Stream, StreamSpec

URL = "http://127.0.0.1/v1/stream"


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body sent in the given pieces; ``closed`` tells whether it was released."""

    def __init__(self, chunks: Sequence[bytes], fail_after: int | None = None) -> None:
        self.chunks = list(chunks)
        self.fail_after = fail_after
        self.sent = 0
        self.closed = False

    def _next(self) -> Iterator[bytes]:
        for i, chunk in enumerate(self.chunks):
            if self.fail_after == i:
                raise httpx.ReadError("connection reset by peer")
            self.sent += 1
            yield chunk
        if self.fail_after is not None and self.fail_after >= len(self.chunks):
            raise httpx.ReadError("connection reset by peer")

    def __iter__(self) -> Iterator[bytes]:
        return self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._next():
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _handler(
    spec: StreamSpec,
    chunks: Sequence[bytes],
    content_type: str | None,
    fail_after: int | None,
) -> tuple[Body, httpx.MockTransport]:
    body = Body(chunks, fail_after)
    headers = {"content-type": content_type or spec.media_type}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=body)

    return body, httpx.MockTransport(handler)


def open_stream(
    spec: StreamSpec,
    chunks: Sequence[bytes],
    *,
    content_type: str | None = None,
    fail_after: int | None = None,
) -> tuple[Any, Body]:
    """A sync stream reading ``chunks``, and the :class:`Body` it reads."""
    body, transport = _handler(spec, chunks, content_type, fail_after)
    request = httpx.Request("POST", URL)
    response = httpx.Client(transport=transport).send(request, stream=True)
    return Stream(response, spec, request, str), body


async def aopen_stream(
    spec: StreamSpec,
    chunks: Sequence[bytes],
    *,
    content_type: str | None = None,
    fail_after: int | None = None,
) -> tuple[Any, Body]:
    """The async twin of :func:`open_stream`."""
    body, transport = _handler(spec, chunks, content_type, fail_after)
    request = httpx.Request("POST", URL)
    response = await httpx.AsyncClient(transport=transport).send(request, stream=True)
    return AsyncStream(response, spec, request, str), body


def ndjson(items: Iterable[Any]) -> bytes:
    return b"".join(json.dumps(i).encode() + b"\n" for i in items)


def json_seq(items: Iterable[Any]) -> bytes:
    return b"".join(b"\x1e" + json.dumps(i).encode() + b"\n" for i in items)


def sse(items: Iterable[Any], done: str | None = "[DONE]") -> bytes:
    """Each item as an event; a ``(name, data)`` pair as a named event."""
    out = []
    for item in items:
        if isinstance(item, tuple):
            name, data = item
            out.append(f"event: {name}\ndata: {json.dumps(data)}\n\n")
        else:
            out.append(
                f"data: {item if isinstance(item, str) else json.dumps(item)}\n\n"
            )
    if done is not None:
        out.append(f"data: {done}\n\n")
    return "".join(out).encode()


def split(raw: bytes, cuts: Iterable[int]) -> list[bytes]:
    points = [0, *sorted({c for c in cuts if 0 < c < len(raw)}), len(raw)]
    return [raw[a:b] for a, b in itertools.pairwise(points)]


def collect(stream: Any) -> list[Any]:
    """Every chunk of a sync stream."""
    with stream:
        return list(stream)


async def acollect(stream: Any) -> list[Any]:
    """Every chunk of an async stream."""
    async with stream:
        return [c async for c in stream]

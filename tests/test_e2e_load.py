"""Load: 100 concurrent async streams, spread over the four packages, against one local server.

Every stream must deliver its own text (the server derives each reply from
the request, so a mix-up between streams would show), and once the clients
are closed no connection may be left open.
"""

from __future__ import annotations

import asyncio
import json

from tests.support.runtime_calls import (
    STREAMING_CALLS,
    Call,
    make_client,
    wait_until,
)
from tests.support.server import LocalServer, Recorded, Reply

STREAMS = 100


def words_for(n: int) -> list[str]:
    return [f"stream-{n} ", "says ", "hello ", f"{n * 7}"]


def prompt_of(request: Recorded) -> str:
    body = request.json()
    return body["prompt"] if "prompt" in body else body["messages"][0]["content"]


def echo(call: Call):
    """A reply built from the request: the words of the stream number in its prompt, chunk by chunk."""

    def reply(request: Recorded) -> Reply:
        n = int(prompt_of(request))
        # Small pieces with pauses, so the streams really interleave.
        return call.sse(words_for(n), split=40, chunk_delay=0.002)

    return reply


def with_prompt(call: Call, n: int) -> dict[str, object]:
    kwargs = dict(call.kwargs)
    if "prompt" in kwargs:
        kwargs["prompt"] = str(n)
    else:
        kwargs["messages"] = [{"role": "user", "content": str(n)}]
    return kwargs


async def test_100_concurrent_async_streams(own_server: LocalServer) -> None:
    for call in STREAMING_CALLS:
        call.route(own_server, echo(call))
    clients = {
        call.id: make_client(call, own_server.url, is_async=True, max_retries=0)
        for call in STREAMING_CALLS
    }

    async def one(n: int) -> str:
        call = STREAMING_CALLS[n % len(STREAMING_CALLS)]
        target = clients[call.id]
        for part in call.operation.split("."):
            target = getattr(target, part)
        stream = await target(**with_prompt(call, n), stream=True)
        async with stream:
            return "".join([call.text(chunk) async for chunk in stream])  # type: ignore[misc]

    try:
        texts = await asyncio.wait_for(
            asyncio.gather(*(one(n) for n in range(STREAMS))), timeout=120
        )
    finally:
        for client in clients.values():
            await client.close()
    assert texts == ["".join(words_for(n)) for n in range(STREAMS)]
    assert len(own_server.requests) == STREAMS
    assert {json.loads(r.body).get("stream") for r in own_server.requests} == {True}
    # They ran side by side, not one after another.
    assert own_server.peak_connections > 10
    assert wait_until(
        lambda: own_server.open_connections == 0
    ), own_server.open_connections

"""Typed streams: every streaming operation, sync and async, end to end over real sockets.

Also: what ends a stream, what a stream raises, that closing a stream frees
its connection, and (with mypy) that ``stream=True`` and ``stream=False``
have different static return types.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import os
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

from tests.support.packages import GENERATED, ROOT
from tests.support.runtime_calls import (
    STREAMING_CALLS,
    Call,
    chat_chunk,
    make_client,
    ok,
    package,
    wait_until,
)
from tests.support.server import LocalServer, Reply

CHAT = next(c for c in STREAMING_CALLS if c.id == "openai_api.chat.completions.create")
CHUNK_TYPES = {
    "completions.create": "Completion",
    "chat.completions.create": "ChatCompletionChunk",
}
SSE_HEADERS = {"Content-Type": "text/event-stream"}


def raw_sse(*frames: str) -> Reply:
    return Reply(200, headers=SSE_HEADERS, chunks=[f.encode() for f in frames])


@pytest.mark.parametrize("call", STREAMING_CALLS, ids=lambda c: c.id)
def test_stream_sync(server: LocalServer, call: Call) -> None:
    call.route(server, call.sse(["Hel", "lo", ", w\u00f6rld"], split=7))
    pkg = package(call.package)
    with make_client(call, server.url) as client:
        stream = call.invoke(client, stream=True)
        assert isinstance(stream, pkg.Stream)
        with stream:
            chunks = list(stream)
    assert [type(c).__name__ for c in chunks] == [CHUNK_TYPES[call.operation]] * 3
    assert "".join(call.text(c) for c in chunks) == "Hello, w\u00f6rld"  # type: ignore[misc]
    (request,) = server.requests
    assert request.headers["accept"] == "text/event-stream, application/json;q=0.9"
    assert request.json()["stream"] is True


@pytest.mark.parametrize("call", STREAMING_CALLS, ids=lambda c: c.id)
async def test_stream_async(server: LocalServer, call: Call) -> None:
    call.route(server, call.sse(["Hel", "lo", ", w\u00f6rld"], split=5))
    pkg = package(call.package)
    async with make_client(call, server.url, is_async=True) as client:
        stream = await call.invoke(client, stream=True)
        assert isinstance(stream, pkg.AsyncStream)
        async with stream:
            chunks = [c async for c in stream]
    assert [type(c).__name__ for c in chunks] == [CHUNK_TYPES[call.operation]] * 3
    assert "".join(call.text(c) for c in chunks) == "Hello, w\u00f6rld"  # type: ignore[misc]


@pytest.mark.parametrize("call", STREAMING_CALLS, ids=lambda c: c.id)
def test_stream_false_or_omitted_returns_the_object(
    server: LocalServer, call: Call
) -> None:
    call.route(server, ok(call))
    with make_client(call, server.url) as client:
        assert type(call.invoke(client)).__name__ == call.result_type
        assert type(call.invoke(client, stream=False)).__name__ == call.result_type
    omitted, false = (r.json() for r in server.requests)
    assert "stream" not in omitted and false["stream"] is False
    assert server.requests[0].headers["accept"] == "application/json"


def test_done_ends_the_stream_and_nothing_after_it_is_read(server: LocalServer) -> None:
    CHAT.route(
        server,
        raw_sse(
            ": keep-alive\n\n",
            "retry: 3000\nid: 1\n",
            f"data: {json.dumps(chat_chunk('a'))}\n\n",
            "data: [DONE]\n\n",
            "data: {not even json}\n\n",
        ),
    )
    with make_client(CHAT, server.url) as client:
        chunks = list(
            client.chat.completions.create(model="m", messages=[], stream=True)
        )
    assert [CHAT.text(c) for c in chunks] == ["a"]  # type: ignore[misc]


@pytest.mark.parametrize("is_async", [False, True])
async def test_missing_terminator_is_an_error(
    server: LocalServer, is_async: bool
) -> None:
    CHAT.route(server, CHAT.sse(["a", "b"], done=None))
    got: list[str] = []
    client = make_client(CHAT, server.url, is_async=is_async)
    with pytest.raises(
        package("openai_api").APIConnectionError,
        match=r"ended after 2 events without its terminator '\[DONE\]'",
    ):
        if is_async:
            async with client:
                async for c in await client.chat.completions.create(
                    model="m", messages=[], stream=True
                ):
                    got.append(CHAT.text(c))  # type: ignore[misc]
        else:
            with client:
                for c in client.chat.completions.create(
                    model="m", messages=[], stream=True
                ):
                    got.append(CHAT.text(c))  # type: ignore[misc]
    assert got == ["a", "b"]


ERROR_CASES = [
    (
        "error event",
        f"data: {json.dumps(chat_chunk('a'))}\n\nevent: error\ndata: {{\"error\": {{\"message\": \"overloaded\"}}}}\n\n",
        "APIStreamError",
        "the server sent an error in the stream: overloaded",
    ),
    (
        "error payload",
        f"data: {json.dumps(chat_chunk('a'))}\n\ndata: {{\"error\": {{\"message\": \"context too long\", \"code\": 400}}}}\n\n",
        "APIStreamError",
        "the server sent an error in the stream: context too long",
    ),
    (
        "error payload that also fits the chunk type",
        f"data: {json.dumps(chat_chunk('a'))}\n\ndata: {json.dumps({**chat_chunk('b'), 'error': 'quota exceeded'})}\n\n",
        "APIStreamError",
        "quota exceeded",
    ),
    (
        "invalid JSON",
        f"data: {json.dumps(chat_chunk('a'))}\n\ndata: {{\"id\": \"chat-1\", \"choi\n\n",
        "APIResponseValidationError",
        "event 2 of the stream is not valid JSON",
    ),
    (
        "wrong shape",
        f"data: {json.dumps(chat_chunk('a'))}\n\ndata: {{\"id\": 1}}\n\n",
        "APIResponseValidationError",
        "event 2 of the stream does not match ChatCompletionChunk",
    ),
]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "body,error,message", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
async def test_stream_errors(
    server: LocalServer, body: str, error: str, message: str, is_async: bool
) -> None:
    CHAT.route(server, raw_sse(body, "data: [DONE]\n\n"))
    pkg = package("openai_api")
    got: list[str] = []
    with pytest.raises(getattr(pkg, error), match=message) as info:
        if is_async:
            async with make_client(
                CHAT, server.url, is_async=True, strict_response_validation=True
            ) as client:
                async for c in await client.chat.completions.create(
                    model="m", messages=[], stream=True
                ):
                    got.append(CHAT.text(c))  # type: ignore[misc]
        else:
            with make_client(
                CHAT, server.url, strict_response_validation=True
            ) as client:
                for c in client.chat.completions.create(
                    model="m", messages=[], stream=True
                ):
                    got.append(CHAT.text(c))  # type: ignore[misc]
    assert got == ["a"]  # what came before the bad event was delivered
    assert str(info.value).startswith("POST /chat/completions: ")
    assert info.value.body is not None
    assert len(server.requests) == 1  # errors inside a stream are not retried


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_a_drifted_chunk_is_delivered_and_reported_once(
    server: LocalServer, is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """By default one chunk that does not fit its type never ends a stream."""
    drifted = {**chat_chunk("b"), "created": "yesterday"}
    body = "".join(
        f"data: {json.dumps(c)}\n\n" for c in (chat_chunk("a"), drifted, drifted)
    )
    CHAT.route(
        server,
        raw_sse(body + f"data: {json.dumps(chat_chunk('c'))}\n\n", "data: [DONE]\n\n"),
    )
    caplog.set_level(logging.WARNING, logger="openai_api")
    got: list[typing.Any] = []
    if is_async:
        async with make_client(CHAT, server.url, is_async=True) as client:
            async for c in await client.chat.completions.create(
                model="m", messages=[], stream=True
            ):
                got.append(c)
    else:
        with make_client(CHAT, server.url) as client:
            got = list(
                client.chat.completions.create(model="m", messages=[], stream=True)
            )
    assert [CHAT.text(c) for c in got] == ["a", "b", "b", "c"]
    assert type(got[1]) is type(got[0])  # typed as its chunk type, the rest as sent
    assert got[1].created == "yesterday"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings  # each mismatch once, not once per chunk
    assert "POST /chat/completions chunk" in warnings[0]
    assert "/created" in warnings[0]


def test_stream_error_body_keeps_the_payload(server: LocalServer) -> None:
    payload = {"error": {"message": "overloaded", "type": "server_error"}}
    CHAT.route(server, raw_sse(f"event: error\ndata: {json.dumps(payload)}\n\n"))
    with (
        make_client(CHAT, server.url) as client,
        pytest.raises(package("openai_api").APIStreamError) as info,
    ):
        list(client.chat.completions.create(model="m", messages=[], stream=True))
    assert info.value.body == payload and info.value.request is not None


def test_a_stream_call_answered_with_json(server: LocalServer) -> None:
    CHAT.route(server, ok(CHAT))
    with (
        make_client(CHAT, server.url) as client,
        pytest.raises(
            package("openai_api").APIResponseValidationError,
            match="expected an event stream .text/event-stream. but got application/json",
        ) as info,
    ):
        list(client.chat.completions.create(model="m", messages=[], stream=True))
    assert info.value.body == CHAT.reply


# -- releasing connections ---------------------------------------------------------------------

SLOW = {"chunk_delay": 0.05}  # a stream that would take 5 s to finish


def slow_stream(call: Call) -> Reply:
    return call.sse([f"{i} " for i in range(100)], **SLOW)


def test_close_releases_the_connection(own_server: LocalServer) -> None:
    CHAT.route(own_server, slow_stream(CHAT))
    with make_client(CHAT, own_server.url) as client:
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        assert CHAT.text(next(stream)) == "0 "  # type: ignore[misc]
        assert own_server.open_connections == 1
        stream.close()
        assert stream.response.is_closed
        # The client is still open: only closing the stream can have ended the connection.
        assert wait_until(lambda: own_server.open_connections == 0)
        assert list(stream) == []  # a closed stream is over
        # The client still works afterwards.
        CHAT.route(own_server, CHAT.sse(["x"]))
        assert [CHAT.text(c) for c in client.chat.completions.create(model="m", messages=[], stream=True)] == ["x"]  # type: ignore[misc]


def test_leaving_a_with_block_early_releases_the_connection(
    own_server: LocalServer,
) -> None:
    CHAT.route(own_server, slow_stream(CHAT))
    with make_client(CHAT, own_server.url) as client:
        with client.chat.completions.create(
            model="m", messages=[], stream=True
        ) as stream:
            for _ in stream:
                break
        assert stream.response.is_closed
        assert wait_until(lambda: own_server.open_connections == 0)
        # Closing a stream never iterated works too.
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        stream.close()
        assert wait_until(lambda: own_server.open_connections == 0)


def test_finished_streams_reuse_one_pooled_connection(own_server: LocalServer) -> None:
    CHAT.route(own_server, CHAT.sse(["a", "b"]))
    with make_client(CHAT, own_server.url) as client:
        for _ in range(3):
            with client.chat.completions.create(
                model="m", messages=[], stream=True
            ) as stream:
                assert len(list(stream)) == 2
    # Reuse means the body was read to its end after [DONE], not cut off.
    assert own_server.total_connections == 1
    assert wait_until(lambda: own_server.open_connections == 0)


async def test_finished_async_streams_reuse_one_pooled_connection(
    own_server: LocalServer,
) -> None:
    CHAT.route(own_server, CHAT.sse(["a", "b"]))
    async with make_client(CHAT, own_server.url, is_async=True) as client:
        for _ in range(3):
            stream = await client.chat.completions.create(
                model="m", messages=[], stream=True
            )
            assert len([c async for c in stream]) == 2  # type: ignore[attr-defined]
    assert own_server.total_connections == 1


async def test_async_aclose_and_async_with_release_the_connection(
    own_server: LocalServer,
) -> None:
    CHAT.route(own_server, slow_stream(CHAT))
    async with make_client(CHAT, own_server.url, is_async=True) as client:
        stream = await client.chat.completions.create(
            model="m", messages=[], stream=True
        )
        assert CHAT.text(await stream.__anext__()) == "0 "  # type: ignore[misc]
        await stream.aclose()
        assert stream.response.is_closed
        assert wait_until(lambda: own_server.open_connections == 0)
        async with await client.chat.completions.create(
            model="m", messages=[], stream=True
        ) as stream:
            async for _ in stream:
                break
        assert stream.response.is_closed
        assert wait_until(lambda: own_server.open_connections == 0)


def test_errors_in_a_stream_release_the_connection(own_server: LocalServer) -> None:
    CHAT.route(own_server, raw_sse("data: {bad\n\n", *["data: [never]\n\n"] * 50))
    with make_client(CHAT, own_server.url) as client:
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        with pytest.raises(package("openai_api").APIResponseValidationError):
            next(stream)
        assert stream.response.is_closed


# -- static types --------------------------------------------------------------------------------

TYPED = """
from typing import Any, Union
from typing_extensions import assert_type

import openai_api, peakprivacy, pienteger, prime_intellect
from openai_api.types import ChatCompletion, ChatCompletionChunk, Completion, ModelList
from pienteger.types import Completion as PCompletion
from prime_intellect.types import ChatCompletion as PIChat, ChatCompletionChunk as PIChunk
from peakprivacy.types import ChatCompletion as PPChat, ChatCompletionChunk as PPChunk



def sync(o: openai_api.OpenAI, p: pienteger.Pienteger, pi: prime_intellect.PrimeIntellect,
         pp: peakprivacy.PeakPrivacy, flag: bool) -> None:
    assert_type(o.models.list(), ModelList)
    assert_type(o.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}]), ChatCompletion)
    assert_type(o.chat.completions.create(model="m", messages=[], stream=False), ChatCompletion)
    s = o.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(s, openai_api.Stream[ChatCompletionChunk, ChatCompletion])
    with s as entered:
        assert_type(entered, openai_api.Stream[ChatCompletionChunk, ChatCompletion])
        for chunk in entered:
            assert_type(chunk, ChatCompletionChunk)
    assert_type(
        o.chat.completions.create(model="m", messages=[], stream=flag),
        Union[ChatCompletion, openai_api.Stream[ChatCompletionChunk, ChatCompletion]],
    )
    assert_type(o.completions.create(model="m", prompt="p"), Completion)
    assert_type(o.completions.create(model="m", prompt="p", stream=True), openai_api.Stream[Completion, Completion])
    assert_type(p.completions.create(model="m"), PCompletion)
    assert_type(p.completions.create(model="m", stream=True), pienteger.Stream[PCompletion, PCompletion])
    assert_type(pi.chat.completions.create(model="m", messages=[]), PIChat)
    assert_type(pi.chat.completions.create(model="m", messages=[], stream=True), prime_intellect.Stream[PIChunk, PIChat])
    assert_type(pp.chat.completions.create(model="m", messages=[]), PPChat)
    assert_type(pp.chat.completions.create(model="m", messages=[], stream=True), peakprivacy.Stream[PPChunk, PPChat])


async def async_(o: openai_api.AsyncOpenAI, p: pienteger.AsyncPienteger,
                 pi: prime_intellect.AsyncPrimeIntellect, pp: peakprivacy.AsyncPeakPrivacy) -> None:
    assert_type(await o.models.list(), ModelList)
    assert_type(await o.chat.completions.create(model="m", messages=[]), ChatCompletion)
    s = await o.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(s, openai_api.AsyncStream[ChatCompletionChunk, ChatCompletion])
    async with s as entered:
        assert_type(entered, openai_api.AsyncStream[ChatCompletionChunk, ChatCompletion])
        async for chunk in entered:
            assert_type(chunk, ChatCompletionChunk)
    await s.aclose()
    assert_type(await o.completions.create(model="m", prompt="p", stream=True), openai_api.AsyncStream[Completion, Completion])
    assert_type(await p.completions.create(model="m", stream=True), pienteger.AsyncStream[PCompletion, PCompletion])
    assert_type(await pi.chat.completions.create(model="m", messages=[], stream=True), prime_intellect.AsyncStream[PIChunk, PIChat])
    assert_type(await pp.chat.completions.create(model="m", messages=[], stream=True), peakprivacy.AsyncStream[PPChunk, PPChat])
    assert_type(await pp.chat.completions.create(model="m", messages=[], stream=False), PPChat)


def folded(s: openai_api.Stream[ChatCompletionChunk, ChatCompletion], o: openai_api.OpenAI,
           p: pienteger.Pienteger) -> None:
    assert_type(s.get_final_response(), ChatCompletion)
    for text in s.text_stream:
        assert_type(text, str)
    assert_type(s.until_done(), None)
    # A streaming method's stream folds into its non-streaming answer.
    assert_type(o.chat.completions.create(model="m", messages=[], stream=True).get_final_response(), ChatCompletion)
    assert_type(p.completions.create(model="m", stream=True).get_final_response(), PCompletion)


async def afolded(s: openai_api.AsyncStream[ChatCompletionChunk, ChatCompletion]) -> None:
    assert_type(await s.get_final_response(), ChatCompletion)
    async for text in s.text_stream:
        assert_type(text, str)
    await s.until_done()
"""

# Each line is wrong on purpose: mypy must flag every one, or the check above proves nothing.
MISTYPED = """
from typing_extensions import assert_type

import openai_api
from openai_api.types import ChatCompletion, ChatCompletionChunk


def wrong(o: openai_api.OpenAI) -> None:
    assert_type(o.chat.completions.create(model="m", messages=[], stream=True), ChatCompletion)
    assert_type(o.chat.completions.create(model="m", messages=[]), openai_api.Stream[ChatCompletionChunk])
    for chunk in o.chat.completions.create(model="m", messages=[], stream=True):
        assert_type(chunk, ChatCompletion)
    o.chat.completions.create(model="m", messages=[], stream="yes")


def wrong_final(s: openai_api.Stream[ChatCompletionChunk, ChatCompletion]) -> None:
    assert_type(s.get_final_response(), ChatCompletionChunk)
    s.text_stream.append("x")
"""


def test_stream_overloads_type_check(tmp_path: Path) -> None:
    good = tmp_path / "typed_ok.py"
    bad = tmp_path / "typed_wrong.py"
    good.write_text(textwrap.dedent(TYPED))
    bad.write_text(textwrap.dedent(MISTYPED))
    env = {**os.environ, "MYPYPATH": str(GENERATED)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            str(good),
            str(bad),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if "typed_ok.py" in e], result.stdout
    wrong_lines = sorted(
        {int(e.split(":")[1]) for e in errors if "typed_wrong.py" in e}
    )
    assert wrong_lines == [9, 10, 12, 13, 17, 18], result.stdout


def test_stream_types_take_one_or_two_parameters_at_run_time() -> None:
    pkg = package("openai_api")
    types = importlib.import_module("openai_api.types")
    for cls in (pkg.Stream, pkg.AsyncStream):
        assert cls[types.ChatCompletionChunk].__args__ == (
            types.ChatCompletionChunk,
            typing.Any,
        )
        assert cls[types.ChatCompletionChunk, types.ChatCompletion].__args__ == (
            types.ChatCompletionChunk,
            types.ChatCompletion,
        )
        with pytest.raises(TypeError):
            cls[int, int, int]


def test_an_event_over_the_size_limit_is_an_error(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    streaming = importlib.import_module("openai_api._runtime.streaming")
    sse = importlib.import_module("openai_api._runtime.sse")
    monkeypatch.setattr(
        streaming, "iter_sse", functools.partial(sse.iter_sse, max_event_size=1000)
    )
    big = json.dumps(chat_chunk("x" * 2000))
    CHAT.route(
        server, raw_sse(f"data: {json.dumps(chat_chunk('a'))}\n\n", f"data: {big}\n\n")
    )
    with make_client(CHAT, server.url) as client:
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        assert CHAT.text(next(stream)) == "a"  # type: ignore[misc]
        with pytest.raises(
            package("openai_api").APIResponseValidationError,
            match="cannot decode the event stream: a line of the event stream is longer than 1000 bytes",
        ):
            next(stream)
        assert stream.response.is_closed

"""Every stream convention, through a generated client, on a loopback server: sync and async.

The client is generated from tests/fixtures/streams.yaml (one operation per
convention). Each streamed chat yields chunks typed by the chunk (never by
the SSE envelope), its text reads "Hello" when the server sent "Hel", "lo",
and ``get_final_response()`` folds it into the non-streaming answer: text
and tool-call arguments whole. Methods are found by HTTP method and path.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

import pytest

from tests.support.fixture_packages import fixture
from tests.support.operations import method_for
from tests.support.server import LocalServer, json_reply
from tests.support.wire import (
    chat_chunks,
    chat_completion,
    check_chat,
    line_chunks,
    line_response,
    lines_body,
    messages_events,
    sse_body,
)

# Paths of the chat operations served as data-only SSE, and whether their
# spec declares the terminator (a stream that ends without it broke off).
SSE_CHATS = {
    "/ours/chat": True,
    "/chunk/chat": False,
    "/envelope/chat": False,
    "/union/chat": True,
    "/sentinel/chat": True,
    "/fern/chat": True,
}
LINE_CHATS = {
    "/ndjson/chat": "application/x-ndjson",
    "/jsonl/chat": "application/jsonl",
    "/seq/chat": "application/json-seq",
}
MESSAGES = [{"role": "user", "content": "Hi"}]


@pytest.fixture(scope="module")
def pkg() -> Any:
    return fixture("streams.yaml").module


def client(pkg: Any, server: LocalServer, is_async: bool) -> Any:
    cls = pkg.AsyncStreams if is_async else pkg.Streams
    return cls(api_key="k", base_url=server.url, max_retries=0)


async def call(method: Any, **kwargs: Any) -> Any:
    result = method(**kwargs)
    return await result if inspect.isawaitable(result) else result


async def chunks_of(stream: Any) -> list[Any]:
    if hasattr(stream, "__aiter__"):
        async with stream:
            return [c async for c in stream]
    with stream:
        return list(stream)


async def final_of(stream: Any) -> Any:
    final = stream.get_final_response()
    return await final if inspect.isawaitable(final) else final


def chat_text(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


ASYNC = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@ASYNC
@pytest.mark.parametrize("path", list(SSE_CHATS))
async def test_sse_chats_yield_typed_chunks_and_fold(
    pkg: Any, server: LocalServer, path: str, is_async: bool
) -> None:
    server.route("POST", path, sse_body(chat_chunks()))
    create = method_for(client(pkg, server, is_async), "POST", path)
    chunks = await chunks_of(
        await call(create, model="m", messages=MESSAGES, stream=True)
    )
    assert {type(c).__name__ for c in chunks} == {"ChatChunk"}
    assert chat_text(chunks) == "Hello"
    assert server.requests[-1].json()["stream"] is True

    stream = await call(create, model="m", messages=MESSAGES, stream=True)
    final = await final_of(stream)
    assert type(final).__name__ == "ChatCompletion"
    check_chat(final)
    assert final.object == "chat.completion"  # set by the rule, the chunk said ".chunk"


@ASYNC
@pytest.mark.parametrize("path", list(SSE_CHATS))
async def test_sse_chats_without_stream_return_the_answer(
    pkg: Any, server: LocalServer, path: str, is_async: bool
) -> None:
    server.route("POST", path, json_reply(chat_completion()))
    create = method_for(client(pkg, server, is_async), "POST", path)
    answer = await call(create, model="m", messages=MESSAGES)
    assert type(answer).__name__ == "ChatCompletion"
    assert answer.choices[0].message.content == "Hello"
    assert "stream" not in server.requests[-1].json()


@pytest.mark.parametrize("path", list(SSE_CHATS))
def test_a_declared_terminator_must_come(
    pkg: Any, server: LocalServer, path: str
) -> None:
    server.route("POST", path, sse_body(chat_chunks(tool=False), done=None))
    create = method_for(client(pkg, server, False), "POST", path)
    stream = create(model="m", messages=MESSAGES, stream=True)
    if SSE_CHATS[path]:
        with pytest.raises(pkg.APIConnectionError, match="without its terminator"):
            list(stream)
    else:
        assert chat_text(list(stream)) == "Hello"


@ASYNC
@pytest.mark.parametrize("path", list(LINE_CHATS))
async def test_line_delimited_chats(
    pkg: Any, server: LocalServer, path: str, is_async: bool
) -> None:
    ctype = LINE_CHATS[path]
    server.route("POST", path, lines_body(line_chunks(), ctype))
    create = method_for(client(pkg, server, is_async), "POST", path)
    chunks = await chunks_of(
        await call(create, model="m", messages=MESSAGES, stream=True)
    )
    assert [type(c).__name__ for c in chunks] == ["LineChatChunk"] * 3
    assert "".join(c.message.content for c in chunks) == "Hello"
    assert server.requests[-1].headers["accept"].startswith(ctype)

    stream = await call(create, model="m", messages=MESSAGES, stream=True)
    final = await final_of(stream)
    assert type(final).__name__ == "LineChatResponse"
    assert (final.message.content, final.done, final.done_reason) == (
        "Hello",
        True,
        "stop",
    )


@ASYNC
async def test_a_flag_that_defaults_to_streaming_is_sent_off_unless_asked(
    pkg: Any, server: LocalServer, is_async: bool
) -> None:
    """Ollama: ``stream`` defaults to true, so the plain call sends ``stream: false``."""
    server.route("POST", "/ndjson/chat", json_reply(line_response()))
    create = method_for(client(pkg, server, is_async), "POST", "/ndjson/chat")
    answer = await call(create, model="m", messages=MESSAGES)
    assert type(answer).__name__ == "LineChatResponse"
    assert answer.message.content == "Hello"
    assert server.requests[-1].json()["stream"] is False
    answer = await call(create, model="m", messages=MESSAGES, stream=False)
    assert server.requests[-1].json()["stream"] is False

    server.route("POST", "/ndjson/chat", lines_body(line_chunks()))
    stream = await call(create, model="m", messages=MESSAGES, stream=True)
    assert server.requests[-1].json()["stream"] is True
    assert len(await chunks_of(stream)) == 3


@ASYNC
async def test_named_events_are_typed_per_event_and_fold_by_the_declared_rule(
    pkg: Any, server: LocalServer, is_async: bool
) -> None:
    server.route("POST", "/messages", sse_body(messages_events(), done=None))
    create = method_for(client(pkg, server, is_async), "POST", "/messages")
    chunks = await chunks_of(
        await call(create, model="m", messages=MESSAGES, stream=True)
    )
    names = [type(c).__name__ for c in chunks]
    assert names[:3] == [
        "MessageStartEvent",
        "ContentBlockStartEvent",
        "ContentBlockDeltaEvent",  # the ping between them is skipped
    ]
    assert len(chunks) == len(messages_events()) - 1
    assert (
        "".join(
            c.delta.text
            for c in chunks
            if type(c).__name__ == "ContentBlockDeltaEvent"
            and c.delta.type == "text_delta"
        )
        == "Hello"
    )

    stream = await call(create, model="m", messages=MESSAGES, stream=True)
    texts = stream.text_stream
    if is_async:
        assert [t async for t in texts] == ["Hel", "lo"]
    else:
        assert list(texts) == ["Hel", "lo"]
    message = await final_of(stream)
    assert type(message).__name__ == "Message"
    text, tool = message.content
    assert (type(text).__name__, text.text) == ("TextBlock", "Hello")
    assert (type(tool).__name__, tool.name, tool.input) == (
        "ToolUseBlock",
        "weather",
        {"city": "Bern"},
    )
    assert message.stop_reason == "tool_use"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (9, 15)


@ASYNC
async def test_a_stream_only_variant_always_streams_and_says_so(
    pkg: Any, server: LocalServer, is_async: bool
) -> None:
    events = [
        ("message.output.delta", {"type": "message.output.delta", "content": "Hel"}),
        ("message.output.delta", {"type": "message.output.delta", "content": "lo"}),
        ("conversation.response.done", {"type": "conversation.response.done"}),
    ]
    server.route("POST", "/conversations/stream", sse_body(events, done=None))
    start = method_for(client(pkg, server, is_async), "POST", "/conversations/stream")
    assert "stream" not in inspect.signature(start).parameters
    chunks = await chunks_of(await call(start, inputs="Hi"))
    assert [type(c).__name__ for c in chunks] == [
        "MessageOutputEvent",
        "MessageOutputEvent",
        "ResponseDoneEvent",
    ]
    assert "".join(c.content for c in chunks[:2]) == "Hello"
    assert server.requests[-1].json() == {"inputs": "Hi", "stream": True}


@ASYNC
async def test_fern_json_streaming_always_streams_lines(
    pkg: Any, server: LocalServer, is_async: bool
) -> None:
    lines = [{"level": "info", "text": "Hel"}, {"level": "info", "text": "lo"}]
    server.route("POST", "/fern/logs", lines_body(lines))
    tail = method_for(client(pkg, server, is_async), "POST", "/fern/logs")
    assert "stream" not in inspect.signature(tail).parameters
    chunks = await chunks_of(await call(tail))
    assert [(type(c).__name__, c.text) for c in chunks] == [
        ("LogLine", "Hel"),
        ("LogLine", "lo"),
    ]


def test_a_stream_without_a_rule_says_why_it_cannot_fold(
    pkg: Any, server: LocalServer
) -> None:
    events = [
        ("message.output.delta", {"type": "message.output.delta", "content": "x"})
    ]
    server.route("POST", "/conversations/stream", sse_body(events, done=None))
    start = method_for(client(pkg, server, False), "POST", "/conversations/stream")
    with (
        start(inputs="Hi") as stream,
        pytest.raises(TypeError, match="no fold rule"),
    ):
        stream.get_final_response()


@ASYNC
@pytest.mark.parametrize("path", ["/events", "/lines"])
async def test_openapi_32_item_schemas(
    server: LocalServer, path: str, is_async: bool
) -> None:
    """itemSchema (generated with --lenient: OpenAPI 3.1 does not know it)."""
    items = fixture("streams_item_schema.yaml", lenient=True).module
    pieces = [{"id": "a", "text": "Hel"}, {"id": "a", "text": "lo"}]
    events = [("piece", p) for p in pieces]
    reply = (
        sse_body(events, done=None)
        if path == "/events"
        else lines_body(pieces, "application/jsonl")
    )
    server.route("POST", path, reply)
    cls = items.AsyncItemSchemas if is_async else items.ItemSchemas
    create = method_for(cls(base_url=server.url, max_retries=0), "POST", path)
    chunks = await chunks_of(await call(create, prompt="p", stream=True))
    assert [(type(c).__name__, c.text) for c in chunks] == [
        ("Piece", "Hel"),
        ("Piece", "lo"),
    ]
    answer = await final_of(await call(create, prompt="p", stream=True))
    assert (type(answer).__name__, answer.id, answer.text) == ("Answer", "a", "Hello")


@ASYNC
async def test_a_folded_answer_that_drifted_is_read_like_a_drifted_body(
    pkg: Any,
    server: LocalServer,
    caplog: pytest.LogCaptureFixture,
    is_async: bool,
) -> None:
    """No chunk carries ``created``, which the answer requires: kept as sent, and reported."""
    chunks = chat_chunks()
    for chunk in chunks:
        del chunk["created"]
    server.route("POST", "/chunk/chat", sse_body(chunks))
    api = client(pkg, server, is_async)
    create = method_for(api, "POST", "/chunk/chat")
    caplog.set_level(logging.WARNING)
    final = await final_of(
        await call(create, model="m", messages=MESSAGES, stream=True)
    )
    check_chat(final)
    assert final.created is None
    (warning,) = [
        r.getMessage() for r in caplog.records if "(folded)" in r.getMessage()
    ]
    assert "ChatCompletion at /created: the required int is missing" in warning

    strict = method_for(
        api.with_options(strict_response_validation=True), "POST", "/chunk/chat"
    )
    stream = await call(strict, model="m", messages=MESSAGES, stream=True)
    with pytest.raises(pkg.APIResponseValidationError, match="does not match"):
        await final_of(stream)

"""The chat of every real provider spec, streamed on loopback in that provider's wire format.

Each package is generated from ../shared/real-specs/ (the session fixture
``real_packages``, as ``clientgen generate --lenient`` makes it). Its chat
method, found by HTTP method and path, streams what the provider sends:
Mistral an SSE envelope, Together a oneOf with a [DONE] member, OpenRouter
an envelope with Speakeasy's sentinel, TGI and the official OpenAI spec the
chunk itself, Ollama JSON Lines. Chunks come out typed by the chunk, the
text reads "Hello" when the server sent "Hel", "lo", and
``get_final_response()`` folds the stream into the non-streaming answer by
the rule derived from the provider's own schemas. Sync and async.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from tests.support.operations import method_for
from tests.support.packages import load_package
from tests.support.real_specs import RealPackages
from tests.support.server import LocalServer, Reply, json_reply
from tests.support.wire import (
    chat_chunks,
    check_chat,
    line_chunks,
    line_response,
    lines_body,
    sse_body,
)

_OPTIONS = {
    "self",
    "base_url",
    "timeout",
    "max_retries",
    "http_client",
    "default_headers",
    "strict_response_validation",
}


@dataclass(frozen=True)
class Chat:
    spec: str  # file name in ../shared/real-specs/
    path: str
    chunk: str  # the chunk type's name
    final: str  # the non-streaming answer's type name
    reply: Callable[[], Reply]  # the stream, as the provider sends it
    tool: bool = True  # the chunks carry a tool call


CHATS = [
    Chat(
        "mistral.yaml",
        "/v1/chat/completions",
        "CompletionChunk",
        "ChatCompletionResponse",
        lambda: sse_body(chat_chunks()),
    ),
    Chat(
        "together.yaml",
        "/chat/completions",
        "ChatCompletionChunk",
        "ChatCompletionResponse",
        lambda: sse_body(chat_chunks(full=True)),
    ),
    Chat(
        "openrouter.yaml",
        "/chat/completions",
        "ChatStreamChunk",
        "ChatResult",
        lambda: sse_body(chat_chunks()),
    ),
    Chat(
        "tgi.json",
        "/v1/chat/completions",
        "ChatCompletionChunk",
        "ChatCompletion",
        lambda: sse_body(chat_chunks(full=True)),
    ),
    Chat(
        "openai-openapi.yaml",
        "/chat/completions",
        "CreateChatCompletionStreamResponse",
        "CreateChatCompletionResponse",
        lambda: sse_body(chat_chunks()),
    ),
]
ASYNC = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
_loaded: dict[str, ModuleType] = {}


def package(real_packages: RealPackages, spec: str) -> ModuleType:
    if spec not in _loaded:
        _loaded[spec] = load_package(real_packages.path(spec))
    return _loaded[spec]


def client(pkg: ModuleType, server: LocalServer, is_async: bool) -> Any:
    """The package's (async) client on ``server``, every credential given."""
    names = [n for n in pkg.__all__ if isinstance(getattr(pkg, n), type)]
    base = pkg._runtime.AsyncAPIClient if is_async else pkg._runtime.SyncAPIClient
    (cls,) = [
        getattr(pkg, n)
        for n in names
        if issubclass(getattr(pkg, n), base) and getattr(pkg, n) is not base
    ]
    params = inspect.signature(cls).parameters
    credentials = {n: "k" for n in params if n not in _OPTIONS}
    return cls(**credentials, base_url=server.url, max_retries=0)


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


MESSAGES = [{"role": "user", "content": "Hi"}]


@ASYNC
@pytest.mark.parametrize("chat", CHATS, ids=lambda c: c.spec)
async def test_a_streamed_chat_yields_typed_chunks_and_folds(
    real_packages: RealPackages, server: LocalServer, chat: Chat, is_async: bool
) -> None:
    pkg = package(real_packages, chat.spec)
    server.route("POST", chat.path, chat.reply())
    create = method_for(client(pkg, server, is_async), "POST", chat.path)
    stream = await call(create, model="m", messages=MESSAGES, stream=True)
    chunks = await chunks_of(stream)
    assert {type(c).__name__ for c in chunks} == {chat.chunk}
    text = "".join(
        getattr(c.choices[0].delta, "content", None) or "" for c in chunks if c.choices
    )
    assert text == "Hello"
    assert server.requests[-1].json()["stream"] is True

    stream = await call(create, model="m", messages=MESSAGES, stream=True)
    final = await final_of(stream)
    assert type(final).__name__ == chat.final
    check_chat(final, chat.tool)


@ASYNC
async def test_ollama_chat_answers_once_unless_asked_to_stream(
    real_packages: RealPackages, server: LocalServer, is_async: bool
) -> None:
    """Ollama streams by default: the plain call sends ``"stream": false``."""
    pkg = package(real_packages, "ollama.yaml")
    api = client(pkg, server, is_async)
    chat = method_for(api, "POST", "/api/chat")

    server.route("POST", "/api/chat", json_reply(line_response()))
    answer = await call(chat, model="m", messages=MESSAGES)
    assert type(answer).__name__ == "ChatResponse"
    assert answer.message.content == "Hello"
    assert server.requests[-1].json()["stream"] is False

    server.route("POST", "/api/chat", lines_body(line_chunks()))
    chunks = await chunks_of(
        await call(chat, model="m", messages=MESSAGES, stream=True)
    )
    assert server.requests[-1].json()["stream"] is True
    assert [type(c).__name__ for c in chunks] == ["ChatStreamEvent"] * 3
    assert "".join(c.message.content for c in chunks) == "Hello"
    assert chunks[-1].done is True

    stream = await call(chat, model="m", messages=MESSAGES, stream=True)
    final = await final_of(stream)
    assert type(final).__name__ == "ChatResponse"
    assert (final.message.content, final.done, final.done_reason) == (
        "Hello",
        True,
        "stop",
    )


def test_ollama_generate_streams_its_response_text(
    real_packages: RealPackages, server: LocalServer
) -> None:
    pkg = package(real_packages, "ollama.yaml")
    generate = method_for(client(pkg, server, False), "POST", "/api/generate")
    pieces = [
        {"model": "m", "response": "Hel", "done": False},
        {"model": "m", "response": "lo", "done": True, "done_reason": "stop"},
    ]
    server.route("POST", "/api/generate", lines_body(pieces))
    with generate(model="m", prompt="Hi", stream=True) as stream:
        assert list(stream.text_stream) == ["Hel", "lo"]
        final = stream.get_final_response()
    assert type(final).__name__ == "GenerateResponse"
    assert (final.response, final.done) == ("Hello", True)


def test_a_together_stream_without_its_terminator_broke_off(
    real_packages: RealPackages, server: LocalServer
) -> None:
    """Together's spec names [DONE] (a oneOf member): a stream that ends without it was cut."""
    pkg = package(real_packages, "together.yaml")
    create = method_for(client(pkg, server, False), "POST", "/chat/completions")
    server.route("POST", "/chat/completions", sse_body(chat_chunks(), done=None))
    with pytest.raises(pkg.APIConnectionError, match="without its terminator"):
        list(create(model="m", messages=MESSAGES, stream=True))


def test_mistral_conversation_events_are_typed_by_their_data(
    real_packages: RealPackages, server: LocalServer
) -> None:
    """Mistral's ``#stream`` variant: an envelope whose data is a union of events."""
    pkg = package(real_packages, "mistral.yaml")
    # POST /v1/conversations#stream: the fragment names a variant, never sent.
    start = client(pkg, server, False).beta.conversations.start_stream
    assert "stream" not in inspect.signature(start).parameters
    events = [
        (
            "message.output.delta",
            {
                "type": "message.output.delta",
                "output_index": 0,
                "id": "msg_1",
                "content_index": 0,
                "content": text,
            },
        )
        for text in ("Hel", "lo")
    ]
    server.route("POST", "/v1/conversations", sse_body(events, done=None))
    with start(inputs="Hi") as stream:
        chunks = list(stream)
    assert [type(c).__name__ for c in chunks] == ["MessageOutputEvent"] * 2
    assert "".join(c.content for c in chunks) == "Hello"
    assert server.requests[-1].json()["stream"] is True

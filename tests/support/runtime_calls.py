"""Every operation of every committed package, as data the runtime tests share.

A :class:`Call` knows how to invoke one operation on a sync or async client,
which request the server should see, and a reply body that parses into the
operation's type. Streaming operations also know how to build chunks and how
to read the text back out of a parsed chunk.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.server import LocalServer, Reply, json_reply, sse_reply

#: Long and distinctive, so a leak is easy to find in any text.
API_KEY = "sk-test-SECRET-4f1c9a7e2b5d8c3a"

CLIENTS = {
    "pienteger": ("Pienteger", "AsyncPienteger", "PIENTEGER_API_KEY"),
    "prime_intellect": ("PrimeIntellect", "AsyncPrimeIntellect", "PRIME_API_KEY"),
    "openai_api": ("OpenAI", "AsyncOpenAI", "OPENAI_API_KEY"),
    "peakprivacy": ("PeakPrivacy", "AsyncPeakPrivacy", "PEAKPRIVACY_API_TOKEN"),
}

MODEL = {"id": "m-1", "object": "model", "created": 1, "owned_by": "acme"}
MODEL_LIST = {"object": "list", "data": [MODEL]}
COMPLETION = {
    "id": "cmpl-1",
    "object": "text_completion",
    "created": 1,
    "model": "m-1",
    "choices": [
        {"text": "Hi there", "index": 0, "finish_reason": "stop", "logprobs": None}
    ],
}
CHAT = {
    "id": "chat-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m-1",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hi there"},
            "finish_reason": "stop",
        }
    ],
}
MESSAGES = [{"role": "user", "content": "Say hi"}]


def completion_chunk(text: str) -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": "m-1",
        "choices": [
            {"text": text, "index": 0, "finish_reason": None, "logprobs": None}
        ],
    }


def chat_chunk(text: str) -> dict[str, Any]:
    return {
        "id": "chat-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m-1",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }


def completion_text(chunk: Any) -> str:
    return "".join(choice.text for choice in chunk.choices)


def chat_text(chunk: Any) -> str:
    return "".join(choice.delta.content or "" for choice in chunk.choices)


@dataclass(frozen=True)
class Call:
    """One operation of one package."""

    package: str
    operation: (
        str  # dotted attribute path on the client, e.g. "chat.completions.create"
    )
    method: str
    path: str  # what the server sees (the client's base_url is the server's root)
    reply: dict[str, Any]
    result_type: str  # name of the type the result parses into
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    chunk: Callable[[str], dict[str, Any]] | None = None  # streaming operations only
    text: Callable[[Any], str] | None = None

    @property
    def id(self) -> str:
        return f"{self.package}.{self.operation}"

    @property
    def streams(self) -> bool:
        return self.chunk is not None

    def invoke(self, client: Any, **options: Any) -> Any:
        """Call the operation (a coroutine for an async client)."""
        target = client
        for part in self.operation.split("."):
            target = getattr(target, part)
        return target(*self.args, **self.kwargs, **options)

    def sse(self, pieces: list[str], **kw: Any) -> Reply:
        """A streamed reply whose chunks carry ``pieces`` of text, then the terminator."""
        assert self.chunk is not None
        return sse_reply([self.chunk(p) for p in pieces], **kw)

    def route(self, server: LocalServer, *replies: Any) -> None:
        server.route(self.method, self.path, *replies)


CALLS = [
    Call("pienteger", "models.list", "GET", "/getmodels", MODEL_LIST, "ModelList"),
    Call(
        "pienteger", "models.retrieve", "GET", "/models/m-1", MODEL, "Model", ("m-1",)
    ),
    Call(
        "pienteger",
        "completions.create",
        "POST",
        "/completions",
        COMPLETION,
        "Completion",
        kwargs={"model": "m-1", "prompt": "Say hi"},
        chunk=completion_chunk,
        text=completion_text,
    ),
    Call("prime_intellect", "models.list", "GET", "/models", MODEL_LIST, "ModelList"),
    Call(
        "prime_intellect",
        "models.retrieve",
        "GET",
        "/models/meta-llama/llama-3.1-70b-instruct",
        MODEL,
        "Model",
        ("meta-llama/llama-3.1-70b-instruct",),
    ),
    Call(
        "prime_intellect",
        "chat.completions.create",
        "POST",
        "/chat/completions",
        CHAT,
        "ChatCompletion",
        kwargs={"model": "m-1", "messages": MESSAGES},
        chunk=chat_chunk,
        text=chat_text,
    ),
    Call("openai_api", "models.list", "GET", "/models", MODEL_LIST, "ModelList"),
    Call(
        "openai_api", "models.retrieve", "GET", "/models/m-1", MODEL, "Model", ("m-1",)
    ),
    Call(
        "openai_api",
        "completions.create",
        "POST",
        "/completions",
        COMPLETION,
        "Completion",
        kwargs={"model": "m-1", "prompt": "Say hi"},
        chunk=completion_chunk,
        text=completion_text,
    ),
    Call(
        "openai_api",
        "chat.completions.create",
        "POST",
        "/chat/completions",
        CHAT,
        "ChatCompletion",
        kwargs={"model": "m-1", "messages": MESSAGES},
        chunk=chat_chunk,
        text=chat_text,
    ),
    Call("peakprivacy", "models.list", "GET", "/ai/models", MODEL_LIST, "ModelList"),
    Call(
        "peakprivacy",
        "chat.completions.create",
        "POST",
        "/ai/completions",
        CHAT,
        "ChatCompletion",
        kwargs={"model": "m-1", "messages": MESSAGES},
        chunk=chat_chunk,
        text=chat_text,
    ),
]
STREAMING_CALLS = [c for c in CALLS if c.streams]


def package(name: str) -> Any:
    return importlib.import_module(name)


def make_client(
    call_or_package: Call | str, url: str, *, is_async: bool = False, **kw: Any
) -> Any:
    """A client of the package pointed at ``url``, with :data:`API_KEY` unless told otherwise."""
    name = (
        call_or_package.package
        if isinstance(call_or_package, Call)
        else call_or_package
    )
    sync_cls, async_cls, _ = CLIENTS[name]
    cls = getattr(package(name), async_cls if is_async else sync_cls)
    kw.setdefault("api_key", API_KEY)
    return cls(base_url=url, **kw)


def ok(call: Call) -> Reply:
    return json_reply(call.reply)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes (no timing is asserted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def sleep_recorder(monkeypatch: pytest.MonkeyPatch, name: str) -> list[float]:
    """Record (and skip) every backoff sleep of package ``name``'s runtime, sync and async."""
    slept: list[float] = []
    base = importlib.import_module(f"{name}._runtime._base")
    lock = threading.Lock()

    def fake_sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        fake_sleep(seconds)

    monkeypatch.setattr(base, "_sleep", fake_sleep)
    monkeypatch.setattr(base, "_async_sleep", fake_async_sleep)
    return slept

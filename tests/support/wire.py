"""What providers send when they stream a chat answer, as loopback server replies.

The same answer in each wire format: the text "Hel" + "lo", then (for
chats that call tools) a tool call whose arguments arrive in two fragments,
then usage. ``check_chat`` tells whether an answer folded from it is whole.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.support.server import Reply
from tests.support.streams import json_seq, ndjson, sse

USAGE = {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21}


def chat_chunk(
    delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    """An OpenAI-style chat completion chunk."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1718000000,
        "model": "m-1",
        "system_fingerprint": "fp-1",
        "choices": [
            {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        ],
        **extra,
    }


def chat_chunks(tool: bool = True, full: bool = False) -> list[dict[str, Any]]:
    """Text "Hel" + "lo", optionally a tool call in fragments, then usage.

    ``full``: every delta carries the role and every tool-call fragment its id,
    type and name again, as TGI's schema requires (they are kept, not joined).
    """
    role = {"role": "assistant"} if full else {}
    chunks = [
        chat_chunk({"role": "assistant", "content": ""}),
        chat_chunk({**role, "content": "Hel"}),
        chat_chunk({**role, "content": "lo"}),
    ]
    if tool:
        first = {"id": "call_1", "type": "function"}
        for n, args in enumerate(["", '{"ci', 'ty": "Bern"}']):
            call: dict[str, Any] = {"index": 0, "function": {"arguments": args}}
            if n == 0 or full:
                call.update(first)
                call["function"]["name"] = "weather"
            chunks.append(chat_chunk({**role, "tool_calls": [call]}))
    chunks.append(chat_chunk({**role}, "tool_calls" if tool else "stop"))
    chunks.append({**chat_chunk({}), "choices": [], "usage": USAGE})
    return chunks


def chat_completion(content: str = "Hello") -> dict[str, Any]:
    """The non-streaming answer, as a JSON body."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1718000000,
        "model": "m-1",
        "system_fingerprint": "fp-1",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": USAGE,
    }


def check_chat(final: Any, tool: bool = True) -> None:
    """``final`` is the answer folded from :func:`chat_chunks`, whole."""
    assert final.id == "chatcmpl-1" and final.model == "m-1"
    (choice,) = final.choices
    assert choice.index == 0
    assert choice.finish_reason == ("tool_calls" if tool else "stop")
    assert choice.message.content == "Hello"
    if tool:
        (call,) = choice.message.tool_calls
        assert (call.id, call.function.name) == ("call_1", "weather")
        assert call.function.arguments == '{"city": "Bern"}'
    assert final.usage.total_tokens == 21


def sse_body(
    events: Sequence[Any], done: str | None = "[DONE]", split: int = 7
) -> Reply:
    """Server-sent events (``(name, data)`` pairs are named events), in pieces of ``split`` bytes."""
    return _chunked(sse(events, done), "text/event-stream", split)


def lines_body(
    items: Sequence[Any], content_type: str = "application/x-ndjson", split: int = 7
) -> Reply:
    """JSON Lines (or, for ``application/json-seq``, RS-separated records)."""
    raw = json_seq(items) if content_type == "application/json-seq" else ndjson(items)
    return _chunked(raw, content_type, split)


def _chunked(raw: bytes, content_type: str, split: int) -> Reply:
    return Reply(
        200,
        headers={"Content-Type": content_type},
        chunks=[raw[i : i + split] for i in range(0, len(raw), split)],
    )


def line_chunks(done_fields: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """An Ollama-style chat: "Hel", "lo", then the last line with ``done: true``."""
    base = {"model": "m-1", "created_at": "2025-10-17T23:14:07.414671Z"}
    return [
        {**base, "message": {"role": "assistant", "content": "Hel"}, "done": False},
        {**base, "message": {"role": "assistant", "content": "lo"}, "done": False},
        {
            **base,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "eval_count": 2,
            **(done_fields or {}),
        },
    ]


def line_response() -> dict[str, Any]:
    """The non-streaming answer to an Ollama-style chat."""
    return {
        "model": "m-1",
        "created_at": "2025-10-17T23:14:07.414671Z",
        "message": {"role": "assistant", "content": "Hello"},
        "done": True,
        "done_reason": "stop",
        "eval_count": 2,
    }


def messages_events() -> list[tuple[str, Any]]:
    """A messages-style stream of named events: text "Hel" + "lo", then a tool use."""
    return [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "stop_reason": None,
                    "usage": {"input_tokens": 9, "output_tokens": 1},
                },
            },
        ),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        ("ping", {"type": "ping"}),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "Hel"},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "lo"},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "weather",
                    "input": {},
                },
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": '{"ci'},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": 'ty": "Bern"}'},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 1}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use"},
                "usage": {"output_tokens": 15},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]


def request_json(body: bytes) -> Any:
    return json.loads(body)

"""Every streaming operation of the four committed packages folds into its non-streaming answer.

The fold rules are derived by the generator from each spec's chunk and
response schemas (nothing is declared in specs/): on loopback, a stream of
"Hel", "lo" becomes the operation's answer type with the text "Hello", and
an OpenAI chat with text and a tool call becomes a ``ChatCompletion`` whose
``message.content`` and ``tool_calls[0].function.arguments`` are whole.
Sync and async.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from tests.support.runtime_calls import STREAMING_CALLS, Call, make_client
from tests.support.server import LocalServer
from tests.support.wire import chat_chunks, check_chat, sse_body

ASYNC = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def answer_text(final: Any) -> str:
    (choice,) = final.choices
    message = getattr(choice, "message", None)
    return str(message.content if message is not None else choice.text)


@ASYNC
@pytest.mark.parametrize("call", STREAMING_CALLS, ids=[c.id for c in STREAMING_CALLS])
async def test_each_streaming_operation_folds_into_its_answer(
    server: LocalServer, call: Call, is_async: bool
) -> None:
    call.route(server, call.sse(["Hel", "lo"]))
    client = make_client(call, server.url, is_async=is_async)
    stream = await resolve(call.invoke(client, stream=True))
    texts = stream.text_stream
    if is_async:
        assert [t async for t in texts] == ["Hel", "lo"]
    else:
        assert list(texts) == ["Hel", "lo"]
    final = await resolve(stream.get_final_response())
    assert type(final).__name__ == call.result_type
    assert answer_text(final) == "Hello"
    assert final.id == call.reply["id"] and final.model == "m-1"


@ASYNC
async def test_an_openai_chat_with_text_and_a_tool_call_folds_whole(
    server: LocalServer, is_async: bool
) -> None:
    server.route("POST", "/chat/completions", sse_body(chat_chunks()))
    client = make_client("openai_api", server.url, is_async=is_async)
    stream = await resolve(
        client.chat.completions.create(
            model="m-1", messages=[{"role": "user", "content": "Hi"}], stream=True
        )
    )
    final = await resolve(stream.get_final_response())
    assert type(final).__name__ == "ChatCompletion"
    check_chat(final)
    assert final.object == "chat.completion"
    assert final.choices[0].message.role == "assistant"

"""The tolerant reader, every operation of every package, sync and async, on loopback.

A 2xx body with a field of the wrong type comes back as its type, that field
kept as sent, and one WARNING names the operation and the field's JSON
pointer; ``strict_response_validation=True`` (constructor or
``with_options``) raises instead.
"""

from __future__ import annotations

import copy
import importlib
import logging
import re
from typing import Any

import pytest

from tests.support.runtime_calls import CALLS, Call, make_client, package
from tests.support.server import LocalServer, Reply, json_reply


def drifted(call: Call) -> tuple[dict[str, Any], str]:
    """The call's reply with one field of the wrong type, and that field's JSON pointer."""
    body = copy.deepcopy(call.reply)
    if "data" in body:
        body["data"][0]["id"] = 12345
        pointer = "/data/0/id"
    else:
        body["id"] = 12345
        pointer = "/id"
    return body, pointer


def warnings_of(caplog: pytest.LogCaptureFixture, package_name: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == package_name and r.levelno == logging.WARNING
    ]


async def invoke(client: Any, call: Call, is_async: bool) -> Any:
    result = call.invoke(client)
    return await result if is_async else result


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("call", CALLS, ids=[c.id for c in CALLS])
async def test_a_drifted_field_is_kept_and_reported_once(
    server: LocalServer,
    caplog: pytest.LogCaptureFixture,
    call: Call,
    is_async: bool,
) -> None:
    body, pointer = drifted(call)
    call.route(server, json_reply(body))
    client = make_client(call, server.url, is_async=is_async)
    caplog.set_level(logging.WARNING, logger=call.package)
    try:
        first = await invoke(client, call, is_async)
        second = await invoke(client, call, is_async)
        strict = client.with_options(strict_response_validation=True)
        with pytest.raises(package(call.package).APIResponseValidationError):
            await invoke(strict, call, is_async)
    finally:
        await client.close() if is_async else client.close()
    assert type(first).__name__ == call.result_type
    dumped = first.model_dump(
        mode="json", by_alias=True, exclude_unset=True, warnings=False
    )
    assert dumped == body
    holder = first.data[0] if "data" in body else first
    assert holder.id == 12345  # kept as sent
    assert second == first
    messages = warnings_of(caplog, call.package)
    assert len(messages) == 1, messages  # once, though read twice
    assert re.match(
        rf"{call.method} /\S*: the response does not fit {call.result_type} at ",
        messages[0],
    )
    assert f" at {pointer}: expected str, got a number; kept as sent" in messages[0]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_strict_response_validation_in_the_constructor(
    server: LocalServer, is_async: bool
) -> None:
    call = next(c for c in CALLS if c.id == "prime_intellect.models.list")
    call.route(server, json_reply(drifted(call)[0]))
    client = make_client(
        call, server.url, is_async=is_async, strict_response_validation=True
    )
    error = package(call.package).APIResponseValidationError
    try:
        with pytest.raises(error, match=r"(?s)does not match ModelList.*data\.0\.id"):
            await invoke(client, call, is_async)
        lenient = client.with_options(strict_response_validation=False)
        assert (await invoke(lenient, call, is_async)).data[0].id == 12345
    finally:
        await client.close() if is_async else client.close()


def test_nested_models_unions_and_missing_fields(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Deep in a chat completion: a new enum-like value, a number for text, a missing field."""
    call = next(c for c in CALLS if c.id == "openai_api.chat.completions.create")
    body = copy.deepcopy(call.reply)
    body["choices"][0]["message"]["content"] = 42
    body["choices"][0]["message"]["role"] = "narrator"
    del body["model"]
    body["usage"] = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    call.route(server, json_reply(body))
    caplog.set_level(logging.WARNING, logger="openai_api")
    with make_client(call, server.url) as client:
        result = call.invoke(client)
    assert type(result.choices[0].message).__name__ == "ChatCompletionMessage"
    assert result.choices[0].message.content == 42
    assert result.choices[0].message.role == "narrator"
    assert result.model is None and "model" not in result.model_fields_set
    assert type(result.usage).__name__ == "CompletionUsage"  # what fits is typed
    assert result.usage.total_tokens == 3
    text = "\n".join(warnings_of(caplog, "openai_api"))
    assert "at /choices/0/message/content: expected " in text
    assert (
        "at /choices/0/message/role: expected Literal['assistant'], got 'narrator'"
        in (text)
    )
    assert "at /model: the required str is missing" in text


def test_a_body_that_is_not_json_still_raises(server: LocalServer) -> None:
    call = next(c for c in CALLS if c.id == "pienteger.models.list")
    call.route(
        server, Reply(200, b"<html>oops</html>", {"Content-Type": "application/json"})
    )
    with (
        make_client(call, server.url) as client,
        pytest.raises(package("pienteger").APIResponseValidationError),
    ):
        call.invoke(client)


def test_tolerant_value_for_streams(caplog: pytest.LogCaptureFixture) -> None:
    """The function stream chunks use: parsed JSON in, the type out; each field reported once."""
    tolerant_value = importlib.import_module(
        "openai_api._runtime._tolerant"
    ).tolerant_value
    chunk_type = package("openai_api").types.ChatCompletionChunk
    seen: set[tuple[str, str, str]] = set()
    caplog.set_level(logging.WARNING, logger="openai_api")
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": "zero", "delta": {"content": "hi"}}],
    }
    for _ in range(3):
        item = tolerant_value(
            chunk_type, chunk, where="POST /chat/completions", seen=seen
        )
        assert type(item) is chunk_type
        assert item.choices[0].index == "zero"
        assert item.choices[0].delta.content == "hi"
    assert len(seen) == 1
    assert "/choices/0/index" in caplog.text

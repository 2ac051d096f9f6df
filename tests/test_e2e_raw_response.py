"""Raw responses, every operation of every package, sync and async, on loopback.

``with_raw_response`` gives the HTTP response (headers, status, request id)
with the call's result a ``parse()`` away; ``with_streaming_response`` gives
the same as a context manager whose body is read only when asked. Non-2xx
answers still raise, carrying the request id. The static types are checked
with mypy's ``reveal_type``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime import (
    ApiInfo,
    AsyncAPIClient,
    NotFoundError,
    Operation,
    Result,
    SyncAPIClient,
)
from tests.support.mypy_check import mypy_strict
from tests.support.packages import GENERATED
from tests.support.runtime_calls import (
    CALLS,
    STREAMING_CALLS,
    Call,
    make_client,
    package,
    sleep_recorder,
)
from tests.support.server import LocalServer, json_reply

HEADERS = {"x-request-id": "req-123", "x-ratelimit-remaining-requests": "99"}
TEXT = ["The ", "quick ", "fox"]


def wrapped(client: Any, call: Call, view: str) -> Any:
    """The operation's method as seen through ``view`` (``with_raw_response``...)."""
    *parents, name = call.operation.split(".")
    target = client
    for part in parents:
        target = getattr(target, part)
    return getattr(getattr(target, view), name)


def invoke(client: Any, call: Call, view: str, **options: Any) -> Any:
    return wrapped(client, call, view)(*call.args, **call.kwargs, **options)


def check_parsed(call: Call, result: Any) -> None:
    assert type(result).__name__ == call.result_type
    assert result.model_dump(mode="json", by_alias=True, exclude_unset=True) == (
        call.reply
    )


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("call", CALLS, ids=[c.id for c in CALLS])
async def test_with_raw_response(
    server: LocalServer, call: Call, is_async: bool
) -> None:
    call.route(server, json_reply(call.reply, headers=HEADERS))
    client = make_client(call, server.url, is_async=is_async)
    pkg = package(call.package)
    if is_async:
        async with client:
            raw = await invoke(client, call, "with_raw_response")
    else:
        with client:
            raw = invoke(client, call, "with_raw_response")
    assert isinstance(raw, pkg.APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-ratelimit-remaining-requests"] == "99"
    assert raw.request_id == "req-123"
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.retries_taken == 0
    assert raw.json() == call.reply
    parsed = raw.parse()
    check_parsed(call, parsed)
    assert raw.parse() is parsed
    assert len(server.requests) == 1
    assert (server.requests[0].method, server.requests[0].path) == (
        call.method,
        call.path,
    )


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("call", CALLS, ids=[c.id for c in CALLS])
async def test_with_streaming_response_reads_the_body_when_asked(
    server: LocalServer, call: Call, is_async: bool
) -> None:
    call.route(server, json_reply(call.reply, headers=HEADERS))
    client = make_client(call, server.url, is_async=is_async)
    pkg = package(call.package)
    if is_async:
        async with (
            client,
            invoke(client, call, "with_streaming_response") as response,
        ):
            assert isinstance(response, pkg.AsyncAPIResponse)
            assert not response.http_response.is_stream_consumed
            assert response.request_id == "req-123"
            parsed = await response.parse()
    else:
        with (
            client,
            invoke(client, call, "with_streaming_response") as response,
        ):
            assert isinstance(response, pkg.APIResponse)
            assert not response.http_response.is_stream_consumed
            assert response.headers["x-ratelimit-remaining-requests"] == "99"
            parsed = response.parse()
    check_parsed(call, parsed)
    assert response.is_closed


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("view", ["with_raw_response", "with_streaming_response"])
@pytest.mark.parametrize("call", STREAMING_CALLS, ids=[c.id for c in STREAMING_CALLS])
async def test_a_streamed_call_parses_into_a_stream(
    server: LocalServer, call: Call, view: str, is_async: bool
) -> None:
    reply = call.sse(TEXT)
    reply.headers["x-request-id"] = "req-stream"
    call.route(server, reply)
    client = make_client(call, server.url, is_async=is_async)
    pkg = package(call.package)
    assert call.text is not None
    if is_async:
        async with client:
            if view == "with_raw_response":
                raw = await invoke(client, call, view, stream=True)
                stream = raw.parse()
            else:
                async with invoke(client, call, view, stream=True) as raw:
                    stream = await raw.parse()
                    assert isinstance(stream, pkg.AsyncStream)
                    texts = [call.text(c) async for c in stream]
            if view == "with_raw_response":
                assert isinstance(stream, pkg.AsyncStream)
                async with stream:
                    texts = [call.text(c) async for c in stream]
    else:
        with client:
            if view == "with_raw_response":
                raw = invoke(client, call, view, stream=True)
                stream = raw.parse()
                assert isinstance(stream, pkg.Stream)
                with stream:
                    texts = [call.text(c) for c in stream]
            else:
                with invoke(client, call, view, stream=True) as raw:
                    stream = raw.parse()
                    assert isinstance(stream, pkg.Stream)
                    texts = [call.text(c) for c in stream]
    assert texts == TEXT
    assert raw.request_id == "req-stream"
    assert server.requests[0].json()["stream"] is True


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_retries_are_counted_and_errors_still_raise(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, is_async: bool
) -> None:
    call = next(c for c in CALLS if c.id == "openai_api.models.retrieve")
    slept = sleep_recorder(monkeypatch, call.package)
    pkg = package(call.package)
    call.route(
        server,
        json_reply({"error": {"message": "slow down"}}, 429, {"Retry-After": "1"}),
        json_reply(call.reply, headers=HEADERS),
        json_reply({"error": {"message": "no such model"}}, 404, {"request-id": "r-9"}),
    )
    client = make_client(call, server.url, is_async=is_async)
    if is_async:
        async with client:
            raw = await invoke(client, call, "with_raw_response")
            with pytest.raises(pkg.NotFoundError) as info:
                async with invoke(client, call, "with_streaming_response"):
                    pass
    else:
        with client:
            raw = invoke(client, call, "with_raw_response")
            with (
                pytest.raises(pkg.NotFoundError) as info,
                invoke(client, call, "with_streaming_response"),
            ):
                pass
    assert raw.retries_taken == 1 and slept == [1.0]
    assert info.value.request_id == "r-9"
    assert info.value.status_code == 404


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_request_id_header_named_by_the_spec(
    server: LocalServer, is_async: bool
) -> None:
    """ApiInfo carries the header the spec declares; the usual ones still count."""
    api = ApiInfo("Demo", server.url, (), {}, (), "demo/1", request_id_header="CF-Ray")
    assert api.request_id_headers == ("cf-ray", "x-request-id", "request-id")
    op = Operation("GET", "/thing", Result("json", dict))
    server.route(
        "GET",
        "/thing",
        json_reply({"error": "gone"}, 404, {"cf-ray": "ray-1", "x-request-id": "x"}),
        json_reply({"ok": True}, 200, {"cf-ray": "ray-2"}),
        json_reply({"ok": True}, 200, {"request-id": "plain"}),
    )
    options: dict[str, Any] = {
        "base_url": None,
        "timeout": 5.0,
        "max_retries": 0,
        "default_headers": None,
    }
    if is_async:
        aclient = AsyncAPIClient(api, {}, http_client=None, **options)
        with pytest.raises(NotFoundError) as info:
            await aclient._request(op)
        second = await aclient._request(op, response_mode="raw")
        third = await aclient._request(op, response_mode="raw")
        await aclient.close()
    else:
        client = SyncAPIClient(api, {}, http_client=None, **options)
        with pytest.raises(NotFoundError) as info:
            client._request(op)
        second = client._request(op, response_mode="raw")
        third = client._request(op, response_mode="raw")
        client.close()
    assert info.value.request_id == "ray-1"
    assert (second.request_id, third.request_id) == ("ray-2", "plain")
    assert second.parse() == {"ok": True}


def test_plain_errors_carry_the_request_id(server: LocalServer) -> None:
    call = next(c for c in CALLS if c.id == "pienteger.models.list")
    call.route(server, json_reply({"error": "nope"}, 404, {"x-request-id": "abc"}))
    with (
        make_client(call, server.url) as client,
        pytest.raises(package(call.package).NotFoundError) as info,
    ):
        call.invoke(client)
    assert info.value.request_id == "abc"


REVEAL = """
from openai_api import AsyncOpenAI, OpenAI

client = OpenAI(api_key="k")
raw = client.models.with_raw_response.list()
reveal_type(raw)
reveal_type(raw.parse())
reveal_type(client.chat.completions.with_raw_response.create(model="m", messages=[], stream=True).parse())
reveal_type(client.chat.with_raw_response.completions.create(model="m", messages=[]).parse())
with client.models.with_streaming_response.retrieve("m") as response:
    reveal_type(response.parse())


async def main() -> None:
    aclient = AsyncOpenAI(api_key="k")
    araw = await aclient.models.with_raw_response.retrieve("m")
    reveal_type(araw.parse())
    async with aclient.chat.completions.with_streaming_response.create(
        model="m", messages=[], stream=True
    ) as aresponse:
        reveal_type(aresponse)
        reveal_type(await aresponse.parse())
"""

EXPECTED = [
    "openai_api._runtime._response.APIResponse[openai_api.types.model_list.ModelList]",
    "openai_api.types.model_list.ModelList",
    "openai_api._runtime.streaming.Stream[openai_api.types.chat_completion_chunk.ChatCompletionChunk, openai_api.types.chat_completion.ChatCompletion]",
    "openai_api.types.chat_completion.ChatCompletion",
    "openai_api.types.model.Model",
    "openai_api.types.model.Model",
    "openai_api._runtime._response.AsyncAPIResponse[openai_api._runtime.streaming.AsyncStream[openai_api.types.chat_completion_chunk.ChatCompletionChunk, openai_api.types.chat_completion.ChatCompletion]]",
    "openai_api._runtime.streaming.AsyncStream[openai_api.types.chat_completion_chunk.ChatCompletionChunk, openai_api.types.chat_completion.ChatCompletion]",
]


def test_raw_response_types(tmp_path: Path) -> None:
    """A type checker sees what each wrapper returns, overloads included."""
    user = tmp_path / "project"
    user.mkdir()
    (user / "use_raw.py").write_text(REVEAL, encoding="utf-8")
    (user / "openai_api").symlink_to(GENERATED / "openai_api")
    result = mypy_strict(["use_raw.py"], user, tmp_path / "cache")
    revealed = re.findall(r'Revealed type is "([^"]+)"', result.stdout)
    assert revealed == EXPECTED, result.stdout
    assert "error" not in result.stdout, result.stdout

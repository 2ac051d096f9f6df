"""The API key never shows: not in reprs, not in exception messages or tracebacks, not in logs."""

from __future__ import annotations

import json
import logging
import traceback

import pytest

from tests.support.runtime_calls import (
    API_KEY,
    CALLS,
    CLIENTS,
    STREAMING_CALLS,
    Call,
    chat_chunk,
    make_client,
    package,
    sleep_recorder,
)
from tests.support.server import LocalServer, Recorded, Reply, json_reply, text_reply

MODELS = {c.package: c for c in CALLS if c.operation == "models.list"}


def leaks(text: str) -> bool:
    return API_KEY in text


def echo_key(status: int):
    """A server that quotes the key it was sent back in its error (some do)."""

    def reply(request: Recorded) -> Reply:
        sent = " ".join(request.headers.values())
        return json_reply(
            {
                "error": {
                    "message": f"Incorrect API key provided: {sent}",
                    "key": API_KEY,
                }
            },
            status,
        )

    return reply


def full_text(exc: BaseException) -> str:
    """Everything a traceback would print, chained exceptions included."""
    return (
        str(exc)
        + repr(exc)
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )


@pytest.mark.parametrize("package_name", sorted(CLIENTS))
async def test_repr_of_clients(package_name: str) -> None:
    sync_client = make_client(package_name, "http://127.0.0.1:1")
    async_client = make_client(package_name, "http://127.0.0.1:1", is_async=True)
    for client in (sync_client, async_client, sync_client.with_options(max_retries=1)):
        assert not leaks(repr(client)) and not leaks(str(client))
        assert repr(client) == f"{type(client).__name__}(base_url='http://127.0.0.1:1')"
        assert not leaks(repr(client.models))
    sync_client.close()
    await async_client.close()


@pytest.mark.parametrize("status", [400, 401, 403, 500])
@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
def test_key_echoed_in_an_error_body(
    server: LocalServer, call: Call, status: int
) -> None:
    call.route(server, echo_key(status))
    pkg = package(call.package)
    with (
        make_client(call, server.url, max_retries=0) as client,
        pytest.raises(pkg.APIStatusError) as info,
    ):
        call.invoke(client)
    assert "Incorrect API key provided" in str(info.value)
    assert "[REDACTED]" in str(info.value)
    assert not leaks(full_text(info.value))


@pytest.mark.parametrize("call", STREAMING_CALLS, ids=lambda c: c.id)
async def test_key_echoed_inside_a_stream(server: LocalServer, call: Call) -> None:
    pkg = package(call.package)
    frames = [
        f"event: error\ndata: {json.dumps({'error': {'message': 'bad key ' + API_KEY}})}\n\n",
        f"data: {json.dumps({'error': 'bad key ' + API_KEY})}\n\n",
        f"data: not json {API_KEY}\n\n",
        f"data: {json.dumps({**chat_chunk('x'), 'choices': API_KEY})}\n\n",
    ]
    for frame in frames:
        call.route(
            server,
            Reply(
                200,
                headers={"Content-Type": "text/event-stream"},
                chunks=[frame.encode()],
            ),
        )
        async with make_client(
            call, server.url, is_async=True, strict_response_validation=True
        ) as client:
            with pytest.raises(pkg.APIError) as info:
                async for _ in await call.invoke(client, stream=True):
                    pass
        assert "[REDACTED]" in str(info.value), str(info.value)
        assert not leaks(full_text(info.value)), frame


@pytest.mark.parametrize("call", STREAMING_CALLS, ids=lambda c: c.id)
async def test_key_echoed_in_a_drifted_chunk_stays_out_of_the_log(
    server: LocalServer, call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    frame = f"data: {json.dumps({**chat_chunk('x'), 'choices': API_KEY})}\n\n"
    call.route(
        server,
        Reply(
            200,
            headers={"Content-Type": "text/event-stream"},
            chunks=[frame.encode(), b"data: [DONE]\n\n"],
        ),
    )
    caplog.set_level(logging.DEBUG)
    async with make_client(call, server.url, is_async=True) as client:
        chunks = [c async for c in await call.invoke(client, stream=True)]
    assert len(chunks) == 1  # read tolerantly: the stream goes on
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    assert not leaks(caplog.text)


def test_key_echoed_in_a_success_body_that_does_not_parse(server: LocalServer) -> None:
    call = MODELS["openai_api"]
    call.route(
        server,
        json_reply({"object": "list", "data": [{"id": API_KEY, "created": API_KEY}]}),
    )
    with (
        make_client(call, server.url, strict_response_validation=True) as client,
        pytest.raises(package("openai_api").APIResponseValidationError) as info,
    ):
        client.models.list()
    assert not leaks(full_text(info.value))


def test_key_echoed_in_a_drifted_body_is_not_logged(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The tolerant reader logs an unknown enum value: never a credential."""
    call = MODELS["openai_api"]
    call.route(server, json_reply({"object": API_KEY, "data": []}))
    with (
        caplog.at_level(logging.WARNING, logger="openai_api"),
        make_client(call, server.url) as client,
    ):
        result = client.models.list()
    assert result.object == API_KEY  # kept as sent
    assert "/object" in caplog.text and "[REDACTED]" in caplog.text
    assert not leaks(caplog.text)


def test_connection_and_timeout_errors(server: LocalServer) -> None:
    call = MODELS["openai_api"]
    call.route(server, Reply(hang_up=True), Reply(delay=3.0))
    with make_client(call, server.url, max_retries=0) as client:
        with pytest.raises(package("openai_api").APIConnectionError) as info:
            client.models.list()
        assert not leaks(full_text(info.value))
        with pytest.raises(package("openai_api").APITimeoutError) as info:
            client.models.list(timeout=0.1)
        assert not leaks(full_text(info.value))


@pytest.mark.parametrize("package_name", sorted(CLIENTS))
async def test_logs_at_debug_never_show_the_key(
    server: LocalServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    package_name: str,
) -> None:
    sleep_recorder(monkeypatch, package_name)
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's, httpcore's
    calls = [c for c in CALLS if c.package == package_name]
    for call in calls:
        replies = [
            echo_key(503),
            call.sse(["a"]) if call.streams else json_reply(call.reply),
        ]
        call.route(server, *replies)
        extra = {"stream": True} if call.streams else {}
        # A custom header carrying the key too: redacted by value, not by name.
        with make_client(
            call, server.url, default_headers={"X-Echo": API_KEY}
        ) as client:
            result = call.invoke(client, **extra)
            if call.streams:
                list(result)
        call.route(server, *replies)
        async with make_client(call, server.url, is_async=True) as client:
            result = await call.invoke(client, **extra)
            if call.streams:
                [_ async for _ in result]
    ours = [r for r in caplog.records if r.name == package_name]
    # The runtime did log each request and each retry, with the credentials hidden.
    assert len([r for r in ours if "headers=" in r.getMessage()]) == 4 * len(calls)
    assert len([r for r in ours if "retrying in" in r.getMessage()]) == 2 * len(calls)
    assert all(
        "[REDACTED]" in r.getMessage() for r in ours if "headers=" in r.getMessage()
    )
    assert caplog.records and not any(leaks(r.getMessage()) for r in caplog.records)
    assert not leaks(caplog.text)


def test_missing_credential_message_names_no_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv(
        "OPENAI_ORG_ID", API_KEY
    )  # even another credential's value stays out
    with pytest.raises(package("openai_api").MissingCredentialError) as info:
        package("openai_api").OpenAI()
    assert not leaks(full_text(info.value))


def test_short_values_are_not_redacted_everywhere(server: LocalServer) -> None:
    # A team id like "42" is no secret, and replacing it would mangle "HTTP 429".
    call = MODELS["prime_intellect"]
    call.route(server, text_reply("too many (42)", 429, "text/plain"))
    with (
        make_client(call, server.url, max_retries=0, team_id="42") as client,
        pytest.raises(package("prime_intellect").RateLimitError) as info,
    ):
        client.models.list()
    assert str(info.value) == "GET /models: HTTP 429 Too Many Requests: too many (42)"
    assert server.requests[0].headers["x-prime-team-id"] == "42"

"""Retries and timeouts: which failures are retried, how often, how long the client waits.

The backoff sleeps are recorded instead of slept (``sleep_recorder``), so the
waits the client chose are asserted without making the tests slow.
"""

from __future__ import annotations

import email.utils
import time

import httpx
import openai_api
import pytest

from generator.runtime._retries import Attempts, RetryPolicy, retry_after
from tests.support.runtime_calls import (
    CALLS,
    make_client,
    ok,
    sleep_recorder,
)
from tests.support.server import LocalServer, Reply, json_reply, text_reply

CHAT = next(c for c in CALLS if c.id == "openai_api.chat.completions.create")
MODELS = next(c for c in CALLS if c.id == "openai_api.models.list")


def error(status: int, headers: dict[str, str] | None = None) -> Reply:
    return json_reply({"error": {"message": f"status {status}"}}, status, headers)


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    return sleep_recorder(monkeypatch, "openai_api")


# -- the policy, without I/O --------------------------------------------------------------


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(initial=0.5, max_delay=8.0, max_retry_after=60.0)
    for attempt, nominal in enumerate([0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]):
        delays = [policy.delay(None, attempt) for _ in range(200)]
        assert all(0.75 * nominal <= d <= nominal for d in delays), attempt
        assert len(set(delays)) > 100, "no jitter"


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({k.replace("_", "-"): v for k, v in values.items()})


def test_retry_after_forms() -> None:
    assert retry_after(headers(retry_after="3")) == 3.0
    assert retry_after(headers(retry_after="1.5")) == 1.5
    assert retry_after(headers(retry_after_ms="250")) == 0.25
    # retry-after-ms is the more precise of the two when both are sent.
    assert retry_after(headers(retry_after_ms="250", retry_after="3")) == 0.25
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after(headers(retry_after=future)) <= 31  # type: ignore[operator]
    past = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert retry_after(headers(retry_after=past)) < 0  # type: ignore[operator]
    for unusable in ("soon", "nan", "inf", "-inf", ""):
        assert retry_after(headers(retry_after=unusable)) is None, unusable
    assert retry_after(headers(retry_after_ms="nan", retry_after="2")) == 2.0
    assert retry_after(httpx.Headers()) is None


def response(status: int, **hdrs: str) -> httpx.Response:
    return httpx.Response(status, headers=headers(**hdrs))


def test_retry_after_is_capped_and_never_negative() -> None:
    policy = RetryPolicy(initial=0.5, max_delay=8.0, max_retry_after=60.0)
    assert policy.delay(response(429, retry_after="3600"), 0) == 60.0
    assert policy.delay(response(429, retry_after="7"), 3) == 7.0
    past = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert policy.delay(response(429, retry_after=past), 0) == 0.0
    # Unusable: back to the exponential backoff.
    assert 0.375 <= policy.delay(response(429, retry_after="nan"), 0) <= 0.5


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_retried_statuses(status: int) -> None:
    assert RetryPolicy.should_retry(response(status))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 413, 422])
def test_not_retried_statuses(status: int) -> None:
    assert not RetryPolicy.should_retry(response(status))


def test_the_server_can_override_the_decision() -> None:
    assert RetryPolicy.should_retry(response(400, x_should_retry="true"))
    assert not RetryPolicy.should_retry(response(503, x_should_retry="false"))


def test_attempts_budget() -> None:
    attempts = Attempts(RetryPolicy(0.5, 8.0, 60.0), retries=2)
    assert attempts.next_delay(response(400)) is None  # not retryable: budget untouched
    assert attempts.used == 0
    assert attempts.next_delay(None) is not None
    assert attempts.next_delay(response(503, retry_after="1")) == 1.0
    assert attempts.next_delay(None) is None
    assert attempts.used == 2


# -- over HTTP ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 503])
def test_retryable_status_then_success(
    server: LocalServer, slept: list[float], status: int
) -> None:
    MODELS.route(server, error(status), ok(MODELS))
    with make_client(MODELS, server.url) as client:
        assert client.models.list().data[0].id == "m-1"
    assert len(server.requests) == 2
    assert len(slept) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_statuses_are_not_retried(
    server: LocalServer, slept: list[float], status: int
) -> None:
    MODELS.route(server, error(status), ok(MODELS))
    with (
        make_client(MODELS, server.url) as client,
        pytest.raises(openai_api.APIStatusError) as info,
    ):
        client.models.list()
    assert info.value.status_code == status
    assert len(server.requests) == 1 and slept == []


def test_retries_stop_at_max_retries(server: LocalServer, slept: list[float]) -> None:
    MODELS.route(server, error(500))
    with (
        make_client(MODELS, server.url, max_retries=3) as client,
        pytest.raises(openai_api.InternalServerError),
    ):
        client.models.list()
    assert len(server.requests) == 4
    # Exponential backoff with jitter, as the client's class attributes say.
    assert len(slept) == 3
    assert 0.375 <= slept[0] <= 0.5
    assert 0.75 <= slept[1] <= 1.0
    assert 1.5 <= slept[2] <= 2.0


def test_max_retries_per_call_and_with_options(
    server: LocalServer, slept: list[float]
) -> None:
    MODELS.route(server, error(503))
    with make_client(MODELS, server.url, max_retries=2) as client:
        with pytest.raises(openai_api.InternalServerError):
            client.models.list(max_retries=0)
        assert len(server.requests) == 1
        patient = client.with_options(max_retries=5)
        with pytest.raises(openai_api.InternalServerError):
            patient.models.list()
        assert len(server.requests) == 1 + 6
        with pytest.raises(openai_api.InternalServerError):
            client.models.list()  # the original keeps its own setting
        assert len(server.requests) == 7 + 3
        with pytest.raises(ValueError):
            client.models.list(max_retries=-1)
        with pytest.raises(ValueError):
            client.with_options(max_retries=-1)
        assert patient.max_retries == 5 and client.max_retries == 2


def test_retry_after_seconds_is_honoured(
    server: LocalServer, slept: list[float]
) -> None:
    MODELS.route(server, error(429, {"Retry-After": "7"}), ok(MODELS))
    with make_client(MODELS, server.url) as client:
        client.models.list()
    assert slept == [7.0]


def test_retry_after_http_date_is_honoured(
    server: LocalServer, slept: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    MODELS.route(server, error(503, {"Retry-After": when}), ok(MODELS))
    with make_client(MODELS, server.url) as client:
        client.models.list()
    assert len(slept) == 1 and 15 <= slept[0] <= 21


def test_retry_after_is_capped(server: LocalServer, slept: list[float]) -> None:
    MODELS.route(server, error(429, {"Retry-After": "86400"}), ok(MODELS))
    with make_client(MODELS, server.url) as client:
        client.models.list()
    assert slept == [openai_api.OpenAI.MAX_RETRY_AFTER] == [60.0]


def test_connection_errors_are_retried(server: LocalServer, slept: list[float]) -> None:
    MODELS.route(server, Reply(hang_up=True), Reply(hang_up=True), ok(MODELS))
    with make_client(MODELS, server.url) as client:
        assert client.models.list().data[0].id == "m-1"
    assert len(server.requests) == 3 and len(slept) == 2


def test_connection_errors_past_the_budget_raise(
    server: LocalServer, slept: list[float]
) -> None:
    MODELS.route(server, Reply(hang_up=True))
    with (
        make_client(MODELS, server.url, max_retries=1) as client,
        pytest.raises(openai_api.APIConnectionError) as info,
    ):
        client.models.list()
    assert not isinstance(info.value, openai_api.APITimeoutError)
    assert "GET /models: connection error" in str(info.value)
    assert len(server.requests) == 2


def test_refused_connection(slept: list[float]) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        make_client(MODELS, f"http://127.0.0.1:{port}", max_retries=2) as client,
        pytest.raises(openai_api.APIConnectionError, match="ConnectError"),
    ):
        client.models.list()
    assert len(slept) == 2


# -- timeouts -------------------------------------------------------------------------------


def test_timeout_per_call(server: LocalServer) -> None:
    MODELS.route(server, Reply(delay=5.0, body=b"{}"))
    with make_client(MODELS, server.url, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(openai_api.APITimeoutError, match="timed out") as info:
            client.models.list(timeout=0.2)
        assert time.monotonic() - started < 4.0  # it did not wait for the server
    assert isinstance(info.value, openai_api.APIConnectionError)
    assert info.value.request is not None


def test_timeout_per_client_and_with_options(server: LocalServer) -> None:
    MODELS.route(server, Reply(delay=5.0, body=b"{}"))
    with make_client(MODELS, server.url, max_retries=0, timeout=0.2) as client:
        with pytest.raises(openai_api.APITimeoutError, match="after 0.2 s"):
            client.models.list()
        with pytest.raises(openai_api.APITimeoutError, match="after 0.3 s"):
            client.with_options(timeout=0.3).models.list()
        assert client.timeout == 0.2


def test_a_timeout_is_retried_like_any_connection_error(
    server: LocalServer, slept: list[float]
) -> None:
    MODELS.route(server, Reply(delay=5.0), ok(MODELS))
    with make_client(MODELS, server.url, timeout=0.2) as client:
        assert client.models.list().data[0].id == "m-1"
    assert len(server.requests) == 2 and len(slept) == 1


def test_a_stream_that_stalls_times_out(server: LocalServer) -> None:
    CHAT.route(server, CHAT.sse(["a", "b", "c"], chunk_delay=2.0))
    with make_client(CHAT, server.url, max_retries=0) as client:
        stream = client.chat.completions.create(
            model="m", messages=[], stream=True, timeout=0.3
        )
        with stream, pytest.raises(openai_api.APITimeoutError, match="after 1 events"):
            for _ in stream:
                pass


# -- streams are retried only before their first event ------------------------------------


def test_stream_dropped_before_first_event_is_sent_again(
    server: LocalServer, slept: list[float]
) -> None:
    CHAT.route(server, CHAT.sse(["x"], drop_after=0), CHAT.sse(["Hel", "lo"]))
    with (
        make_client(CHAT, server.url) as client,
        client.chat.completions.create(model="m", messages=[], stream=True) as stream,
    ):
        assert "".join(CHAT.text(c) for c in stream) == "Hello"  # type: ignore[misc]
    assert len(server.requests) == 2 and len(slept) == 1


def test_stream_dropped_after_first_event_is_not_sent_again(
    server: LocalServer, slept: list[float]
) -> None:
    CHAT.route(server, CHAT.sse(["Hel", "lo"], drop_after=1), CHAT.sse(["never"]))
    with make_client(CHAT, server.url) as client:
        received = []
        with pytest.raises(openai_api.APIConnectionError, match="broke after 1 events"):
            for chunk in client.chat.completions.create(
                model="m", messages=[], stream=True
            ):
                received.append(CHAT.text(chunk))  # type: ignore[misc]
    assert received == ["Hel"]
    assert len(server.requests) == 1 and slept == []


def test_stream_resend_shares_the_call_budget(
    server: LocalServer, slept: list[float]
) -> None:
    # One retry in all: spent on the 503, so the dropped stream is not sent again.
    CHAT.route(server, error(503), CHAT.sse(["x"], drop_after=0), CHAT.sse(["never"]))
    with make_client(CHAT, server.url, max_retries=1) as client:
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        with pytest.raises(openai_api.APIConnectionError, match="broke after 0 events"):
            list(stream)
    assert len(server.requests) == 2 and len(slept) == 1


def test_stream_with_no_retries_is_not_sent_again(server: LocalServer) -> None:
    CHAT.route(server, CHAT.sse(["x"], drop_after=0), CHAT.sse(["never"]))
    with (
        make_client(CHAT, server.url, max_retries=0) as client,
        pytest.raises(openai_api.APIConnectionError),
    ):
        list(client.chat.completions.create(model="m", messages=[], stream=True))
    assert len(server.requests) == 1


def test_stream_status_errors_are_retried_before_the_stream_starts(
    server: LocalServer, slept: list[float]
) -> None:
    CHAT.route(server, error(429, {"Retry-After": "2"}), error(500), CHAT.sse(["ok"]))
    with make_client(CHAT, server.url) as client:
        stream = client.chat.completions.create(model="m", messages=[], stream=True)
        assert [CHAT.text(c) for c in stream] == ["ok"]  # type: ignore[misc]
    assert slept[0] == 2.0 and len(slept) == 2


# -- async: the same decisions through the async loop ---------------------------------------


async def test_async_retries_and_budget(
    server: LocalServer, slept: list[float]
) -> None:
    MODELS.route(
        server, error(429, {"Retry-After": "3"}), Reply(hang_up=True), ok(MODELS)
    )
    async with make_client(MODELS, server.url, is_async=True) as client:
        assert (await client.models.list()).data[0].id == "m-1"
        assert slept[0] == 3.0 and len(slept) == 2
        MODELS.route(server, error(500))
        with pytest.raises(openai_api.InternalServerError):
            await client.with_options(max_retries=1).models.list()
        with pytest.raises(openai_api.BadRequestError):
            MODELS.route(server, error(400))
            await client.models.list()
    assert len(server.requests) == 3 + 2 + 1


async def test_async_timeout(server: LocalServer) -> None:
    MODELS.route(server, Reply(delay=5.0))
    async with make_client(MODELS, server.url, is_async=True, max_retries=0) as client:
        with pytest.raises(openai_api.APITimeoutError):
            await client.models.list(timeout=0.2)


async def test_async_stream_resend(server: LocalServer, slept: list[float]) -> None:
    CHAT.route(
        server,
        CHAT.sse(["x"], drop_after=0),
        CHAT.sse(["a", "b"]),
        CHAT.sse(["a", "b"], drop_after=1),
    )
    async with make_client(CHAT, server.url, is_async=True) as client:
        stream = await client.chat.completions.create(
            model="m", messages=[], stream=True
        )
        assert [CHAT.text(c) async for c in stream] == ["a", "b"]  # type: ignore[misc]
        stream = await client.chat.completions.create(
            model="m", messages=[], stream=True
        )
        with pytest.raises(openai_api.APIConnectionError, match="broke after 1 events"):
            async for _ in stream:
                pass
    assert len(server.requests) == 3


def test_html_503_is_retried(server: LocalServer, slept: list[float]) -> None:
    # An HTML 503 from a proxy is retried like a JSON one.
    MODELS.route(server, text_reply("<html><body>busy</body></html>", 503), ok(MODELS))
    with make_client(MODELS, server.url, max_retries=1) as client:
        client.with_options(timeout=5).models.list()
    assert len(server.requests) == 2

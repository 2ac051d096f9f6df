"""End to end, per provider, sync and async: every operation, streamed too, under injected faults.

Each case runs one operation of one committed package against the local
HTTP server scripted with a fault: 429 with Retry-After then 200; 503 twice
then 200; 500 always; an answer slower than the timeout; a connection
dropped (mid-stream for streams); an invalid JSON chunk (or body); an HTML
502 page. Backoff sleeps are recorded, not slept.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.packages import ROOT
from tests.support.runtime_calls import (
    API_KEY,
    CALLS,
    CLIENTS,
    Call,
    make_client,
    ok,
    sleep_recorder,
)
from tests.support.server import LocalServer, Reply, json_reply, text_reply

#: The credential header each provider's spec says to send, and its value.
AUTH = {
    "pienteger": ("x-api-key", API_KEY),
    "prime_intellect": ("authorization", f"Bearer {API_KEY}"),
    "openai_api": ("authorization", f"Bearer {API_KEY}"),
    "peakprivacy": ("api-token", API_KEY),
}
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
TEXT = ["The ", "quick ", "fox"]

CASES = [(call, False) for call in CALLS] + [
    (call, True) for call in CALLS if call.streams
]
CASE_IDS = [f"{call.id}{'[stream]' if stream else ''}" for call, stream in CASES]


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[float]]:
    return {name: sleep_recorder(monkeypatch, name) for name in CLIENTS}


def success(call: Call, stream: bool, **kw: Any) -> Reply:
    return call.sse(TEXT, **kw) if stream else ok(call)


async def run(
    call: Call, server: LocalServer, stream: bool, is_async: bool, **options: Any
) -> Any:
    """Invoke the operation; a stream is consumed into the list of its texts."""
    if stream:
        options["stream"] = True
    client = make_client(call, server.url, is_async=is_async)
    if is_async:
        async with client:
            result = await call.invoke(client, **options)
            if stream:
                async with result:
                    return [call.text(c) async for c in result]  # type: ignore[misc]
            return result
    with client:
        result = call.invoke(client, **options)
        if stream:
            with result:
                return [call.text(c) for c in result]  # type: ignore[misc]
        return result


def check_success(call: Call, stream: bool, result: Any) -> None:
    if stream:
        assert result == TEXT
    else:
        assert type(result).__name__ == call.result_type
        assert (
            result.model_dump(mode="json", by_alias=True, exclude_unset=True)
            == call.reply
        )


@dataclass(frozen=True)
class Fault:
    name: str
    replies: Callable[[Call, bool], list[Reply]]
    check: Callable[
        [Any, Call, bool, LocalServer, list[float], Any], None
    ]  # (pkg, call, stream, server, slept, outcome)
    options: dict[str, Any]


def expect_success(requests: int, sleeps: list[float] | int):
    def check(
        pkg: Any,
        call: Call,
        stream: bool,
        server: LocalServer,
        slept: list[float],
        outcome: Any,
    ) -> None:
        assert not isinstance(outcome, BaseException), outcome
        check_success(call, stream, outcome)
        assert len(server.requests) == requests
        assert (slept if isinstance(sleeps, list) else len(slept)) == sleeps

    return check


def expect_error(error: str, requests: int, match: str, body: Any = None):
    def check(
        pkg: Any,
        call: Call,
        stream: bool,
        server: LocalServer,
        slept: list[float],
        outcome: Any,
    ) -> None:
        assert isinstance(outcome, getattr(pkg, error)), repr(outcome)
        assert match in str(outcome), str(outcome)
        assert len(server.requests) == requests
        if body is not None:
            assert outcome.body == body

    return check


def dropped_replies(call: Call, stream: bool) -> list[Reply]:
    if stream:  # the connection breaks after the first event: not sent again
        return [call.sse(TEXT, drop_after=1)]
    return [Reply(hang_up=True), ok(call)]  # no answer at all: sent again


def dropped_check(
    pkg: Any,
    call: Call,
    stream: bool,
    server: LocalServer,
    slept: list[float],
    outcome: Any,
) -> None:
    if stream:
        expect_error(
            "APIConnectionError", 1, "the connection broke after 1 events of the stream"
        )(pkg, call, stream, server, slept, outcome)
    else:
        expect_success(2, 1)(pkg, call, stream, server, slept, outcome)


def invalid_json_replies(call: Call, stream: bool) -> list[Reply]:
    if stream:
        return [Reply(200, headers={"Content-Type": "text/event-stream"}, chunks=[call.sse(TEXT[:1], done=None).chunks[0], b'data: {"id": "x", "ch\n\n'])]  # type: ignore[index]
    return [Reply(200, b'{"id": "x", "ch', {"Content-Type": "application/json"})]


def invalid_json_check(
    pkg: Any,
    call: Call,
    stream: bool,
    server: LocalServer,
    slept: list[float],
    outcome: Any,
) -> None:
    match = (
        "event 2 of the stream is not valid JSON"
        if stream
        else f"the response does not match {call.result_type}"
    )
    expect_error("APIResponseValidationError", 1, match)(
        pkg, call, stream, server, slept, outcome
    )


FAULTS = [
    Fault("ok", lambda c, s: [success(c, s)], expect_success(1, []), {}),
    Fault(
        "429_retry_after_then_200",
        lambda c, s: [
            json_reply({"error": {"message": "slow down"}}, 429, {"Retry-After": "2"}),
            success(c, s),
        ],
        expect_success(2, [2.0]),
        {},
    ),
    Fault(
        "503_twice_then_200",
        lambda c, s: [json_reply({"error": "busy"}, 503), Reply(503), success(c, s)],
        expect_success(3, 2),
        {},
    ),
    Fault(
        "500_always",
        lambda c, s: [json_reply({"error": {"message": "boom"}}, 500)],
        expect_error(
            "InternalServerError",
            3,
            "HTTP 500 Internal Server Error: boom",
            {"error": {"message": "boom"}},
        ),
        {},
    ),
    Fault(
        "slower_than_the_timeout",
        lambda c, s: [Reply(delay=5.0)],
        expect_error("APITimeoutError", 1, "timed out"),
        {"timeout": 0.2, "max_retries": 0},
    ),
    Fault("connection_dropped", dropped_replies, dropped_check, {}),
    Fault("invalid_json", invalid_json_replies, invalid_json_check, {}),
    Fault(
        "html_502",
        lambda c, s: [text_reply(HTML_502, 502)],
        expect_error(
            "InternalServerError",
            1,
            "HTTP 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway",
            HTML_502,
        ),
        {"max_retries": 0},
    ),
]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("call,stream", CASES, ids=CASE_IDS)
async def test_operation_under_fault(
    server: LocalServer,
    slept: dict[str, list[float]],
    call: Call,
    stream: bool,
    fault: Fault,
    is_async: bool,
) -> None:
    call.route(server, *fault.replies(call, stream))
    try:
        outcome: Any = await run(call, server, stream, is_async, **fault.options)
    except Exception as exc:  # noqa: BLE001 - the check decides if it was expected
        outcome = exc
    pkg = importlib.import_module(call.package)
    fault.check(pkg, call, stream, server, slept[call.package], outcome)
    # Every attempt was the same, correct request.
    header, value = AUTH[call.package]
    for request in server.requests:
        assert (request.method, request.path) == (call.method, call.path)
        assert request.headers[header] == value
        if call.package == "peakprivacy":
            assert request.headers["x-requested-with"] == "XMLHttpRequest"
        assert request.headers["accept"] == (
            "text/event-stream, application/json;q=0.9"
            if stream
            else "application/json"
        )
        if call.method == "POST":
            body = request.json()
            assert {k: body[k] for k in call.kwargs} == call.kwargs
            assert body.get("stream", False) is stream


# -- the README's examples run as written ----------------------------------------------------


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### Streaming")
    end = text.index("### Raw responses", start)  # later sections: test_e2e_readme.py
    blocks = re.findall(r"```python\n(.*?)```", text[start:end], re.DOTALL)
    assert (
        len(blocks) == 3
    ), "the README's streaming and error sections changed: update this test"
    return blocks


def test_readme_examples_run(
    server: LocalServer,
    slept: dict[str, list[float]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    sync_stream, async_stream, errors = readme_examples()
    chat = next(c for c in CALLS if c.id == "openai_api.chat.completions.create")
    models = next(c for c in CALLS if c.id == "openai_api.models.list")

    chat.route(
        server, chat.sse(["This ", "is ", "a test."]), chat.sse(["And ", "async."])
    )
    exec(compile(sync_stream, "README.md (sync streaming)", "exec"), {})
    exec(compile(async_stream, "README.md (async streaming)", "exec"), {})
    assert capsys.readouterr().out == "This is a test.And async."

    models.route(
        server,
        json_reply({"error": {"message": "slow down"}}, 429, {"Retry-After": "1"}),
    )
    exec(compile(errors, "README.md (errors)", "exec"), {})
    assert (
        capsys.readouterr().out == "rate limited: {'error': {'message': 'slow down'}}\n"
    )
    assert slept["openai_api"] == [1.0, 1.0, 1.0]  # max_retries=3

    models.route(server, ok(models))
    server.route("GET", "/models/gpt-4o-mini", Reply(delay=5.0))
    exec(compile(errors, "README.md (errors)", "exec"), {})
    assert capsys.readouterr().out.startswith(
        "no answer: GET /models/gpt-4o-mini: timed out"
    )

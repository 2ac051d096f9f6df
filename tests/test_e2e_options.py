"""Client options on loopback, every package, sync and async: credentials given as
functions (asked once per attempt), with_options taking every constructor option, the
default timeout, one connection pool per client across threads, a fresh pool after fork.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import httpx
import pytest

from tests.support.runtime_calls import (
    API_KEY,
    CALLS,
    CLIENTS,
    Call,
    make_client,
    ok,
    package,
    sleep_recorder,
)
from tests.support.server import LocalServer, json_reply

#: The header each provider's key goes in, and its prefix.
AUTH = {
    "pienteger": ("x-api-key", ""),
    "prime_intellect": ("authorization", "Bearer "),
    "openai_api": ("authorization", "Bearer "),
    "peakprivacy": ("api-token", ""),
}
LISTS = {c.package: c for c in CALLS if c.operation == "models.list"}
PACKAGES = sorted(CLIENTS)


class Tokens:
    """A refreshing token: a new value each time it is asked for."""

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self) -> str:
        self.asked += 1
        return f"tok-{self.asked}-rotating-secret"

    async def aget(self) -> str:
        return self()


async def call_once(client: Any, call: Call, is_async: bool, **options: Any) -> Any:
    result = call.invoke(client, **options)
    return await result if is_async else result


async def close(client: Any, is_async: bool) -> None:
    await client.close() if is_async else client.close()


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("package_name", PACKAGES)
async def test_a_credential_function_is_asked_once_per_attempt(
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    package_name: str,
    is_async: bool,
) -> None:
    call = LISTS[package_name]
    slept = sleep_recorder(monkeypatch, package_name)
    call.route(
        server,
        json_reply({"error": {"message": "slow down"}}, 429, {"Retry-After": "1"}),
        ok(call),
    )
    tokens = Tokens()
    client = make_client(call, server.url, is_async=is_async, api_key=tokens)
    try:
        await call_once(client, call, is_async)  # 429, then 200: two attempts
        await call_once(client, call, is_async)
    finally:
        await close(client, is_async)
    header, prefix = AUTH[package_name]
    sent = [r.headers[header] for r in server.requests]
    assert sent == [f"{prefix}tok-{n}-rotating-secret" for n in (1, 2, 3)]
    assert tokens.asked == 3 and slept == [1.0]


@pytest.mark.parametrize("package_name", PACKAGES)
async def test_the_async_client_awaits_an_async_credential_function(
    server: LocalServer, package_name: str
) -> None:
    call = LISTS[package_name]
    call.route(server, ok(call))
    tokens = Tokens()
    async with make_client(
        call, server.url, is_async=True, api_key=tokens.aget
    ) as client:
        await call.invoke(client)
        await call.invoke(client.with_options(max_retries=0))
    header, prefix = AUTH[package_name]
    assert [r.headers[header] for r in server.requests] == [
        f"{prefix}tok-1-rotating-secret",
        f"{prefix}tok-2-rotating-secret",
    ]


def test_bad_credential_functions_send_nothing(server: LocalServer) -> None:
    call = LISTS["openai_api"]
    call.route(server, ok(call))
    pkg = package("openai_api")

    async def coroutine_key() -> str:
        return API_KEY

    with (
        make_client(call, server.url, api_key=coroutine_key) as client,
        pytest.raises(TypeError, match="returned an awaitable: the sync client"),
    ):
        call.invoke(client)
    with (
        make_client(call, server.url, api_key=lambda: None) as client,
        pytest.raises(pkg.MissingCredentialError, match="api_key returned no value"),
    ):
        call.invoke(client)
    with (
        make_client(call, server.url, api_key=lambda: 42) as client,
        pytest.raises(TypeError, match="returned int, not a str"),
    ):
        call.invoke(client)
    with pytest.raises(TypeError, match="api_key must be a str or a function"):
        make_client(call, server.url, api_key=42)
    assert server.requests == []


def test_values_a_function_returns_are_redacted(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    call = LISTS["openai_api"]
    call.route(server, json_reply({"error": {"message": f"bad key {API_KEY}"}}, 401))
    with (
        make_client(call, server.url, api_key=lambda: API_KEY) as client,
        pytest.raises(package("openai_api").AuthenticationError) as info,
    ):
        call.invoke(client)
    assert API_KEY not in str(info.value) and "[REDACTED]" in str(info.value)
    assert repr(client).count("[") == 0


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_with_options_takes_every_constructor_option(
    server: LocalServer, is_async: bool
) -> None:
    call = next(c for c in CALLS if c.id == "openai_api.models.list")
    call.route(server, ok(call))
    seen: list[httpx.Request] = []

    def hook(request: httpx.Request) -> None:
        seen.append(request)

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    mine: Any = (
        httpx.AsyncClient(event_hooks={"request": [ahook]})
        if is_async
        else httpx.Client(event_hooks={"request": [hook]})
    )
    client = make_client(call, "http://127.0.0.1:9", is_async=is_async)
    copy = client.with_options(
        api_key="sk-other-key-0000",
        organization="org-1",
        base_url=server.url,
        timeout=12.0,
        max_retries=0,
        http_client=mine,
        default_headers={"X-Extra": "1"},
        strict_response_validation=True,
    )
    try:
        await call_once(copy, call, is_async)
    finally:
        await close(copy, is_async)
        await close(client, is_async)
    assert not (mine.is_closed)  # the caller's own http client is the caller's to close
    await mine.aclose() if is_async else mine.close()
    (request,) = server.requests
    assert request.headers["authorization"] == "Bearer sk-other-key-0000"
    assert request.headers["openai-organization"] == "org-1"
    assert request.headers["x-extra"] == "1"
    assert len(seen) == 1 and seen[0].extensions["timeout"]["read"] == 12.0
    assert (copy.max_retries, copy.strict_response_validation) == (0, True)
    assert (client.base_url, client.max_retries) == ("http://127.0.0.1:9", 2)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("package_name", PACKAGES)
async def test_the_default_timeout_is_the_official_sdks(
    server: LocalServer, package_name: str, is_async: bool
) -> None:
    call = LISTS[package_name]
    call.route(server, ok(call))
    client = make_client(call, server.url, is_async=is_async)
    try:
        assert client.timeout == httpx.Timeout(600.0, connect=5.0)
        await call_once(client, call, is_async)
        sent = client._http.timeout
    finally:
        await close(client, is_async)
    assert sent == httpx.Timeout(600.0, connect=5.0)


@pytest.mark.parametrize("package_name", PACKAGES)
def test_threads_calling_first_at_once_share_one_pool(
    server: LocalServer, package_name: str
) -> None:
    call = LISTS[package_name]
    call.route(server, ok(call))
    client = make_client(call, server.url)
    made: list[httpx.Client] = []
    make = client._pool._make

    def slow_make() -> httpx.Client:
        time.sleep(0.05)  # widen the window in which the threads race
        made.append(make())
        return made[-1]

    client._pool._make = slow_make
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def first_call() -> None:
        start.wait()
        try:
            call.invoke(client)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    copy = client.with_options(max_retries=1)
    call.invoke(copy)
    client.close()
    assert errors == [] and len(server.requests) == 9
    assert len(made) == 1 and made[0].is_closed
    assert copy._pool is client._pool


async def test_async_tasks_calling_first_at_once_share_one_pool(
    server: LocalServer,
) -> None:
    call = LISTS["openai_api"]
    call.route(server, ok(call))
    async with make_client(call, server.url, is_async=True) as client:
        await asyncio.gather(*(call.invoke(client) for _ in range(8)))
        pool = client._pool.made
        await call.invoke(client.with_options(timeout=30.0))
        assert client._pool.made is pool
    assert pool is not None and pool.is_closed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_gets_a_fresh_pool(server: LocalServer) -> None:
    call = LISTS["openai_api"]
    call.route(server, ok(call))
    client = make_client(call, server.url)
    call.invoke(client)
    parent_pool = client._pool.made
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, and leave without running pytest's teardown
        status = b"error"
        try:
            result = call.invoke(client)
            fresh = client._pool.made is not parent_pool
            status = b"fresh" if fresh and result.data else b"shared"
        finally:
            os.write(write_end, status)
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    reported = os.read(read_end, 16)
    os.close(read_end)
    assert reported == b"fresh"
    call.invoke(client)  # the parent's pool still works
    assert client._pool.made is parent_pool
    client.close()

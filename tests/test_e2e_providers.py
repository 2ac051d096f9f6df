"""Each committed client against a real HTTP server on 127.0.0.1, answered with the docs' examples.

Checks what reaches the wire (method, raw path, auth and fixed headers, JSON
body exactly as the docs' request examples) and that the docs' response
examples parse into the typed models.
"""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from tests.support.packages import SPECS
from tests.support.server import LocalServer, json_reply, sse_reply

PROVIDERS: dict[str, dict[str, Any]] = {
    "pienteger": {
        "spec": "pienteger.yaml",
        "client": "Pienteger",
        "key_env": "PIENTEGER_API_KEY",
        "auth": {"x-api-key": "pk-test-123"},
    },
    "prime_intellect": {
        "spec": "prime_intellect.yaml",
        "client": "PrimeIntellect",
        "key_env": "PRIME_API_KEY",
        "auth": {"authorization": "Bearer pk-test-123"},
    },
    "openai_api": {
        "spec": "openai.yaml",
        "client": "OpenAI",
        "key_env": "OPENAI_API_KEY",
        "auth": {"authorization": "Bearer pk-test-123"},
    },
    "peakprivacy": {
        "spec": "peakprivacy.yaml",
        "client": "PeakPrivacy",
        "key_env": "PEAKPRIVACY_API_TOKEN",
        "auth": {
            "api-token": "pk-test-123",
            "x-requested-with": "XMLHttpRequest",
            "accept": "application/json",
        },
    },
}

_SPEC_CACHE: dict[str, dict[str, Any]] = {}


def spec_data(package: str) -> dict[str, Any]:
    if package not in _SPEC_CACHE:
        _SPEC_CACHE[package] = yaml.safe_load(
            (SPECS / PROVIDERS[package]["spec"]).read_text()
        )
    return _SPEC_CACHE[package]


def base_path(package: str) -> str:
    return urlparse(spec_data(package)["servers"][0]["url"]).path.rstrip("/")


def examples(
    package: str, path: str, method: str, *, request: bool, status: str = "200"
) -> list[Any]:
    """Every example value the spec attaches to that request or response (JSON media type)."""
    op = spec_data(package)["paths"][path][method]
    holder = op["requestBody"] if request else op["responses"][status]
    media = holder["content"]["application/json"]
    return [ex["value"] for ex in media.get("examples", {}).values()]


def make_client(package: str, server: LocalServer, **kwargs: Any) -> Any:
    module = importlib.import_module(package)
    cls = getattr(module, PROVIDERS[package]["client"])
    return cls(
        api_key="pk-test-123",
        base_url=server.url + base_path(package),
        max_retries=0,
        **kwargs,
    )


def assert_auth(package: str, headers: dict[str, str]) -> None:
    for name, value in PROVIDERS[package]["auth"].items():
        assert (
            headers.get(name) == value
        ), f"{package}: header {name}: {headers.get(name)!r} != {value!r}"


# -- models.list -------------------------------------------------------------------

LIST_PATHS = {
    "pienteger": "/getmodels",
    "prime_intellect": "/models",
    "openai_api": "/models",
    "peakprivacy": "/ai/models",
}


@pytest.mark.parametrize("package", sorted(PROVIDERS))
def test_models_list_sends_auth_and_parses_doc_example(
    package: str, server: LocalServer
) -> None:
    path = LIST_PATHS[package]
    docs = examples(package, path, "get", request=False) or [
        {"object": "list", "data": []}
    ]
    for example in docs:
        server.route("GET", base_path(package) + path, json_reply(example))
        with make_client(package, server) as client:
            result = client.models.list()
        assert [m.id for m in result.data] == [m["id"] for m in example["data"]]
        recorded = server.requests[-1]
        assert recorded.method == "GET"
        assert recorded.path == base_path(package) + path
        assert_auth(package, recorded.headers)
        assert recorded.body == b""


# -- models.retrieve ---------------------------------------------------------------

RETRIEVE = {
    "pienteger": ("/models/{model}", "text-davinci-003"),
    "prime_intellect": ("/models/{model_id}", "meta-llama/llama-3.1-70b-instruct"),
    "openai_api": ("/models/{model}", "gpt-4o-mini"),
}


@pytest.mark.parametrize("package", sorted(RETRIEVE))
def test_models_retrieve_puts_the_id_in_the_path(
    package: str, server: LocalServer
) -> None:
    template, model_id = RETRIEVE[package]
    wire_path = base_path(package) + template.split("{")[0] + model_id
    body = {"id": model_id, "object": "model", "owned_by": "someone", "created": 1}
    server.route("GET", wire_path, json_reply(body))
    client = make_client(package, server)
    result = client.models.retrieve(model_id)
    assert result.id == model_id
    recorded = server.requests[-1]
    # Prime Intellect's ids contain a slash, sent unescaped as its docs' curl shows.
    assert recorded.path == wire_path
    assert_auth(package, recorded.headers)


def test_retrieve_escapes_a_slash_where_the_spec_does_not_allow_it(
    server: LocalServer,
) -> None:
    server.route(
        "GET",
        "/v1/models/ft%3Aa%2Fb",
        json_reply({"id": "ft:a/b", "object": "model", "created": 1, "owned_by": "x"}),
    )
    client = make_client("openai_api", server)
    assert client.models.retrieve("ft:a/b").id == "ft:a/b"
    assert server.requests[-1].path == "/v1/models/ft%3Aa%2Fb"


def test_retrieve_refuses_dot_segments_and_empty_ids(server: LocalServer) -> None:
    client = make_client("prime_intellect", server)
    with pytest.raises(ValueError):
        client.models.retrieve("")
    server.route(
        "GET",
        "/api/v1/models/a/%2E%2E/b",
        json_reply({"id": "x", "object": "model", "created": 1, "owned_by": "y"}),
    )
    client.models.retrieve("a/../b")
    assert server.requests[-1].path == "/api/v1/models/a/%2E%2E/b"


# -- completions and chat completions -----------------------------------------------------

CREATE = {
    ("pienteger", "completions"): "/completions",
    ("openai_api", "completions"): "/completions",
    ("openai_api", "chat"): "/chat/completions",
    ("prime_intellect", "chat"): "/chat/completions",
    ("peakprivacy", "chat"): "/ai/completions",
}


# The OpenAI doc excerpt stops before chat: these stand in for its examples.
FALLBACK_REQUEST = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
    ],
    "temperature": 0.2,
    "max_tokens": 5,
    "stop": ["\n"],
}
FALLBACK_RESPONSE = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}


def doc_examples(package: str, path: str, *, request: bool) -> list[Any]:
    found = examples(package, path, "post", request=request)
    if found:
        return found
    assert (package, path) == (
        "openai_api",
        "/chat/completions",
    ), f"{package} {path}: no doc example in the spec"
    return [FALLBACK_REQUEST if request else FALLBACK_RESPONSE]


def _create(client: Any, kind: str, body: dict[str, Any]) -> Any:
    resource = client.completions if kind == "completions" else client.chat.completions
    return resource.create(**body)


@pytest.mark.parametrize("package,kind", sorted(CREATE))
def test_create_sends_the_docs_request_examples_exactly(
    package: str, kind: str, server: LocalServer
) -> None:
    path = CREATE[(package, kind)]
    responses = doc_examples(package, path, request=False)
    requests = doc_examples(package, path, request=True)
    client = make_client(package, server)
    for body in requests:
        streaming = body.get("stream") is True
        chunk = {
            "id": responses[0]["id"],
            "object": "chunk",
            "created": 1,
            "model": "m",
            "choices": [],
        }
        server.route(
            "POST",
            base_path(package) + path,
            sse_reply([chunk]) if streaming else json_reply(responses[0]),
        )
        result = _create(client, kind, dict(body))
        if streaming:
            result = next(iter(result))
        recorded = server.requests[-1]
        assert recorded.method == "POST"
        assert recorded.path == base_path(package) + path
        assert recorded.headers["content-type"] == "application/json"
        assert_auth(package, recorded.headers)
        # What the docs send is what goes on the wire: same keys, same values, nulls included.
        assert recorded.json() == body
        assert result.id == responses[0]["id"]


@pytest.mark.parametrize("package,kind", sorted(CREATE))
def test_create_parses_every_doc_response_example(
    package: str, kind: str, server: LocalServer
) -> None:
    path = CREATE[(package, kind)]
    client = make_client(package, server)
    request = doc_examples(package, path, request=True)[0]
    request = {k: v for k, v in request.items() if k != "stream"}
    for example in doc_examples(package, path, request=False):
        server.route("POST", base_path(package) + path, json_reply(example))
        result = _create(client, kind, dict(request))
        assert (
            result.model_dump(mode="json", by_alias=True, exclude_unset=True) == example
        )


def test_omitted_arguments_are_not_sent(server: LocalServer) -> None:
    path = "/chat/completions"
    server.route("POST", "/v1" + path, json_reply(FALLBACK_RESPONSE))
    client = make_client("openai_api", server)
    client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
    )
    assert server.requests[-1].json() == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "hi"}],
    }


def test_pienteger_read_only_user_is_not_an_argument() -> None:
    import inspect

    from pienteger.resources.completions import Completions

    assert "user" not in inspect.signature(Completions.create).parameters


# -- optional credentials --------------------------------------------------------------------


def test_prime_team_header_only_when_a_team_is_given(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRIME_TEAM_ID", raising=False)
    server.route("GET", "/api/v1/models", json_reply({"object": "list", "data": []}))
    make_client("prime_intellect", server).models.list()
    assert "x-prime-team-id" not in server.requests[-1].headers
    make_client("prime_intellect", server, team_id="team-7").models.list()
    assert server.requests[-1].headers["x-prime-team-id"] == "team-7"
    monkeypatch.setenv("PRIME_TEAM_ID", "team-env")
    make_client("prime_intellect", server).models.list()
    assert server.requests[-1].headers["x-prime-team-id"] == "team-env"


def test_openai_organization_header(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_ORG_ID", raising=False)
    server.route("GET", "/v1/models", json_reply({"object": "list", "data": []}))
    make_client("openai_api", server).models.list()
    assert "openai-organization" not in server.requests[-1].headers
    make_client("openai_api", server, organization="org-1").models.list()
    assert server.requests[-1].headers["openai-organization"] == "org-1"


@pytest.mark.parametrize("package", sorted(PROVIDERS))
def test_key_from_environment_and_missing_key_error(
    package: str, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = importlib.import_module(package)
    cls = getattr(module, PROVIDERS[package]["client"])
    env = PROVIDERS[package]["key_env"]
    monkeypatch.delenv(env, raising=False)
    with pytest.raises(module.MissingCredentialError) as info:
        cls()
    assert env in str(info.value)
    monkeypatch.setenv(env, "pk-test-123")
    server.route(
        "GET",
        base_path(package) + LIST_PATHS[package],
        json_reply({"object": "list", "data": []}),
    )
    cls(base_url=server.url + base_path(package)).models.list()
    assert_auth(package, server.requests[-1].headers)


@pytest.mark.parametrize("package", sorted(PROVIDERS))
def test_default_base_url_is_the_documented_server(package: str) -> None:
    module = importlib.import_module(package)
    client = getattr(module, PROVIDERS[package]["client"])(api_key="k")
    assert client.base_url == spec_data(package)["servers"][0]["url"]


@pytest.mark.parametrize("package", sorted(PROVIDERS))
async def test_async_client_non_streaming(package: str, server: LocalServer) -> None:
    module = importlib.import_module(package)
    cls = getattr(module, "Async" + PROVIDERS[package]["client"])
    path = LIST_PATHS[package]
    server.route(
        "GET",
        base_path(package) + path,
        json_reply(
            {
                "object": "list",
                "data": [{"id": "m", "object": "model", "created": 0, "owned_by": "o"}],
            }
        ),
    )
    async with cls(
        api_key="pk-test-123", base_url=server.url + base_path(package)
    ) as client:
        result = await client.models.list()
    assert result.data[0].id == "m"
    assert_auth(package, server.requests[-1].headers)

"""Error responses become the exception classes of design.md, with status, body and response."""

from __future__ import annotations

from typing import Any

import httpx
import openai_api
import peakprivacy
import pytest
import yaml

from generator.runtime.errors import error_summary
from tests.support.packages import SPECS
from tests.support.runtime_calls import CALLS, CLIENTS, make_client, package
from tests.support.server import LocalServer, Reply, json_reply, text_reply

MODELS = next(c for c in CALLS if c.id == "openai_api.models.list")
PEAK_CHAT = next(c for c in CALLS if c.id == "peakprivacy.chat.completions.create")

STATUS_CLASSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (502, "InternalServerError"),
    (503, "InternalServerError"),
    (418, "APIStatusError"),
]

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n"
    "<script>var x = '<b>';</script></body>\r\n</html>\r\n"
)


@pytest.mark.parametrize("package_name", sorted(CLIENTS))
@pytest.mark.parametrize("status,class_name", STATUS_CLASSES)
def test_status_maps_to_class(
    server: LocalServer, package_name: str, status: int, class_name: str
) -> None:
    call = next(
        c for c in CALLS if c.package == package_name and c.operation == "models.list"
    )
    body = {"error": {"message": f"went wrong ({status})", "type": "test"}}
    call.route(server, json_reply(body, status))
    pkg = package(package_name)
    with (
        make_client(call, server.url, max_retries=0) as client,
        pytest.raises(pkg.APIStatusError) as info,
    ):
        call.invoke(client)
    exc = info.value
    assert type(exc) is getattr(pkg, class_name)
    assert isinstance(exc, pkg.APIError)
    assert exc.status_code == status
    assert exc.body == body
    assert (
        isinstance(exc.response, httpx.Response) and exc.response.status_code == status
    )
    assert exc.request is exc.response.request
    assert str(exc) == exc.message
    assert f"GET {call.path}: HTTP {status}" in str(exc)
    assert f"went wrong ({status})" in str(exc)


def test_html_502_body_is_text(server: LocalServer) -> None:
    MODELS.route(server, text_reply(NGINX_502, 502))
    with (
        make_client(MODELS, server.url, max_retries=0) as client,
        pytest.raises(openai_api.InternalServerError) as info,
    ):
        client.models.list()
    exc = info.value
    assert exc.status_code == 502
    assert exc.body == NGINX_502  # the text as sent
    assert (
        str(exc)
        == "GET /models: HTTP 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx/1.25.3"
    )


def test_empty_and_plain_text_bodies(server: LocalServer) -> None:
    MODELS.route(
        server, Reply(503), text_reply("upstream overloaded\n", 500, "text/plain")
    )
    with make_client(MODELS, server.url, max_retries=0) as client:
        with pytest.raises(openai_api.InternalServerError) as info:
            client.models.list()
        assert info.value.body is None and str(info.value).endswith("(empty body)")
        with pytest.raises(openai_api.InternalServerError) as info:
            client.models.list()
        assert info.value.body == "upstream overloaded\n"
        assert str(info.value).endswith(": upstream overloaded")


def test_json_body_without_json_content_type(server: LocalServer) -> None:
    MODELS.route(
        server, text_reply('{"error": {"message": "nope"}}', 400, "text/plain")
    )
    with (
        make_client(MODELS, server.url) as client,
        pytest.raises(openai_api.BadRequestError) as info,
    ):
        client.models.list()
    assert info.value.body == {"error": {"message": "nope"}}


def peakprivacy_example(status: str) -> Any:
    spec = yaml.safe_load((SPECS / "peakprivacy.yaml").read_text(encoding="utf-8"))
    media = spec["paths"]["/ai/completions"]["post"]["responses"][status]["content"]
    (example,) = media["application/json"]["examples"].values()
    return example["value"]


PEAK_DOCUMENTED = [
    (
        "400",
        peakprivacy.BadRequestError,
        "Validation error (model: The model field is required.)",
    ),
    ("401", peakprivacy.AuthenticationError, "Unauthenticated"),
    (
        "403",
        peakprivacy.PermissionDeniedError,
        "Subscription amount limit has been reached",
    ),
]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    "status,cls,summary", PEAK_DOCUMENTED, ids=[s for s, *_ in PEAK_DOCUMENTED]
)
def test_peakprivacy_documented_errors(
    server: LocalServer, status: str, cls: type, summary: str, stream: bool
) -> None:
    body = peakprivacy_example(status)
    PEAK_CHAT.route(server, json_reply(body, int(status)))
    with make_client(PEAK_CHAT, server.url) as client, pytest.raises(cls) as info:
        if stream:
            client.chat.completions.create(model="m", messages=[], stream=True)
        else:
            client.chat.completions.create(model="m", messages=[])
    exc = info.value
    assert exc.status_code == int(status)
    assert exc.body == body
    assert str(exc).endswith(f"HTTP {status} {exc.response.reason_phrase}: {summary}")
    if status == "400":
        assert exc.body["errors"] == {"model": ["The model field is required."]}
    assert len(server.requests) == 1  # none of these is retried


async def test_peakprivacy_documented_errors_async(server: LocalServer) -> None:
    async with make_client(PEAK_CHAT, server.url, is_async=True) as client:
        for status, cls, summary in PEAK_DOCUMENTED:
            PEAK_CHAT.route(
                server, json_reply(peakprivacy_example(status), int(status))
            )
            with pytest.raises(
                cls, match=summary.replace("(", r"\(").replace(")", r"\)")
            ):
                await client.chat.completions.create(model="m", messages=[])


@pytest.mark.parametrize(
    "body,summary",
    [
        ({"error": {"message": "Bad key", "type": "auth"}}, "Bad key"),
        ({"error": "Unauthenticated"}, "Unauthenticated"),
        (
            {"message": "Validation error", "errors": {"a": ["x.", "y."], "b": "z"}},
            "Validation error (a: x. y.; b: z)",
        ),
        ({"message": "Plain"}, "Plain"),
        ({"detail": "Not Found"}, '{"detail": "Not Found"}'),
        (["a", 1], "['a', 1]"),
        (None, "(empty body)"),
        ("  text\n", "text"),
        ("x" * 600, "x" * 500 + "..."),
        ("<p>a &amp; b</p><style>p { color: red }</style>", "a & b"),
    ],
)
def test_error_summary_shapes(body: Any, summary: str) -> None:
    assert error_summary(body) == summary


def test_invalid_json_success_body(server: LocalServer) -> None:
    MODELS.route(server, Reply(200, b"{not json", {"Content-Type": "application/json"}))
    with (
        make_client(MODELS, server.url) as client,
        pytest.raises(
            openai_api.APIResponseValidationError, match="does not match ModelList"
        ) as info,
    ):
        client.models.list()
    assert info.value.body == b"{not json"
    assert info.value.response is not None and info.value.response.status_code == 200
    assert len(server.requests) == 1


def test_success_body_of_the_wrong_shape_raises_when_strict(
    server: LocalServer,
) -> None:
    """The tolerant default is tested in test_e2e_tolerant.py."""
    MODELS.route(server, json_reply({"object": "list", "data": [{"id": 5}]}))
    with (
        make_client(MODELS, server.url, strict_response_validation=True) as client,
        pytest.raises(openai_api.APIResponseValidationError, match=r"data\.0\.id"),
    ):
        client.models.list()


def test_unknown_fields_are_kept(server: LocalServer) -> None:
    MODELS.route(
        server,
        json_reply(
            {
                **MODELS.reply,
                "has_more": False,
                "data": [{**MODELS.reply["data"][0], "x_new": 1}],
            }
        ),
    )
    with make_client(MODELS, server.url) as client:
        result = client.models.list()
    assert result.has_more is False and result.data[0].x_new == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("package_name", sorted(CLIENTS))
def test_missing_credential(monkeypatch: pytest.MonkeyPatch, package_name: str) -> None:
    sync_name, async_name, env = CLIENTS[package_name]
    monkeypatch.delenv(env, raising=False)
    pkg = package(package_name)
    for cls_name in (sync_name, async_name):
        with pytest.raises(
            pkg.MissingCredentialError,
            match=f"pass api_key=... or set the {env} environment variable",
        ):
            getattr(pkg, cls_name)()
    monkeypatch.setenv(env, "from-the-environment")
    client = getattr(pkg, sync_name)()
    assert client._credentials.held()["api_key"] == "from-the-environment"


def test_exception_hierarchy() -> None:
    e = openai_api
    assert issubclass(e.APITimeoutError, e.APIConnectionError)
    for name in (
        "APIConnectionError",
        "APIStatusError",
        "APIResponseValidationError",
        "APIStreamError",
    ):
        assert issubclass(getattr(e, name), e.APIError)
    for _, name in STATUS_CLASSES:
        assert issubclass(getattr(e, name), e.APIStatusError)

"""Parameters, bodies, responses and auth of every kind, on the wire (tests/fixtures/params.yaml)."""

from __future__ import annotations

import base64
import datetime
import email.parser
import email.policy
import inspect
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.support.fixture_packages import Fixture, fixture
from tests.support.server import LocalServer, Recorded, Reply, json_reply, text_reply

TRACE = uuid.UUID("00000000-0000-4000-8000-000000000001")


@pytest.fixture(scope="module")
def fx() -> Fixture:
    return fixture("params.yaml")


@pytest.fixture
def client(
    fx: Fixture, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    for var in ("PARAMS_KEY", "PARAMS_QUERY_KEY", "PARAMS_TOKEN", "PARAMS_BASIC"):
        monkeypatch.delenv(var, raising=False)
    with fx.module.Params(
        api_key="hk", query_key="qk", token="tok", base_url=server.url
    ) as client:
        yield client


def query(rec: Recorded) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(rec.path).query, keep_blank_values=True)


def test_query_styles_enums_and_types(client: Any, server: LocalServer) -> None:
    server.route("GET", "/search", json_reply([{"id": 1}, {"id": 2, "name": "b"}]))
    items = client.search.query(
        x_trace_id=TRACE,
        limit=5,
        tags=["a", "b"],
        ids=[1, 2],
        words=["x", "y"],
        pipes=["p", "q"],
        filter={"color": "red", "size": 2},
        sort="asc",
        exact=True,
        since=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        where={"a": [1, "b"]},
    )
    assert query(server.requests[0]) == [
        ("limit", "5"),
        ("tags", "a"),
        ("tags", "b"),
        ("ids", "1,2"),
        ("words", "x y"),
        ("pipes", "p|q"),
        ("filter[color]", "red"),
        ("filter[size]", "2"),
        ("sort", "asc"),
        ("exact", "true"),
        ("since", "2024-01-02T03:04:05+00:00"),
        ("where", '{"a":[1,"b"]}'),
    ]
    assert [i.id for i in items] == [1, 2] and items[1].name == "b"  # top-level array


def test_omitted_and_none_query_parameters_are_not_sent(
    client: Any, server: LocalServer
) -> None:
    server.route("GET", "/search", json_reply([]))
    assert client.search.query(x_trace_id=TRACE) == []
    assert client.search.query(x_trace_id=TRACE, limit=None, tags=None) == []
    assert [r.path for r in server.requests] == ["/search", "/search"]


def test_header_parameters_of_every_type(client: Any, server: LocalServer) -> None:
    server.route("GET", "/search", json_reply([]))
    client.search.query(
        x_trace_id=TRACE,
        x_retry_count=3,
        x_dry_run=False,
        x_flags=["f1", "f2"],
        x_mode="safe",
    )
    headers = server.requests[0].headers
    assert headers["x-trace-id"] == str(TRACE)
    assert (headers["x-retry-count"], headers["x-dry-run"]) == ("3", "false")
    assert (headers["x-flags"], headers["x-mode"]) == ("f1,f2", "safe")
    with pytest.raises(TypeError):
        client.search.query()  # a required header is a required argument


def test_bounds_and_defaults_are_documented(fx: Fixture, client: Any) -> None:
    doc = inspect.getdoc(client.search.query) or ""
    assert "limit: Page size. (>= 1, <= 100, default 20)" in doc
    # The server applies its default: the argument's own default is "not given".
    limit = inspect.signature(client.search.query).parameters["limit"]
    assert limit.default is fx.module.NOT_GIVEN


def test_path_parameters_of_every_type(client: Any, server: LocalServer) -> None:
    server.route("GET", "/items/7/true/a%2Fb/x,y%20z", json_reply({"id": 7}))
    item = client.items.get(7, True, "a/b", ["x", "y z"])
    assert item.id == 7
    assert server.requests[0].path == "/items/7/true/a%2Fb/x,y%20z"


def test_204_and_several_2xx_responses(
    client: Any, fx: Fixture, server: LocalServer
) -> None:
    server.route("DELETE", f"/items/{TRACE}", Reply(204))
    assert client.items.delete(TRACE) is None
    server.route(
        "PUT",
        f"/items/{TRACE}",
        json_reply({"id": 1}, 200),
        json_reply({"created": {"id": 2}}, 201),
        Reply(204),
    )
    updated = client.items.upsert(TRACE, id=1)
    created = client.items.upsert(TRACE, id=2)
    unchanged = client.items.upsert(TRACE, id=3)
    assert isinstance(updated, fx.module.types.Item) and updated.id == 1
    assert created.created.id == 2
    assert unchanged is None


def test_form_body_and_plain_text_response(client: Any, server: LocalServer) -> None:
    server.route("POST", "/form", text_reply("thanks, n", 200, "text/plain"))
    text = client.forms.submit(name="n", age=3, subscribed=True, colors=["r", "g"])
    assert text == "thanks, n"
    rec = server.requests[0]
    assert rec.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(rec.body.decode()) == [
        ("name", "n"),
        ("age", "3"),
        ("subscribed", "true"),
        ("colors", "r"),
        ("colors", "g"),
    ]
    assert rec.headers["accept"] == "text/plain"


def test_multipart_body_with_files_and_fields(client: Any, server: LocalServer) -> None:
    server.route("POST", "/upload", json_reply({"id": 9}))
    item = client.files.upload(
        file=("a.txt", b"hello", "text/plain"),
        attachments=[b"one", ("two.bin", b"\x00\x01")],
        purpose="batch",
        meta={"owner": "me"},
        count=2,
    )
    assert item.id == 9
    rec = server.requests[0]
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: "
        + rec.headers["content-type"].encode()
        + b"\r\n\r\n"
        + rec.body
    )
    parts = [
        (
            p.get_param("name", header="content-disposition"),
            p.get_filename(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    ]
    assert sorted(parts, key=lambda p: (p[0], p[2])) == [
        ("attachments", "two.bin", b"\x00\x01"),
        ("attachments", "upload", b"one"),
        ("count", None, b"2"),
        ("file", "a.txt", b"hello"),
        ("meta", None, b'{"owner":"me"}'),
        ("purpose", None, b"batch"),
    ]
    file_part = next(p for p in message.iter_parts() if p.get_filename() == "a.txt")
    assert file_part.get_content_type() == "text/plain"


def test_binary_body_and_bytes_response(client: Any, server: LocalServer) -> None:
    server.route(
        "PUT",
        "/raw",
        Reply(200, b"\xff\xfe", {"Content-Type": "application/octet-stream"}),
    )
    assert client.files.put_raw(body=b"\x00\x01\x02") == b"\xff\xfe"
    rec = server.requests[0]
    assert rec.body == b"\x00\x01\x02"
    assert rec.headers["content-type"] == "application/octet-stream"


def test_server_variables_take_their_defaults(
    fx: Fixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARAMS_API_BASE_URL", raising=False)
    assert fx.module.Params(api_key="k").base_url == "https://eu.params.invalid/v2"


def test_security_schemes_and_per_operation_overrides(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    for path in ("/public", "/query-auth", "/bearer-or-basic", "/both"):
        server.route("GET", path, Reply(204))
    server.route("GET", "/search", json_reply([]))
    client.search.query(x_trace_id=TRACE)
    client.auth.public()
    client.auth.by_query()
    client.auth.bearer_or_basic()
    client.auth.both()
    default, public, by_query, bearer, both = server.requests
    assert (
        default.headers["x-api-key"] == "hk" and "authorization" not in default.headers
    )
    assert "x-api-key" not in public.headers and "authorization" not in public.headers
    assert query(by_query) == [("key", "qk")] and "x-api-key" not in by_query.headers
    assert bearer.headers["authorization"] == "Bearer tok"
    assert (both.headers["x-api-key"], both.headers["authorization"]) == (
        "hk",
        "Bearer tok",
    )


def test_second_security_alternative_and_missing_credentials(
    fx: Fixture, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("PARAMS_TOKEN", "PARAMS_BASIC", "PARAMS_QUERY_KEY"):
        monkeypatch.delenv(var, raising=False)
    server.route("GET", "/bearer-or-basic", Reply(204))
    token = base64.b64encode(b"user:pw").decode()
    with fx.module.Params(
        api_key="hk", basic_token=token, base_url=server.url
    ) as basic:
        basic.auth.bearer_or_basic()
    assert server.requests[0].headers["authorization"] == f"Basic {token}"
    bare = fx.module.Params(api_key="hk", base_url=server.url)
    with pytest.raises(fx.module.MissingCredentialError, match="token"):
        bare.auth.bearer_or_basic()
    monkeypatch.setenv("PARAMS_TOKEN", "from-env")
    with fx.module.Params(api_key="hk", base_url=server.url) as from_env:
        from_env.auth.bearer_or_basic()
    assert server.requests[-1].headers["authorization"] == "Bearer from-env"

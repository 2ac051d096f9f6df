"""Files never leak: a path uploads the file under its name; a value that cannot go the way
the spec declares raises TypeError naming the argument, and nothing is sent
(tests/fixtures/params.yaml, sync and async, on loopback).
"""

from __future__ import annotations

import email.parser
import email.policy
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixture_packages import Fixture, fixture
from tests.support.server import LocalServer, Recorded, Reply, json_reply


@pytest.fixture(scope="module")
def fx() -> Fixture:
    return fixture("params.yaml")


@pytest.fixture(params=[False, True], ids=["sync", "async"])
async def client(
    request: pytest.FixtureRequest,
    fx: Fixture,
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Any]:
    for var in ("PARAMS_KEY", "PARAMS_QUERY_KEY", "PARAMS_TOKEN", "PARAMS_BASIC"):
        monkeypatch.delenv(var, raising=False)
    cls = fx.module.AsyncParams if request.param else fx.module.Params
    c = cls(api_key="hk", query_key="qk", token="tok", base_url=server.url)
    c.is_async = request.param
    yield c
    await c.close() if request.param else c.close()


async def call(method: Any, *args: Any, **kwargs: Any) -> Any:
    result = method(*args, **kwargs)
    return await result if hasattr(result, "__await__") else result


def parts(rec: Recorded) -> list[tuple[Any, Any, Any]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: "
        + rec.headers["content-type"].encode()
        + b"\r\n\r\n"
        + rec.body
    )
    return sorted(
        (
            p.get_param("name", header="content-disposition"),
            p.get_filename(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    )


async def test_a_path_uploads_the_file_under_its_name(
    client: Any, server: LocalServer, tmp_path: Path
) -> None:
    report = tmp_path / "secret-dir" / "report.csv"
    report.parent.mkdir()
    report.write_bytes(b"a,b\n1,2\n")
    other = tmp_path / "notes.txt"
    other.write_bytes(b"notes")
    server.route("POST", "/upload", json_reply({"id": 9}))
    item = await call(
        client.files.upload,
        file=report,
        attachments=[other, ("renamed.bin", other), io.BytesIO(b"io")],
        purpose="batch",
    )
    assert item.id == 9
    (rec,) = server.requests
    assert parts(rec) == [
        ("attachments", "notes.txt", b"notes"),
        ("attachments", "renamed.bin", b"notes"),
        ("attachments", "upload", b"io"),
        ("file", "report.csv", b"a,b\n1,2\n"),
        ("purpose", None, b"batch"),
    ]
    assert str(tmp_path).encode() not in rec.body  # no local path on the wire
    assert b"secret-dir" not in rec.body


async def test_a_path_as_a_raw_body_sends_the_file(
    client: Any, server: LocalServer, tmp_path: Path
) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01\x02")
    server.route(
        "PUT", "/raw", Reply(200, b"ok", {"Content-Type": "application/octet-stream"})
    )
    assert await call(client.files.put_raw, body=blob) == b"ok"
    assert server.requests[0].body == b"\x00\x01\x02"


WRONG = [
    (
        "text in a file field",
        lambda c, p: (c.files.upload, {"file": "report.csv", "purpose": "batch"}),
        (
            "POST /upload: multipart field 'file': a file field takes bytes, a binary file, "
            "a path or a (filename, content) tuple, not str; nothing was sent"
        ),
    ),
    (
        "a path in a text field",
        lambda c, p: (c.files.upload, {"file": b"x", "purpose": p}),
        "multipart field 'purpose': the spec declares text here, not a file",
    ),
    (
        "a path in a form field",
        lambda c, p: (c.forms.submit, {"name": p}),
        "POST /form: form field 'name': cannot send a value of type",
    ),
    (
        "a path in a JSON body",
        lambda c, p: (c.items.upsert, {"item_id": "t", "id": 1, "name": p}),
        "body field 'name': cannot send a value of type",
    ),
    (
        "a path in a query parameter",
        lambda c, p: (c.search.query, {"x_trace_id": "t", "sort": "asc", "tags": [p]}),
        "GET /search: query parameter 'tags': cannot send a value of type",
    ),
    (
        "a number as a raw body",
        lambda c, p: (c.files.put_raw, {"body": 12}),
        "PUT /raw: the body takes bytes, a binary file or a path, not int",
    ),
]


@pytest.mark.parametrize(
    "make,message", [w[1:] for w in WRONG], ids=[w[0] for w in WRONG]
)
async def test_a_value_that_cannot_go_as_declared_raises_and_sends_nothing(
    client: Any, server: LocalServer, tmp_path: Path, make: Any, message: str
) -> None:
    secret = tmp_path / "home" / "me" / "key.pem"
    method, kwargs = make(client, secret)
    with pytest.raises(TypeError) as info:
        await call(method, **kwargs)
    assert message in str(info.value)
    assert server.requests == []

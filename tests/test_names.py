"""The identifier sanitiser (generator/names.py), and its result on the wire (tests/fixtures/identifiers.yaml)."""

from __future__ import annotations

import inspect
import json
import keyword
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.names import (
    KEYWORDS,
    MODEL_RESERVED,
    Scope,
    is_identifier,
    pascal_identifier,
    snake_identifier,
)
from tests.support.fixture_packages import Fixture, fixture
from tests.support.server import LocalServer, json_reply


@pytest.mark.parametrize(
    "wire, expected",
    [
        ("fooBar", "foo_bar"),
        ("foo-bar", "foo_bar"),
        ("a.b", "a_b"),
        ("with space", "with_space"),
        ("HTTPResponseCode", "http_response_code"),
        ("2fa", "value_2fa"),
        ("über", "uber"),
        ("日本", "value"),
        ("", "value"),
        ("__init__", "init"),
        ("__class__", "class_"),
        ("class", "class_"),
        ("def", "def_"),
        ("None", "none"),
        ("_", "value"),  # "_" is a soft keyword and means "unused": never a name
        ("match", "match"),  # other soft keywords are kept (see README)
        ("case", "case"),
        ("type", "type"),
        ("id", "id"),  # builtins are kept unless the scope uses them
    ],
)
def test_snake_identifier(wire: str, expected: str) -> None:
    assert snake_identifier(wire) == expected


def test_reserved_names_get_a_trailing_underscore() -> None:
    assert snake_identifier("json", reserved=MODEL_RESERVED) == "json_"
    assert snake_identifier("model_config", reserved=MODEL_RESERVED) == "model_config_"
    assert pascal_identifier("class") == "Class"
    assert pascal_identifier("chat.completion-chunk") == "ChatCompletionChunk"
    assert pascal_identifier("123") == "Model_123"


def test_keywords_do_not_depend_on_the_running_python() -> None:
    assert set(keyword.kwlist) <= KEYWORDS
    assert "_" in KEYWORDS
    assert not {"match", "case", "type"} & KEYWORDS


def test_scope_makes_collisions_unique_in_order() -> None:
    scope = Scope({"taken"})
    names = [
        scope.claim(snake_identifier(w))
        for w in ["fooBar", "foo_bar", "FooBar", "taken"]
    ]
    assert names == ["foo_bar", "foo_bar_2", "foo_bar_3", "taken_2"]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_any_text_becomes_a_safe_identifier(text: str) -> None:
    for name in (snake_identifier(text), pascal_identifier(text)):
        assert is_identifier(name) and name not in KEYWORDS
        assert not name.startswith("__")
        compile(f"{name} = 1", "<name>", "exec")


# -- generated code ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fx() -> Fixture:
    return fixture("identifiers.yaml")


WIRE_BODY = {
    "class": "c",
    "def": 1,
    "match": "m",
    "case": "k",
    "type": "t",
    "_": "u",
    "id": "i",
    "list": "l",
    "str": "s",
    "print": "p",
    "input": "in",
    "model_config": "mc",
    "model_dump": "md",
    "json": "j",
    "self": "se",
    "__init__": "di",
    "__class__": "dc",
    "foo-bar": "h",
    "a.b": "d",
    "with space": "sp",
    "2fa": "2",
    "über": "ü",
    "日本": "jp",
    "fooBar": "fb1",
    "foo_bar": "fb2",
    "FooBar": "fb3",
    "datetime": "2024-01-01T00:00:00",
}


def test_every_wire_name_round_trips_through_a_model(fx: Fixture) -> None:
    record = fx.module.types.Record.model_validate(WIRE_BODY)
    assert (
        record.model_dump(mode="json", by_alias=True, exclude_unset=True) == WIRE_BODY
    )
    assert (record.class_, record.match, record.type, record.id, record.print) == (
        "c",
        "m",
        "t",
        "i",
        "p",
    )
    assert (record.json_, record.model_config_, record.init, record.class__2) == (
        "j",
        "mc",
        "di",
        "dc",
    )
    assert (record.foo_bar, record.foo_bar_2, record.foo_bar_3, record.foo_bar_4) == (
        "h",
        "fb1",
        "fb2",
        "fb3",
    )
    assert (record.uber, record.field_2, record.field, record.field_2fa) == (
        "ü",
        "jp",
        "u",
        "2",
    )
    fields = fx.module.types.Record.model_fields
    assert all(is_identifier(name) for name in fields)
    assert sorted(f.alias or name for name, f in fields.items()) == sorted(WIRE_BODY)


@pytest.fixture
def client(fx: Fixture, server: LocalServer) -> Iterator[Any]:
    with fx.module.Names(base_url=server.url) as client:
        yield client


def test_wire_names_are_sent_exactly(client: Any, server: LocalServer) -> None:
    server.route("POST", "/records/r%201", lambda rec: json_reply(rec.json()))
    params = inspect.signature(client.records.create).parameters
    by_python = {
        "class_": "c", "def_": 1, "match": "m", "case": "k", "type_2": "t", "field": "u",
        "id": "i", "list": "l", "str_": "s", "print": "p", "input": "in",
        "model_config": "mc", "model_dump": "md", "json": "j", "self__2": "se",
        "init": "di", "class__2": "dc", "foo_bar": "h", "a_b": "d", "with_space": "sp",
        "field_2fa": "2", "uber_2": "ü", "field_2": "jp", "foo_bar_2": "fb1",
        "foo_bar_3": "fb2", "foo_bar_4": "fb3", "datetime_": "2024-01-01T00:00:00",
    }  # fmt: skip
    assert set(by_python) <= set(params)
    record = client.records.create(
        "r 1",
        page_size=5,
        from_="f",
        type="q",
        self_="s",
        extra_headers_="eh",
        timeout_="t",
        param_2fa="2",
        uber="ü",
        x_request_id="rid",
        **by_python,
    )
    rec = server.requests[0]
    assert json.loads(rec.body) == WIRE_BODY
    assert rec.path == (
        "/records/r%201?page-size=5&from=f&type=q&self=s&extra_headers=eh&timeout=t"
        "&2fa=2&%C3%BCber=%C3%BC"
    )
    assert rec.headers["x-request-id"] == "rid"
    assert record.class_ == "c"


def test_resources_methods_and_types_named_by_keywords_and_clashes(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    types = fx.module.types
    # Schemas named like the generated code's own imports keep their name plus "_".
    for name in ("Stream_", "Result_", "Field_", "Any_", "List_", "BaseModel_"):
        assert hasattr(types, name), name
    assert types.Users.__name__ == "Users"  # the type keeps its name...
    assert type(client.users).__name__ == "UsersResource"  # ...the resource yields
    server.route(
        "GET",
        "/odd",
        json_reply({"result": {"stream": {"id": "s"}}, "list": [{"field": "a"}]}),
    )
    odd = client.class_.def_()
    assert odd.result.stream.id == "s" and odd.list_[0].field == "a"
    server.route("GET", "/users/by%20id", json_reply({"names": ["x"]}))
    assert client.users.get_by_id().names == ["x"]
    server.route("GET", "/str", json_reply("text"))
    assert client.types_.str_() == '"text"'  # a text/plain response, as text

"""The tolerant walk over the type shapes generated code uses (unions, maps, aliases, bytes)."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

import pytest
from pydantic import Field
from typing_extensions import TypeAliasType

from generator.runtime._models import BaseModel
from generator.runtime._tolerant import read_tolerant, tolerant_value


class Cat(BaseModel):
    type: Literal["cat"]
    lives: int


class Dog(BaseModel):
    type: Literal["dog"]
    good: bool


Pet = Annotated[Cat | Dog, Field(discriminator="type")]


class Owner(BaseModel):
    name: str
    pets: list[Pet]
    by_name: dict[str, Cat] = Field(default_factory=dict)
    maybe: list[Dog | None] | None = None
    blob: bytes | None = None


Json = TypeAliasType(
    "Json", "dict[str, Json] | list[Json] | str | int | float | bool | None"
)


def read(tp: Any, data: Any) -> tuple[Any, list[str]]:
    seen: set[tuple[str, str, str]] = set()
    value = tolerant_value(tp, data, where="GET /owner", seen=seen)
    return value, sorted(pointer for _, pointer, _ in seen)


def test_fitting_data_is_validated_as_usual() -> None:
    data = {"name": "a", "pets": [{"type": "cat", "lives": 9}], "blob": "aGk="}
    owner, drift = read(Owner, data)
    assert drift == []
    assert owner.blob == b"hi"  # base64, as JSON would be read
    assert owner == Owner.model_validate_json(
        '{"name": "a", "pets": [{"type": "cat", "lives": 9}], "blob": "aGk="}'
    )


def test_discriminated_unions_maps_and_nested_lists() -> None:
    data = {
        "name": "a",
        "pets": [
            {"type": "dog", "good": "very"},
            {"type": "cat", "lives": 9},
            {"type": "hamster"},
        ],
        "by_name": {
            "tom": {"type": "cat", "lives": "nine"},
            "ok": {"type": "cat", "lives": 1},
        },
        "maybe": [None, {"type": "dog", "good": 3}],
        "blob": "aGk=",
        "extra": [1],
    }
    owner, drift = read(Owner, data)
    assert type(owner.pets[0]) is Dog and vars(owner.pets[0])["good"] == "very"
    assert type(owner.pets[1]) is Cat and owner.pets[1].lives == 9
    # A tag no member has: the first member, the tag kept as sent.
    assert type(owner.pets[2]) is Cat and vars(owner.pets[2])["type"] == "hamster"
    assert (
        type(owner.by_name["tom"]) is Cat
        and vars(owner.by_name["tom"])["lives"] == "nine"
    )
    assert type(owner.by_name["ok"]) is Cat
    assert owner.maybe is not None and owner.maybe[0] is None
    assert type(owner.maybe[1]) is Dog and owner.maybe[1].good == 3
    assert owner.blob == b"hi"
    assert owner.extra == [1]
    assert "/pets/-/good" in drift and "/pets/-/type" in drift
    assert "/by_name/tom/lives" in drift
    assert "/maybe/-/good" in drift


def test_recursive_aliases_and_the_whole_body() -> None:
    value, drift = read(Json, {"a": [1, {"b": object.__name__}]})
    assert value == {"a": [1, {"b": "object"}]} and drift == []
    body, drift = read(Owner, [1, 2])
    assert body == [1, 2] and drift == [""]  # the whole body, kept as sent


def test_each_field_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    seen: set[tuple[str, str, str]] = set()
    caplog.set_level(logging.WARNING)
    data = {"name": 1, "pets": [{"type": "cat", "lives": "x"}] * 3}
    for _ in range(2):
        tolerant_value(Owner, data, where="GET /owner", seen=seen)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert messages[0].startswith(
        "GET /owner: the response does not fit Owner at /name"
    )
    assert "at /pets/0/lives: expected int, got a string" in messages[1]


def test_not_json_raises() -> None:
    with pytest.raises(ValueError):
        read_tolerant(Owner, b"{nope", where="GET /owner")


class Outer(BaseModel):
    items: list[Middle]


class Middle(BaseModel):  # refers to a model defined after it
    inner: Inner
    n: int


class Inner(BaseModel):
    x: int


def test_a_model_met_only_as_a_field_resolves_its_forward_references() -> None:
    """Generated modules define a model before the models its fields name."""
    Outer.model_validate({"items": []})  # builds Outer, not Middle itself
    outer, drift = read(Outer, {"items": [{"inner": {"x": 1}}]})
    assert drift == ["/items/-/n"]
    assert type(outer.items[0].inner) is Inner and outer.items[0].inner.x == 1

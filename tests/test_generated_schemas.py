"""Schema coverage: the client generated from tests/fixtures/schemas.yaml, in use.

Each test exercises generated code: payloads validated by the generated
models, requests sent to a real local server and checked byte for byte.
"""

from __future__ import annotations

import datetime
import inspect
import json
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest

from tests.support.fixture_packages import Fixture, fixture
from tests.support.server import LocalServer, json_reply


@pytest.fixture(scope="module")
def fx() -> Fixture:
    return fixture("schemas.yaml")


@pytest.fixture
def client(fx: Fixture, server: LocalServer) -> Iterator[Any]:
    with fx.module.Schemas(api_key="sk-test", base_url=server.url) as client:
        yield client


def validate(tp: Any, data: Any) -> Any:
    return pydantic.TypeAdapter(tp).validate_python(data)


def test_ref_chain_is_one_type(fx: Fixture, client: Any, server: LocalServer) -> None:
    types = fx.module.types
    assert types.Alias3 is types.Alias2 is types.Alias1 is types.Leaf
    server.route("GET", "/chain", json_reply({"name": "leaf", "extra": 1}))
    leaf = client.chain.get()
    assert isinstance(leaf, types.Leaf) and leaf.name == "leaf"
    assert leaf.model_extra == {"extra": 1}  # unknown fields are kept


def test_recursive_model_round_trips(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    tree = {
        "value": 1,
        "children": [{"value": 2, "children": [{"value": 3}]}],
        "parent": None,
    }
    server.route("POST", "/tree", lambda rec: json_reply(rec.json()))
    result = client.tree.echo(value=1, children=tree["children"], parent=None)
    assert server.requests[0].body == json.dumps(tree, separators=(",", ":")).encode()
    TreeNode = fx.module.types.TreeNode
    assert isinstance(result.children[0].children[0], TreeNode)
    assert result.children[0].children[0].value == 3 and result.parent is None
    with pytest.raises(pydantic.ValidationError):
        TreeNode.model_validate({"value": 1, "children": [{"value": "deep"}]})


def test_recursive_alias_is_a_real_type(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    types = fx.module.types
    value = {"a": [1.5, "x", True, None, {"b": []}]}
    assert validate(types.JsonValue, value) == value
    with pytest.raises(pydantic.ValidationError):
        validate(types.JsonValue, {"a": [object()]})
    assert type(types.JsonValue).__name__ == "TypeAliasType"  # not Any
    server.route("POST", "/json", lambda rec: json_reply(rec.json()))
    assert client.json.echo(body=value) == value
    assert json.loads(server.requests[0].body) == value


def test_mutually_recursive_aliases(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    server.route("GET", "/expr", json_reply([1, [2, [3, []]]]))
    assert client.expr.get() == [1, [2, [3, []]]]
    with pytest.raises(pydantic.ValidationError):
        validate(fx.module.types.Expr, [1, ["two"]])


def test_all_of_merges_parts(fx: Fixture, client: Any, server: LocalServer) -> None:
    Document = fx.module.types.Document
    server.route(
        "GET",
        "/documents",
        json_reply(
            {"name": "d", "created": "2024-05-06T07:08:09Z", "pages": 3, "note": "n"}
        ),
    )
    doc = client.documents.get()
    assert (doc.name, doc.pages, doc.note) == ("d", 3, "n")
    assert doc.created == datetime.datetime(
        2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc
    )
    for missing in ("name", "created", "pages"):  # required by each part
        data = {"name": "d", "created": "2024-05-06T07:08:09Z", "pages": 3}
        del data[missing]
        with pytest.raises(pydantic.ValidationError):
            Document.model_validate(data)


def test_all_of_with_an_annotation_only_part_is_the_referenced_type(
    client: Any, fx: Fixture, server: LocalServer
) -> None:
    server.route(
        "GET", "/maybe", json_reply({"leaf": {"name": "x"}}), json_reply({"leaf": None})
    )
    assert isinstance(client.maybe.get().leaf, fx.module.types.Leaf)
    assert client.maybe.get().leaf is None


def test_discriminated_union_uses_the_literal_tags(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    types = fx.module.types
    server.route(
        "GET",
        "/pets",
        json_reply(
            [
                {"pet_type": "cat", "lives": 9},
                {"pet_type": "puppy", "good": True},
                {"pet_type": "lizard", "lives": "seven"},
            ]
        ),
    )
    cat, dog, lizard = client.pets.list()
    assert isinstance(cat, types.Cat) and isinstance(dog, types.Dog)
    assert isinstance(lizard, types.Lizard) and lizard.lives == "seven"
    # The tag decides: a cat with a lizard's lives fails as a cat, nothing else is tried.
    with pytest.raises(pydantic.ValidationError) as info:
        validate(types.Pet, {"pet_type": "cat", "lives": "seven"})
    assert [e["loc"][0] for e in info.value.errors()] == ["cat"]
    with pytest.raises(pydantic.ValidationError) as info:
        validate(types.Pet, {"pet_type": "cow"})
    assert info.value.errors()[0]["type"] == "union_tag_invalid"
    # A one-value property that is not required defaults to its only value.
    assert types.Lizard.model_validate({"lives": "1"}).pet_type == "lizard"


def test_discriminator_mapping_picks_members_by_tag(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    types = fx.module.types
    server.route(
        "GET",
        "/events",
        json_reply([{"kind": "mouse.click", "x": 3}, {"kind": "keyboard", "key": "q"}]),
    )
    click, key = client.events.list()
    assert isinstance(click, types.Click) and click.x == 3
    assert isinstance(key, types.Key) and key.key == "q"
    with pytest.raises(pydantic.ValidationError) as info:
        validate(types.Event, {"kind": "Click", "x": 1})  # tags come from the mapping
    assert info.value.errors()[0]["type"] == "union_tag_not_found"
    built = types.Click(kind="mouse.click", x=1)
    assert validate(types.Event, built) is built


def test_unusable_discriminator_falls_back_with_a_warning(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    assert any(
        "#/components/schemas/Loose/discriminator" in w and "plain Union" in w
        for w in fx.warnings
    )
    server.route("GET", "/loose", json_reply({"kind": "k", "x": 1}))
    assert isinstance(client.loose.get(), fx.module.types.Click)


def test_enums_consts_and_nullability_on_the_wire(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    types = fx.module.types
    sent = {
        "color": "blue green",
        "level": 2,
        "version": 2,
        "mode": "strict",
        "nickname": None,
        "shade": None,
        "ratio": None,
    }
    server.route("PUT", "/settings", lambda rec: json_reply(rec.json()))
    result = client.settings.update(**sent)
    assert json.loads(server.requests[0].body) == sent
    assert isinstance(result, types.Settings) and result.color == "blue green"
    base = {"color": "red", "level": 1, "version": 2, "mode": "strict"}
    for field, bad in [
        ("color", "purple"),
        ("level", 4),
        ("version", 3),
        ("mode", "lax"),
    ]:
        with pytest.raises(pydantic.ValidationError):
            types.Settings.model_validate({**base, field: bad})
    with pytest.raises(pydantic.ValidationError):
        types.Settings.model_validate({**base, "shade": "grey"})
    assert types.Settings.model_validate({**base, "shade": None}).shade is None


def test_maps_free_form_objects_and_nested_arrays(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    types = fx.module.types
    bag = {
        "counts": {"a": 1},
        "anything": {"x": [1, {"y": None}]},
        "free": {},
        "closed": {"k": "v"},
        "grid": [[1.5, 2.0], []],
        "cube": [[[{"name": "deep"}]]],
    }
    server.route("POST", "/bags", lambda rec: json_reply(rec.json()))
    result = client.bags.create(**bag)
    assert json.loads(server.requests[0].body) == bag
    assert result.cube[0][0][0].name == "deep" and result.grid == [[1.5, 2.0], []]
    with pytest.raises(pydantic.ValidationError):
        types.Bag.model_validate({**bag, "counts": {"a": "one"}})
    with pytest.raises(pydantic.ValidationError):
        types.Bag.model_validate({**bag, "grid": [1.5]})


def test_additional_properties_schema_types_the_extra_fields(fx: Fixture) -> None:
    Labels = fx.module.types.Labels
    labels = Labels.model_validate({"id": "x", "a": 1, "b": 2})
    assert labels.model_extra == {"a": 1, "b": 2}
    with pytest.raises(pydantic.ValidationError):
        Labels.model_validate({"id": "x", "a": "not an integer"})


def test_formats_map_to_python_types(fx: Fixture) -> None:
    thing = fx.module.types.Thing.model_validate(
        {
            "id": "12345678-1234-5678-1234-567812345678",
            "name": "n",
            "when": "2024-01-02T03:04:05+00:00",
            "day": "2024-01-02",
            "wait": "PT1H30M",
            "blob": "aGVsbG8=",
        }
    )
    assert thing.id == uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert thing.when == datetime.datetime(
        2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc
    )
    assert thing.day == datetime.date(2024, 1, 2)
    assert thing.wait == datetime.timedelta(hours=1, minutes=30)
    assert thing.blob == b"hello"


def test_request_sends_only_given_arguments_and_null_only_where_allowed(
    client: Any, server: LocalServer
) -> None:
    server.route(
        "POST",
        "/things",
        json_reply(
            {"id": str(uuid.UUID(int=1)), "name": "n", "when": "2024-01-02T03:04:05Z"},
            201,
        ),
    )
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    client.things.create(
        name="n",
        when=when,
        wait=datetime.timedelta(minutes=2),
        blob=b"hello",
        secret="s3",  # writeOnly: sent
        size=None,  # not nullable: None means "not given"
        note=None,  # nullable: sent as null
        label=None,
    )
    assert json.loads(server.requests[0].body) == {
        "name": "n",
        "when": "2024-01-02T03:04:05+00:00",
        "wait": "PT120S",
        "blob": "aGVsbG8=",
        "secret": "s3",
        "note": None,
        "label": None,
    }


def test_read_only_and_write_only_properties(fx: Fixture, client: Any) -> None:
    params = inspect.signature(client.things.create).parameters
    assert "id" not in params and "secret" in params  # readOnly left out of requests
    fields = fx.module.types.Thing.model_fields
    assert "id" in fields and "secret" not in fields  # writeOnly left out of responses


def test_spec_defaults_fill_absent_response_fields(fx: Fixture, client: Any) -> None:
    thing = fx.module.types.Thing.model_validate(
        {"id": str(uuid.UUID(int=2)), "name": "n", "when": "2024-01-02T03:04:05Z"}
    )
    assert (thing.size, thing.unit, thing.tags, thing.label, thing.kind) == (
        10,
        "cm",
        [],
        "unnamed",
        "thing",
    )
    assert thing.day is None and thing.note is None
    other = fx.module.types.Thing.model_validate(
        {"id": str(uuid.UUID(int=3)), "name": "m", "when": "2024-01-02T03:04:05Z"}
    )
    other.tags.append("x")
    assert thing.tags == []  # defaults are not shared between instances
    doc = inspect.getdoc(client.things.create) or ""
    assert "size: (default 10)" in doc and 'unit: (default "cm")' in doc


def test_deprecated_operations_arguments_and_fields_warn(
    fx: Fixture, client: Any, server: LocalServer
) -> None:
    server.route("GET", "/old-things", json_reply({"items": []}))
    server.route("GET", "/things", json_reply({"items": [], "next": None}))
    with pytest.warns(DeprecationWarning, match="/old-things is deprecated"):
        client.things.list_old()
    with pytest.warns(DeprecationWarning, match="order is deprecated"):
        client.things.list(order="asc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.things.list(cursor="c")  # nothing deprecated used: no warning
    assert [r.path for r in server.requests] == [
        "/old-things",
        "/things?order=asc",
        "/things?cursor=c",
    ]
    thing = fx.module.types.Thing.model_validate(
        {
            "id": str(uuid.UUID(int=4)),
            "name": "n",
            "when": "2024-01-02T03:04:05Z",
            "legacy": "l",
        }
    )
    with pytest.warns(DeprecationWarning):
        assert thing.legacy == "l"
    server.route(
        "POST",
        "/things",
        json_reply(
            {"id": str(uuid.UUID(int=5)), "name": "n", "when": "2024-01-01T00:00:00"}
        ),
    )
    with pytest.warns(DeprecationWarning, match="legacy is deprecated"):
        client.things.create(name="n", when=datetime.datetime(2024, 1, 1), legacy="x")
    assert json.loads(server.requests[-1].body)["legacy"] == "x"


def test_union_path_parameter(client: Any, server: LocalServer) -> None:
    server.route("GET", "/ids/5", json_reply(5))
    server.route("GET", "/ids/x%20y", json_reply("x y"))
    assert client.ids.get(5) == 5
    assert client.ids.get("x y") == "x y"


async def test_async_client_uses_the_same_types(
    fx: Fixture, server: LocalServer
) -> None:
    server.route("POST", "/tree", lambda rec: json_reply(rec.json()))
    async with fx.module.AsyncSchemas(api_key="sk-test", base_url=server.url) as client:
        tree = await client.tree.echo(value=7, children=[{"value": 8}])
    assert isinstance(tree.children[0], fx.module.types.TreeNode)
    assert json.loads(server.requests[0].body) == {
        "value": 7,
        "children": [{"value": 8}],
    }


def test_openapi_30_nullable(server: LocalServer) -> None:
    fx30 = fixture("schemas_30.yaml")
    server.route("POST", "/pets", lambda rec: json_reply(rec.json()))
    with fx30.module.Schemas30(base_url=server.url) as client:
        pet = client.pets.create(
            name="rex", nickname=None, owner=None, size=None, weight=None, age=None
        )
    # nullable fields send null; the others treat None as "not given"
    assert json.loads(server.requests[0].body) == {
        "name": "rex",
        "nickname": None,
        "owner": None,
        "size": None,
    }
    assert pet.nickname is None and pet.owner is None
    Pet = fx30.module.types.Pet
    with pytest.raises(pydantic.ValidationError):
        Pet.model_validate({"name": "rex"})  # required, even though nullable
    with pytest.raises(pydantic.ValidationError):
        Pet.model_validate({"name": None, "nickname": None})  # not nullable
    assert (
        Pet.model_validate(
            {"name": "r", "nickname": "n", "owner": {"name": "o"}}
        ).owner.name
        == "o"
    )

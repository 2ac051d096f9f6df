"""The public-surface changelog ``generate`` prints: read from source on both sides, with ast."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.changelog import changelog, compare, surface
from tests.support.packages import SPECS, default_specs

OLD_CLIENT = """
from functools import cached_property

class Shop(SyncAPIClient):
    @cached_property
    def items(self) -> Items:
        from .resources.items import Items
        return Items(self)

class AsyncShop(AsyncAPIClient):
    @cached_property
    def items(self) -> AsyncItems:
        return AsyncItems(self)
"""

OLD_ITEMS = """
class Items(SyncResource):
    def list(self, *, limit: int | NotGiven = NOT_GIVEN, timeout: float | None = None) -> ItemList:
        ...

    def get(self, item_id: str) -> Item:
        ...

    @cached_property
    def reviews(self) -> Reviews:
        return Reviews(self._client)

    def _helper(self) -> None:
        ...

class Reviews(SyncResource):
    def list(self, item_id: str) -> ReviewList:
        ...

class AsyncItems(AsyncResource):
    async def list(self) -> ItemList:
        ...
"""

OLD_TYPES = """
class Item(BaseModel):
    id: str
    price: int
    note: Optional[str] = None

class ItemParam(TypedDict, total=False):
    name: Required[str]

Color: TypeAlias = Literal["red", "blue"]
Weird = TypedDict("Weird", {"a-b": int})
"""


def old_package() -> dict[str, str]:
    return {
        "_client.py": OLD_CLIENT,
        "resources/items.py": OLD_ITEMS,
        "types/item.py": OLD_TYPES,
        "_runtime/_base.py": "class NotPublic:\n    def run(self) -> None: ...\n",
    }


def test_surface_follows_client_attributes_and_skips_the_async_twin() -> None:
    s = surface(old_package())
    assert sorted(s.methods) == [
        "client.items.get",
        "client.items.list",
        "client.items.reviews.list",
    ]
    assert s.methods["client.items.get"].text() == "(item_id: str) -> Item"
    assert s.methods["client.items.list"].text() == (
        "(limit: int | NotGiven = NOT_GIVEN, ...) -> ItemList"
    )
    assert sorted(s.types) == ["Color", "Item", "ItemParam", "Weird"]
    assert s.types["Item"].kind == "model"
    assert s.types["Weird"].fields == (("a-b", "int"),)
    assert s.types["Color"].fields == (("", "Literal['red', 'blue']"),)


def test_compare_names_each_kind_of_change() -> None:
    new = old_package()
    new["resources/items.py"] = (
        OLD_ITEMS.replace("limit: int | NotGiven", "limit: int | None")
        .replace(
            "def get(self, item_id: str) -> Item",
            "def get(self, item_id: str, *, expand: bool = False) -> Item",
        )
        .replace(
            "def list(self, item_id: str) -> ReviewList",
            "def delete(self, item_id: str) -> None",
        )
    )
    new["types/item.py"] = (
        OLD_TYPES.replace("    price: int\n", "    price: float\n    currency: str\n")
        .replace("    note: Optional[str] = None\n", "")
        .replace('"red", "blue"', '"red"')
        + "\nclass Receipt(BaseModel):\n    total: float\n"
    )
    lines = compare(surface(old_package()), surface(new))
    assert lines == [
        "+ method client.items.reviews.delete(item_id: str) -> None",
        "- method client.items.reviews.list",
        "~ method client.items.get",
        "    + param expand: bool = False",
        "~ method client.items.list",
        "    ~ param limit: int | NotGiven = NOT_GIVEN -> int | None = NOT_GIVEN",
        "+ type Receipt (model, 1 field)",
        "~ type Color",
        "    ~ Literal['red', 'blue'] -> Literal['red']",
        "~ type Item",
        "    + field currency: str",
        "    ~ field price: int -> float",
        "    - field note",
    ]
    assert compare(surface(old_package()), surface(old_package())) == []


def test_an_old_file_that_is_not_python_is_named(tmp_path: Path) -> None:
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "_client.py").write_text("def broken(:\n")
    lines = changelog({"shop": old_package()}, tmp_path)
    assert lines[0] == "shop: public surface changed"
    assert "not valid Python before: _client.py" in lines[-1]


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    copy = tmp_path / "pienteger.yaml"
    copy.write_text((SPECS / "pienteger.yaml").read_text(encoding="utf-8"))
    return copy


def _generate(spec: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert cli.main(["generate", str(spec), "--out", str(out)]) == 0
    return capsys.readouterr().out.splitlines()


def test_generate_prints_what_changed_and_nothing_when_nothing_did(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    first = _generate(spec, out, capsys)
    assert "pienteger: new package (3 methods, 7 types)" in first
    again = _generate(spec, out, capsys)
    assert [line for line in again if line.startswith("pienteger:")] == []
    assert len(again) == 2  # the files line and the summary, nothing else

    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    schemas = data["components"]["schemas"]
    schemas["Completion"]["properties"]["system_fingerprint"] = {
        "type": "string",
        "description": "Which backend configuration answered.",
    }
    del schemas["CreateCompletionRequest"]["properties"]["seed"]
    schemas["CompletionUsage"]["properties"]["total_tokens"]["type"] = "number"
    del data["paths"]["/models/{model}"]
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    lines = _generate(spec, out, capsys)
    start = lines.index("pienteger: public surface changed")
    assert lines[start + 1 : start + 9] == [
        "  - method client.models.retrieve",
        "  ~ method client.completions.create",
        "      - param seed",
        "  ~ type Completion",
        "      + field system_fingerprint: Optional[str] = None",
        "  ~ type CompletionUsage",
        "      ~ field total_tokens: Optional[int] = None -> Optional[float] = None",
        "generated 1 package(s) in " + lines[start + 8].split(" in ")[1],
    ]


def test_new_package_counts_from_the_ir_equal_the_parsed_surface() -> None:
    from generator import pipeline

    result = pipeline.run(default_specs())
    for name, api in result.apis.items():
        parsed = surface(result.packages[name])
        methods = sum(len(r.methods) for m in api.resources for r in m.resource.walk())
        assert (methods, len(api.type_names)) == (
            len(parsed.methods),
            len(parsed.types),
        ), name

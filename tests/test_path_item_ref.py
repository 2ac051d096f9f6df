"""A spec whose path items are ``$ref``s (OpenAPI 3.1) works the same in every command.

Every command reads operations through ``generator.openapi``; before that,
docs-check and the publish index read the ``{"$ref": ...}`` object itself
and missed what was behind it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.docs_check import docs_check
from generator.load import load_spec
from generator.publish import publish
from generator.validate import check_spec

HERE = Path(__file__).parent / "fixtures" / "path_item_ref"
SPEC = HERE / "spec.yaml"
DOC = HERE / "models.md"


def test_the_spec_is_valid_strictly() -> None:
    report = check_spec(load_spec(SPEC), strict=True)
    assert report.errors == [] and report.warnings == []


def test_generate_makes_a_method_for_each_operation_behind_a_ref(
    tmp_path: Path,
) -> None:
    assert cli.main(["generate", str(SPEC), "--out", str(tmp_path)]) == 0
    models = (tmp_path / "path_item_ref" / "resources" / "models.py").read_text()
    assert "def list(" in models and "def retrieve(" in models
    assert '"/models"' in models
    # the path-level parameter of the referenced path item is the positional argument
    assert "def retrieve(\n        self,\n        model: str," in models


def test_docs_check_matches_operations_and_path_level_parameters_behind_a_ref() -> None:
    report = docs_check(SPEC, [DOC])
    assert report.exit_code == 0, [f.format() for f in report.findings]
    matches = {(f.kind, f.operation, f.pointer) for f in report.group("match")}
    assert ("curl", "models.list", "#/components/pathItems/Models/get") in matches
    assert ("endpoint", "models.retrieve", "#/components/pathItems/Model/get") in (
        matches
    )
    # the "Path parameters" table names a parameter declared on the path item
    assert ("table", "models.retrieve", "#/components/pathItems/Model/get") in matches
    assert report.group("coverage") == []


def test_diff_reports_removing_the_operation_behind_a_ref(tmp_path: Path) -> None:
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    del data["components"]["pathItems"]["Models"]["get"]
    data["components"]["pathItems"]["Models"]["summary"] = "nothing left"
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "diff.json"
    with out.open("w") as sink, pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdout", sink)
        code = cli.main(["diff", str(SPEC), str(new), "--format", "json"])
    assert code == 1
    changes = json.loads(out.read_text())["changes"]
    removed = [c for c in changes if c["rule"] == "operation-removed"]
    assert [(c["location"], c["breaking"], c["pointer"]) for c in removed] == [
        ("GET /models", True, "#/components/pathItems/Models/get")
    ]


def test_publish_index_lists_the_operations_behind_refs(tmp_path: Path) -> None:
    items, _ = publish([SPEC], tmp_path / "site")
    (item,) = items
    assert [op[:3] for op in item.operations] == [
        ("GET", "/models", "models.list"),
        ("GET", "/models/{model}", "models.retrieve"),
    ]
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "models.list" in index and "models.retrieve" in index

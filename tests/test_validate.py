"""Stage 2: validation. Every error names the file, the JSON pointer and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import load_spec, load_text
from generator.validate import check_spec, concrete_pointer, validate_spec
from tests.support.packages import default_specs

BROKEN = Path(__file__).parent / "fixtures" / "broken"


@pytest.mark.parametrize("spec_path", default_specs(), ids=lambda p: p.name)
def test_our_specs_pass_strict(spec_path: Path) -> None:
    report = check_spec(load_spec(spec_path), strict=True)
    assert report.errors == [], "\n".join(f.format() for f in report.errors)


def test_we_have_the_four_specs() -> None:
    assert [p.name for p in default_specs()] == [
        "openai.yaml",
        "peakprivacy.yaml",
        "pienteger.yaml",
        "prime_intellect.yaml",
    ]


def test_empty_and_wrong_responses_are_located() -> None:
    report = validate_spec(load_spec(BROKEN / "missing_responses.yaml"))
    found = {(f.pointer, f.line) for f in report.errors}
    assert ("#/paths/~1models/get/responses", 9) in found
    assert ("#/paths/~1models/post/responses", 13) in found
    assert all(f.file.endswith("missing_responses.yaml") for f in report.errors)


def test_dangling_refs_are_reported_with_the_reference() -> None:
    report = validate_spec(load_spec(BROKEN / "dangling_ref.yaml"))
    messages = "\n".join(f.format() for f in report.errors)
    assert len(report.errors) == 2
    assert (
        ":22: #/components/schemas/Model/properties/owner/$ref: reference '#/components/schemas/Owner' does not resolve"
        in messages
    )
    assert (
        ":15: #/paths/~1models/get/responses/200/content/application~1json/schema/$ref: reference '#/components/schemas/Nowhere'"
        in messages
    )


def test_duplicate_operation_id_names_both_places() -> None:
    report = validate_spec(load_spec(BROKEN / "duplicate_operation_id.yaml"))
    (finding,) = report.errors
    assert finding.pointer == "#/paths/~1b/get/operationId"
    assert "#/paths/~1a/get" in finding.message


def test_example_mismatch_is_a_warning_and_strict_makes_it_an_error() -> None:
    spec = load_spec(BROKEN / "example_mismatch.yaml")
    report = check_spec(spec)
    assert report.errors == []
    messages = [w.message for w in report.warnings]
    assert any(
        "'yesterday' is not of type 'integer'" in m and "at /data/0/created" in m
        for m in messages
    )
    assert any("not dotted" in m for m in messages)
    strict = check_spec(spec, strict=True)
    assert len(strict.errors) == 2 and strict.warnings == []


def test_x_key_under_paths_does_not_crash_the_validator() -> None:
    assert (
        check_spec(load_spec(BROKEN / "x_under_paths.yaml"), strict=True).errors == []
    )


def test_stream_examples_are_checked_event_by_event() -> None:
    text = (BROKEN.parent.parent.parent / "specs" / "openai.yaml").read_text()
    broken = text.replace('"object": "chat.completion.chunk"', '"object": 5', 1)
    assert broken != text
    report = validate_spec(load_text(broken, "openai-edited.yaml"))
    assert any("stream example" in w.message for w in report.warnings)


def test_swagger_2_and_unknown_versions_are_refused() -> None:
    assert (
        "Swagger 2.0"
        in validate_spec(load_text("swagger: '2.0'\n", "s.yaml")).errors[0].message
    )
    assert (
        "unsupported OpenAPI version"
        in validate_spec(load_text("openapi: 4.0.0\n", "s.yaml")).errors[0].message
    )


def test_external_refs_are_refused() -> None:
    text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'other.yaml#/B'}\n"
    (err,) = validate_spec(load_text(text, "s.yaml")).errors
    assert err.pointer == "#/components/schemas/A/$ref" and "bundle" in err.message


def test_lenient_softens_validator_errors_but_not_structural_ones() -> None:
    soft = check_spec(load_spec(BROKEN / "missing_responses.yaml"), lenient=True)
    assert soft.errors == [] and len(soft.warnings) >= 2
    hard = check_spec(load_spec(BROKEN / "dangling_ref.yaml"), lenient=True)
    assert len(hard.errors) == 2


def test_concrete_pointer_follows_refs() -> None:
    data = {
        "paths": {"/a": {"get": {"schema": {"$ref": "#/components/schemas/X"}}}},
        "components": {"schemas": {"X": {"required": ["a"]}}},
    }
    assert (
        concrete_pointer(data, ("paths", "/a", "get", "schema", "required"))
        == "#/components/schemas/X/required"
    )

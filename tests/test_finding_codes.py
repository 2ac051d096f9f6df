"""Every finding says what kind of problem it is; ``--lenient`` decides by that kind, not by wording."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.build.api import Builder
from generator.bundle import bundle
from generator.diff import load_side
from generator.errors import Code, Finding, SpecError
from generator.load import load_spec, load_text
from generator.publish import prepare
from generator.validate import LENIENT_CODES, Report, check_spec, soften, validate_spec
from tests.support.packages import REAL_SPECS

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


def codes(findings: list[Finding]) -> set[Code]:
    return {f.code for f in findings}


@pytest.mark.parametrize(
    ("fixture", "errors", "warnings"),
    [
        ("broken/dangling_ref.yaml", {Code.REF_UNRESOLVED}, set()),
        ("broken/duplicate_operation_id.yaml", {Code.OPERATION_ID_DUPLICATE}, set()),
        ("broken/missing_responses.yaml", {Code.OPENAPI_INVALID}, set()),
        ("broken/example_mismatch.yaml", set(), {Code.EXAMPLE_MISMATCH}),
        ("unsupported/ref_cycle.yaml", {Code.REF_CYCLE}, set()),
    ],
)
def test_validate_sets_the_code_of_each_finding(
    fixture: str, errors: set[Code], warnings: set[Code]
) -> None:
    report = validate_spec(load_spec(FIXTURES / fixture))
    assert codes(report.errors) == errors
    assert codes(report.warnings) >= warnings


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("swagger: '2.0'\n", Code.SWAGGER_2),
        ("openapi: 4.0.0\n", Code.OPENAPI_VERSION_UNSUPPORTED),
        (
            HEAD + "paths: {}\ncomponents: {schemas: {A: {$ref: 'b.yaml#/B'}}}\n",
            Code.REF_EXTERNAL,
        ),
    ],
)
def test_structure_findings_have_their_codes(text: str, code: Code) -> None:
    (error,) = validate_spec(load_text(text, "s.yaml")).errors
    assert error.code is code


def test_operation_id_warnings_have_their_codes() -> None:
    text = HEAD + (
        "paths:\n  /a:\n    get: {operationId: list, responses: {'200': {description: ok}}}\n"
        "    post: {responses: {'200': {description: ok}}}\n"
    )
    report = validate_spec(load_text(text, "s.yaml"))
    assert codes(report.warnings) == {
        Code.OPERATION_ID_UNDOTTED,
        Code.OPERATION_ID_MISSING,
    }


def test_load_findings_have_their_codes(tmp_path: Path) -> None:
    cases = [
        (tmp_path / "absent.yaml", Code.FILE_NOT_FOUND),
        (tmp_path, Code.FILE_UNREADABLE),
        (FIXTURES / "broken" / "bad_yaml.yaml", Code.YAML_INVALID),
    ]
    for path, code in cases:
        with pytest.raises(SpecError) as info:
            load_spec(path)
        assert codes(info.value.findings) == {code}, path
    with pytest.raises(SpecError) as info:
        load_text("- a list\n", "s.yaml")
    assert codes(info.value.findings) == {Code.SPEC_NOT_MAPPING}


def test_lenient_decides_by_code_never_by_message() -> None:
    # Wording that used to decide (a message starting "reference ") means nothing now.
    looks_structural = Finding("s", "#/a", "reference '#/x' does not resolve")
    report = Report(
        errors=[
            Finding("s", "#/a", "reference 'x'", code=Code.OPENAPI_INVALID),
            Finding("s", "#/b", "anything at all", code=Code.REF_UNRESOLVED),
            looks_structural,  # unclassified: a kind nobody said generation survives
        ]
    )
    soften(report)
    assert [(f.pointer, f.code) for f in report.errors] == [
        ("#/b", Code.REF_UNRESOLVED),
        ("#/a", Code.UNCLASSIFIED),
    ]
    (warning,) = report.warnings
    assert warning.code is Code.OPENAPI_INVALID and warning.severity == "warning"
    assert warning.message == "reference 'x'"


def test_strict_then_lenient_keep_codes_and_messages() -> None:
    spec = load_spec(FIXTURES / "broken" / "example_mismatch.yaml")
    plain = validate_spec(spec)
    strict = check_spec(spec, strict=True)
    assert [(f.message, f.code) for f in strict.errors] == [
        (f.message, f.code) for f in plain.warnings
    ]
    both = check_spec(spec, strict=True, lenient=True)
    assert both.errors == [] and codes(both.warnings) <= LENIENT_CODES


def test_bundle_findings_have_their_codes(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        HEAD
        + "paths: {}\ncomponents:\n  schemas:\n"
        + "    A: {$ref: 'gone.yaml#/A'}\n"
        + "    B: {$ref: 'https://example.com/b.yaml#/B'}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        bundle(spec)
    assert codes(info.value.findings) == {Code.REF_FILE_MISSING, Code.REF_REMOTE}


def test_diff_argument_findings_have_their_codes(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_side(":api.yaml", cwd=tmp_path)
    assert codes(info.value.findings) == {Code.ARGUMENT_INVALID}


def test_two_specs_for_one_package_or_one_page_have_their_codes(
    tmp_path: Path,
) -> None:
    spec = FIXTURES / "path_item_ref" / "spec.yaml"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    copies = [tmp_path / "a" / "api.yaml", tmp_path / "b" / "api.yaml"]
    for copy in copies:
        shutil.copy(spec, copy)
    with pytest.raises(SpecError) as info:
        pipeline.run(copies)
    assert codes(info.value.findings) == {Code.PACKAGE_DUPLICATE}
    with pytest.raises(SpecError) as info:
        prepare(copies)
    assert codes(info.value.findings) == {Code.PUBLISH_NAME_DUPLICATE}


def test_the_readme_lists_every_code_once() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Kinds of findings", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.MULTILINE)
    assert sorted(listed) == sorted(c.value for c in Code)
    lenient = re.findall(r"^\| `([a-z0-9-]+)` \|.*\| yes \|$", section, re.MULTILINE)
    assert sorted(lenient) == sorted(c.value for c in LENIENT_CODES)


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.glob("*.yaml"))
    + [
        FIXTURES / "unsupported" / "loose.yaml",
        FIXTURES / "unsupported" / "ref_cycle.yaml",
    ]
    + [
        REAL_SPECS / "tgi.json",
        REAL_SPECS / "ollama.yaml",
        REAL_SPECS / "together.yaml",
    ],
    ids=lambda p: p.name,
)
def test_every_build_finding_says_its_kind(path: Path) -> None:
    builder = Builder(load_spec(path))
    try:
        builder.build()
    except SpecError:
        pass
    findings = builder.report.errors + builder.report.warnings
    assert [f for f in findings if f.code is Code.UNCLASSIFIED] == []

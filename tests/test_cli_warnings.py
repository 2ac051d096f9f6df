"""Warnings people read: a kind of warning that repeats is shown once, with its count.

Grouped by the finding's code (never by its message), per spec file;
``--verbose`` lists every one. ``generate``, ``validate`` and ``check`` print
them the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.errors import Code, Finding, summarize, summarized


def w(message: str, code: Code, file: str = "a.yaml", line: int = 1) -> Finding:
    return Finding(file, f"#/x/{line}", message, "warning", line, code)


def test_a_kind_that_repeats_is_one_line_with_its_count_and_the_first_as_example() -> (
    None
):
    findings = [
        w("operationId 'a' is not dotted", Code.OPERATION_ID_UNDOTTED, line=3),
        w("example does not match", Code.EXAMPLE_MISMATCH, line=4),
        w("operationId 'b' is not dotted", Code.OPERATION_ID_UNDOTTED, line=9),
        w("operationId 'c' is not dotted", Code.OPERATION_ID_UNDOTTED, line=12),
    ]
    assert summarize(findings) == [
        (
            "a.yaml: warning: 3 operationIds are not dotted like 'chat.completions.create'"
            " (resource.method); method names are derived from them"
            " [operation-id-undotted]"
        ),
        "  e.g. a.yaml:3: #/x/3: operationId 'a' is not dotted",
        "a.yaml:4: #/x/4: warning: example does not match",
    ]
    assert summarized(findings) == 2
    assert summarize(findings, verbose=True) == [f.format() for f in findings]


def test_grouped_by_code_never_by_message() -> None:
    same_words = [
        w("same words", Code.EXAMPLE_MISMATCH, line=1),
        w("same words", Code.EXAMPLE_UNCHECKED, line=2),
    ]
    assert summarize(same_words) == [f.format() for f in same_words]
    other_words = [
        w("first wording", Code.SCHEMA_UNSUPPORTED, line=1),
        w("quite another", Code.SCHEMA_UNSUPPORTED, line=2),
    ]
    lines = summarize(other_words)
    assert lines[0].startswith("a.yaml: warning: 2 schemas are typed more loosely")
    assert lines[1] == "  e.g. a.yaml:1: #/x/1: first wording"
    assert len(lines) == 2


def test_errors_unclassified_warnings_and_other_files_are_not_merged() -> None:
    findings = [
        Finding("a.yaml", "#/p", "bad", "error", 1, Code.OPENAPI_INVALID),
        Finding("a.yaml", "#/q", "bad too", "error", 2, Code.OPENAPI_INVALID),
        w("no kind stated", Code.UNCLASSIFIED, line=3),
        w("no kind stated either", Code.UNCLASSIFIED, line=4),
        w("undotted", Code.OPERATION_ID_UNDOTTED, file="a.yaml"),
        w("undotted", Code.OPERATION_ID_UNDOTTED, file="b.yaml"),
    ]
    assert summarize(findings) == [f.format() for f in findings]
    assert summarized(findings) == 0


def test_a_kind_without_its_own_wording_is_named_by_its_code() -> None:
    findings = [
        w("one", Code.NAME_INVALID, line=1),
        w("two", Code.NAME_INVALID, line=2),
    ]
    assert summarize(findings)[0] == (
        "a.yaml: warning: 2 warnings of the kind 'name-invalid' [name-invalid]"
    )


# -- the commands ---------------------------------------------------------------


def spec_with_repeated_warnings(path: Path, undotted: int = 6) -> Path:
    """A valid spec with ``undotted`` operationIds that are not dotted and one bad example."""
    paths: dict[str, object] = {}
    for i in range(undotted):
        paths[f"/things{i}"] = {
            "get": {
                "operationId": f"getThing{i}",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object"},
                                **({"example": "not an object"} if i == 0 else {}),
                            }
                        },
                    }
                },
            }
        }
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Loud", "version": "1"},
        "servers": [{"url": "https://example.invalid"}],
        "paths": paths,
    }
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


HEADLINE = "loud.yaml: warning: 6 operationIds are not dotted like"
TRAILER = (
    "clientgen: 5 more warning(s) like the examples above were counted, not listed;"
    " --verbose lists every one"
)


@pytest.fixture
def loud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # so that the spec is shown as loud.yaml
    return spec_with_repeated_warnings(tmp_path / "loud.yaml")


@pytest.mark.parametrize("command", ["generate", "validate", "check"])
def test_commands_print_a_repeated_kind_once(
    command: str, loud: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [command, "loud.yaml", *(["--out", "out"] if command != "validate" else [])]
    )
    err = capsys.readouterr().err
    assert code == (cli.EXIT_DIFFERENT if command == "check" else cli.EXIT_OK)
    assert err.count(HEADLINE) == 1, err
    assert err.count("is not dotted (resource.method") == 1  # only the example
    assert "  e.g. loud.yaml:" in err and "operationId 'getThing0'" in err
    assert "example does not match its schema" in err  # a kind seen once: in full
    assert err.rstrip().endswith(TRAILER)


@pytest.mark.parametrize("command", ["generate", "validate", "check"])
def test_verbose_lists_every_warning(
    command: str, loud: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--out", "out"] if command != "validate" else []
    cli.main([command, "loud.yaml", "--verbose", *extra])
    err = capsys.readouterr().err
    for i in range(6):
        assert f"operationId 'getThing{i}' is not dotted" in err
    assert HEADLINE not in err and "--verbose lists" not in err


def test_strict_errors_are_all_listed(
    loud: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", "--strict", "loud.yaml"]) == cli.EXIT_SPEC_ERROR
    err = capsys.readouterr().err
    assert err.count("is not dotted") == 6 and HEADLINE not in err

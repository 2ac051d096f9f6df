"""The fast formatter gives exactly black's output on the fixture packages too.

tests/test_format.py proves it for specs/; the fixtures reach templates and
filters those specs do not (hostile docstrings, classes without docstrings,
typed extras, lazy aliases, discriminated unions).
"""

from __future__ import annotations

import pytest

from generator.build import build
from generator.format import format_files
from generator.load import load_spec
from generator.render import render
from tests.support.fixture_packages import FIXTURES


@pytest.mark.parametrize(
    "spec",
    [
        "schemas.yaml",
        "schemas_30.yaml",
        "params.yaml",
        "identifiers.yaml",
        "hostile.yaml",
    ],
)
def test_ruff_and_black_agree_on_fixture_packages(
    spec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = render(build(load_spec(FIXTURES / spec), lenient=True))
    monkeypatch.delenv("CLIENTGEN_FORMATTER", raising=False)
    fast = format_files(files)
    monkeypatch.setenv("CLIENTGEN_FORMATTER", "black")
    reference = format_files(files)
    assert [rel for rel in files if fast[rel] != reference[rel]] == []

"""Stage 5: the fast formatter gives exactly black's output on everything we generate."""

from __future__ import annotations

import pytest

from generator.build import build
from generator.format import FormatError, format_files, format_source, formatter
from generator.load import load_spec
from generator.render import render
from tests.support.packages import default_specs


@pytest.mark.parametrize("spec", default_specs(), ids=lambda p: p.name)
def test_ruff_and_black_give_identical_bytes(
    spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert formatter() == "ruff"
    files = render(build(load_spec(spec)))
    fast = format_files(files)
    monkeypatch.setenv("CLIENTGEN_FORMATTER", "black")
    assert formatter() == "black"
    reference = format_files(files)
    assert fast.keys() == reference.keys()
    for rel in files:
        assert fast[rel] == reference[rel], f"ruff and black disagree on {rel}"


def test_unparsable_code_is_reported_with_its_place() -> None:
    with pytest.raises(FormatError) as info:
        format_files({"a.py": "x = 1\n", "bad.py": "def f(:\n    pass\n"})
    assert "bad.py" in str(info.value)
    with pytest.raises(FormatError):
        format_source("bad.py", "class\n")

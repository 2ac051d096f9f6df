"""Stage 5: the fast formatter gives exactly black's output on everything we generate.

And when a formatter refuses generated code (a generator bug), the error names
the generated file and gives the formatter's own message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from generator.format import FormatError, format_files, format_source, formatter
from generator.ir import Api
from generator.load import load_spec
from generator.render import render
from tests.support.packages import SPECS, default_specs


@pytest.mark.parametrize("spec", default_specs(), ids=lambda p: p.name)
def test_ruff_and_black_give_identical_bytes(
    spec: Path, monkeypatch: pytest.MonkeyPatch
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


# -- a formatter that refuses generated code: a generator bug, said with the place --

# black accepts this line (a quirk of its grammar); ruff, like Python, refuses it.
REFUSED = "from pydantic import Field, \n\n\nclass A:\n    x: int = 1\n"


def test_ruff_refusing_a_file_names_it_and_gives_ruffs_message() -> None:
    files = {"__init__.py": "x = 1\n", "types/a.py": REFUSED, "py.typed": ""}
    with pytest.raises(FormatError) as info:
        format_files(files, package="acme")
    message = str(info.value)
    assert message.startswith(
        "acme/types/a.py: ruff refused the generated code: "
        "1:27: Trailing comma not allowed"
    )
    assert "    1: from pydantic import Field, " in message  # the place, with context
    assert "__init__.py" not in message


def test_every_refused_file_is_named() -> None:
    files = {"a.py": "def f(:\n    pass\n", "b/c.py": "class\n", "d.py": "x = 1\n"}
    with pytest.raises(FormatError) as info:
        format_files(files, package="acme")
    message = str(info.value)
    assert "acme/a.py: ruff refused the generated code: 1:7:" in message
    assert "acme/b/c.py: ruff refused the generated code: 1:6:" in message
    assert "d.py" not in message


def test_ruff_failing_otherwise_shows_its_own_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator import format as fmt

    monkeypatch.setattr(fmt, "RUFF_ARGS", (*fmt.RUFF_ARGS, "--no-such-option"))
    with pytest.raises(FormatError) as info:
        format_files({"a.py": "x = 1\n"}, package="acme")
    message = str(info.value)
    assert message.startswith("acme: `ruff format` exited with 2: ")
    assert "--no-such-option" in message


def test_black_refusing_a_file_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTGEN_FORMATTER", "black")
    with pytest.raises(FormatError) as info:
        format_files({"a.py": "x = 1\n", "b.py": "def f(:\n    pass\n"}, "acme")
    assert str(info.value).startswith("acme/b.py: black refused the generated code: ")
    assert "    1: def f(:" in str(info.value)


def test_generate_says_a_formatter_failure_is_a_generator_bug_and_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import cli, pipeline

    def render_badly(api: Api) -> dict[str, str]:
        files = render(api)
        files["resources/models.py"] = REFUSED
        return files

    monkeypatch.setattr(pipeline, "render", render_badly)
    out = tmp_path / "out"
    code = cli.main(["generate", str(SPECS / "pienteger.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INTERNAL
    assert err.startswith(
        "clientgen: generator bug: generated from "
    ), err  # the spec, then the file and ruff's own message
    assert (
        "pienteger.yaml: pienteger/resources/models.py: ruff refused the generated "
        "code: 1:27: Trailing comma not allowed" in err
    )
    assert "internal error" not in err and "Traceback" not in err
    assert "Nothing was written" in err and not out.exists()

"""`mypy --strict` is clean on every package generated from tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

from tests.support.fixture_packages import fixture, output_dir
from tests.support.mypy_check import mypy_strict

SPECS = {
    "schemas.yaml": False,
    "params.yaml": False,
    "identifiers.yaml": False,
    "schemas_30.yaml": False,
    "hostile.yaml": True,  # lenient: its component names are invalid on purpose
    "streams.yaml": False,
    "streams_item_schema.yaml": True,  # lenient: itemSchema is OpenAPI 3.2
}


def test_mypy_strict_on_fixture_packages(tmp_path: Path) -> None:
    packages = [
        fixture(spec, lenient=lenient).path.name for spec, lenient in SPECS.items()
    ]
    result = mypy_strict(packages, output_dir(), tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr
    files = sum(1 for p in packages for _ in (output_dir() / p).rglob("*.py"))
    assert f"in {files} source files" in result.stdout  # every file was checked

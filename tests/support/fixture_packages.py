"""Client packages generated from ``tests/fixtures/*.yaml``, once per test session.

Tests of generated behaviour share them: each spec is generated (through the
same pipeline as ``python -m generator generate``) into one temporary
directory, loaded under a unique alias, and kept for the session. The
directory holds every package generated so far, so one ``mypy --strict`` run
can check them all.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from generator import pipeline
from generator.ir import Api
from generator.write import write_packages
from tests.support.packages import ROOT, load_package

FIXTURES = ROOT / "tests" / "fixtures"

_out: Path | None = None
_cache: dict[tuple[str, bool], Fixture] = {}


@dataclass(frozen=True)
class Fixture:
    """One generated fixture package."""

    path: Path  # the package directory
    api: Api
    module: ModuleType  # imported under a unique alias
    warnings: tuple[str, ...]  # validation and build warnings, formatted, every one
    files: dict[str, str]  # relative path -> source, as written


def output_dir() -> Path:
    """The session's directory of generated fixture packages."""
    global _out
    if _out is None:
        _out = Path(tempfile.mkdtemp(prefix="clientgen-fixtures-"))
        atexit.register(shutil.rmtree, _out, True)
    return _out


def fixture(spec: str | Path, *, lenient: bool = False) -> Fixture:
    """Generate ``spec`` (a name in tests/fixtures/ or a path) once and import it."""
    path = Path(spec) if Path(spec).is_absolute() else FIXTURES / spec
    key = (str(path), lenient)
    if key not in _cache:
        result = pipeline.run([path], lenient=lenient)
        write_packages(result.packages, output_dir())
        ((name, api),) = result.apis.items()
        warnings = tuple(w.format() for w in result.warnings)
        package_dir = output_dir() / name
        _cache[key] = Fixture(
            package_dir,
            api,
            load_package(package_dir),
            warnings,
            result.packages[name],
        )
    return _cache[key]

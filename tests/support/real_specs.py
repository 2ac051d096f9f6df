"""The providers' published specs (``../shared/real-specs/``), generated once per session.

Generating the official OpenAI spec takes seconds: every test that needs the
real packages shares one leniently generated copy, in a temporary directory
removed at exit.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from generator import pipeline
from generator.load import load_spec
from generator.write import write_packages
from tests.support.packages import REAL_SPECS


def real_spec_files() -> list[Path]:
    """Every spec in ``../shared/real-specs/`` (it must be there: CI has it)."""
    specs = sorted(
        p for p in REAL_SPECS.glob("*") if p.suffix in (".yaml", ".yml", ".json")
    )
    assert specs, f"{REAL_SPECS} holds no spec"
    return specs


@lru_cache(maxsize=None)
def real_packages() -> dict[str, Path]:
    """Spec file name -> its package, generated leniently as users would."""
    out = Path(tempfile.mkdtemp(prefix="clientgen-real-specs-"))
    atexit.register(shutil.rmtree, out, True)
    packages = {}
    for path in real_spec_files():
        api, files = pipeline.generate_one(load_spec(path), lenient=True)
        write_packages({api.package: files}, out)
        packages[path.name] = out / api.package
    return packages

"""Importing generated packages in tests.

The committed packages in ``generated/`` are importable by name (conftest puts
``generated/`` on ``sys.path``). Packages generated into a temporary directory
are loaded under a unique alias, so they never clash with the committed ones
in ``sys.modules``; relative imports inside them resolve against the alias.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
SPECS = ROOT / "specs"
PROVIDER_DOCS = ROOT.parent / "shared" / "provider-docs"
REAL_SPECS = ROOT.parent / "shared" / "real-specs"

_counter = itertools.count()


def default_specs() -> list[Path]:
    """The repository's specs, as `clientgen` run in the repository finds them."""
    from generator.cli import find_specs

    return find_specs(SPECS)


def load_package(package_dir: Path, alias: str | None = None) -> ModuleType:
    """Import the package at ``package_dir`` under a fresh name and return it."""
    name = alias or f"_clientgen_test_{package_dir.name}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(
        name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def submodule(package: ModuleType, relative: str) -> ModuleType:
    """``package.<relative>`` imported (e.g. ``types.chat_completion``)."""
    return importlib.import_module(f"{package.__name__}.{relative}")

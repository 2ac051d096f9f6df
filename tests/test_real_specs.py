"""Every spec a provider publishes (../shared/real-specs/) generates, imports and type-checks.

Generated once per session, as a user runs it (``clientgen generate SPEC ...
--lenient``; the ``real_packages`` fixture of tests/conftest.py, shared with
the lint, stream and name tests). Then, in a fresh interpreter, every module of
every package is imported (``types/*`` and ``resources/*`` included) and every
type ``types/`` exports is built; and ``mypy --strict`` checks the packages.

Sizes when this was written (modules, ``_runtime/`` included): ollama 41, tgi 73,
together 262, mistral 457, openrouter 786, openai-openapi 1,208. mypy takes
about 10 s for the first five together (6 s for the three under 300 modules),
so all five are checked here; the official OpenAI spec's package is built and
checked by tests/test_real_openai_spec.py (its modules are imported here too).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.mypy_check import mypy_strict
from tests.support.real_specs import RealPackages, import_everything, real_spec_files

# The six specs issue 11 measured; more may be added beside them.
SIX = {
    "mistral.yaml",
    "ollama.yaml",
    "openai-openapi.yaml",
    "openrouter.yaml",
    "tgi.json",
    "together.yaml",
}
# Its types are built and type-checked in tests/test_real_openai_spec.py (the
# largest package, with a fixture of its own).
CHECKED_ELSEWHERE = {"openai-openapi.yaml"}


def test_every_real_spec_generates_leniently(real_packages: RealPackages) -> None:
    assert real_packages.exit_code == 0, real_packages.stderr[-4000:]
    names = {p.name for p in real_spec_files()}
    assert SIX <= names
    assert set(real_packages.packages) == names  # one package per spec
    assert "generator bug" not in real_packages.stderr
    assert "internal error" not in real_packages.stderr


def test_repeated_warnings_are_counted_not_listed(real_packages: RealPackages) -> None:
    err = real_packages.stderr
    # Mistral: 173 FastAPI-style operationIds, once, with an example.
    assert re.search(
        r"mistral\.yaml: warning: 173 operationIds are not dotted .*"
        r"\[operation-id-undotted\]\n  e\.g\. \S*mistral\.yaml:\d+: #/paths/",
        err,
    ), err[:3000]
    # Each spec shows at most one example of the kind, not every operation.
    assert err.count("is not dotted (resource.method") <= len(real_packages.packages)
    assert "--verbose lists every one" in err


def test_every_module_of_every_package_imports(real_packages: RealPackages) -> None:
    packages = sorted(real_packages.packages.values())
    build = [p for s, p in real_packages.packages.items() if s not in CHECKED_ELSEWHERE]
    imported = import_everything(real_packages.out, packages, build_types=build)
    assert imported.failures == [], "\n".join(imported.failures)
    for spec, package in real_packages.packages.items():
        files = list(real_packages.path(spec).rglob("*.py"))
        assert imported.modules[package] == len(files), spec  # every one was visited
        assert any(f.parent.name == "types" for f in files), spec
        assert any(f.parent.name == "resources" for f in files), spec


def test_mypy_strict_is_clean_on_the_real_packages(
    real_packages: RealPackages, tmp_path: Path
) -> None:
    packages = sorted(
        package
        for spec, package in real_packages.packages.items()
        if spec not in CHECKED_ELSEWHERE
    )
    assert len(packages) >= 5
    result = mypy_strict(packages, real_packages.out, tmp_path / "cache")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_a_missing_directory_of_real_specs_is_an_error_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import real_specs

    monkeypatch.setattr(real_specs, "REAL_SPECS", tmp_path / "absent")
    with pytest.raises(real_specs.RealSpecsMissing, match="absent is missing"):
        real_specs.real_spec_files()
    (tmp_path / "absent").mkdir()
    (tmp_path / "absent" / "README.md").write_text("no spec here")
    with pytest.raises(real_specs.RealSpecsMissing, match="holds no spec"):
        real_specs.real_spec_files()

"""Generated modules import exactly what they use.

The pinned ruff finds no unused import (F401), no name imported twice or
shadowed (F811), no unused local (F841) and no undefined name (F821) in the
committed packages, in the package of every fixture spec and in the package
of every real provider spec (../shared/real-specs/, generated leniently, as
users would).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.fixture_packages import FIXTURES, fixture
from tests.support.packages import GENERATED
from tests.support.real_specs import RealPackages

RULES = "F401,F811,F821,F841"
# Fixture specs that generate (the others in unsupported/ must not).
FIXTURE_SPECS = sorted(p.name for p in FIXTURES.glob("*.yaml")) + [
    "unsupported/loose.yaml",
    "unsupported/ref_cycle.yaml",
]


def ruff() -> str:
    """The pinned ruff of this environment (installed next to its Python)."""
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is not installed (it is pinned in pyproject.toml)"
    return found


def ruff_findings(*paths: Path) -> list[str]:
    """ruff's findings of :data:`RULES` under ``paths``, one line each."""
    result = subprocess.run(
        [
            ruff(),
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            RULES,
            "--output-format",
            "concise",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return [
        line
        for line in result.stdout.splitlines()
        if line and not line.startswith(("Found ", "[*]", "All checks passed"))
    ]


def test_the_check_sees_what_it_looks_for(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "import os\nfrom typing import Any, Any\n\n\ndef f() -> None:\n"
        "    x = 1\n    print(undefined)\n"
    )
    codes = {line.split()[1] for line in ruff_findings(tmp_path)}
    assert codes == set(RULES.split(","))


def test_committed_packages_import_exactly_what_they_use() -> None:
    assert ruff_findings(GENERATED) == []


def test_fixture_packages_import_exactly_what_they_use() -> None:
    paths = [fixture(spec, lenient=True).path for spec in FIXTURE_SPECS]
    assert ruff_findings(*paths) == []


def test_real_spec_packages_import_exactly_what_they_use(
    real_packages: RealPackages,
) -> None:
    assert len(real_packages.packages) >= 6
    assert ruff_findings(real_packages.out) == []

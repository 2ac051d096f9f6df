"""Stoplight Spectral (``spectral:oas`` plus ``.spectral.yaml``) over specs/: no findings at all."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support.packages import ROOT, default_specs

SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / ".spectral.yaml"


def lint(specs: list[Path], report: Path) -> tuple[int, list[dict[str, object]], str]:
    """Run Spectral; its exit code, its findings (JSON) and what it printed."""
    assert (
        SPECTRAL.is_file()
    ), "Spectral is missing: run `npm ci` (./scripts/test.sh does)"
    proc = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(RULESET),
            "--format",
            "json",
            "--output",
            str(report),
            "--fail-severity",
            "hint",  # any finding at all fails, warnings included
            *map(str, specs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    findings = json.loads(report.read_text()) if report.is_file() else []
    return proc.returncode, findings, proc.stdout + proc.stderr


def test_our_specs_pass_spectral(tmp_path: Path) -> None:
    code, findings, output = lint(default_specs(), tmp_path / "report.json")
    described = [
        f"{Path(str(f['source'])).name}:{f['range']['start']['line'] + 1}: {f['code']}: {f['message']}"  # type: ignore[index]
        for f in findings
    ]
    assert described == [], "\n".join(described)
    assert code == 0, output


def test_the_lint_fails_on_a_spec_with_problems(tmp_path: Path) -> None:
    """The same command and ruleset do report problems, so the test above means something."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "openapi: 3.1.0\n"
        "info: {title: Bad, version: '1', description: A spec with problems.}\n"
        "servers: [{url: 'https://api.example.test'}]\n"
        "paths:\n"
        "  /x:\n"
        "    get:\n"
        "      operationId: x.get\n"
        "      description: Gets x.\n"
        "      tags: [X]\n"
        "      responses:\n"
        "        '200':\n"
        "          description: ok\n"
        "          content:\n"
        "            application/json:\n"
        "              schema: {type: integer}\n"
        "              example: not a number\n"
        "tags: [{name: X, description: Xs.}]\n"
    )
    code, findings, _ = lint([bad], tmp_path / "report.json")
    assert code != 0
    assert [f["code"] for f in findings] == ["oas3-valid-media-example"]

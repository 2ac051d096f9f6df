"""The tool as a user gets it: the wheel, installed in a fresh venv, run in their own project.

Builds the wheel from a copy of the repository, installs it into a new venv
(its dependencies from tests/support/wheelhouse.py: offline, resolved from the
wheel's own metadata), and runs the ``clientgen`` script in a temporary
project outside the repository that holds only ``specs/pienteger.yaml`` and
a doc page. Select it alone with ``-m install``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest
import yaml

from generator.write import read_tree
from tests.support.packages import GENERATED, ROOT, SPECS
from tests.support.wheelhouse import wheelhouse

pytestmark = pytest.mark.install

# What a build needs from the checkout; caches, venvs and outputs stay behind.
_SKIP_ANYWHERE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)
# Outputs at the top only: generator/build/ is a package of the tool.
_SKIP_AT_ROOT = {"generated", "publish-out", "build", "dist"}


def SKIP(directory: str, names: list[str]) -> set[str]:
    skipped = set(_SKIP_ANYWHERE(directory, names))
    if Path(directory) == ROOT:
        skipped |= _SKIP_AT_ROOT & set(names)
    return skipped


DOC_PAGE = """\
# Pienteger API

## List models

`GET https://api.pienteger.com/oaiv1/getmodels`

```bash
curl https://api.pienteger.com/oaiv1/getmodels \\
  -H "X-Api-Key: $PIENTEGER_API_KEY"
```
"""


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    @property
    def site_packages(self) -> Path:
        (found,) = self.venv.glob("lib/python*/site-packages")
        return found


def _run(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    dist = work / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "--quiet", "--wheel-dir", str(dist), str(source)]
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("*.whl")

    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(zf.read(meta).decode("utf-8"))
    requires = [
        r for r in message.get_all("Requires-Dist") or [] if "extra ==" not in r
    ]
    house = wheelhouse(requires, work / "wheelhouse")

    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    done = _run(
        pip
        + ["install", "--no-index", "--find-links", str(house), "--no-compile"]
        + ["--quiet", str(wheel)]
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Installed(wheel, venv)


def test_the_wheel_holds_every_module_and_template(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as zf:
        names = {n for n in zf.namelist() if not n.startswith("llm_clientgen-")}
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "generator").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    expected |= {
        f"generator/_templates/{p.name}"
        for p in (ROOT / "templates").iterdir()
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert names == expected


def test_clientgen_works_in_a_project_of_its_own(
    installed: Installed, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "docs").mkdir()
    shutil.copy(SPECS / "pienteger.yaml", project / "specs" / "pienteger.yaml")
    (project / "docs" / "pienteger.md").write_text(DOC_PAGE, encoding="utf-8")
    tool_before = read_tree(installed.site_packages / "generator")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "CLIENTGEN_", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{installed.venv / 'bin'}{os.pathsep}{os.defpath}"

    def clientgen(*args: str) -> subprocess.CompletedProcess[str]:
        return _run(["clientgen", *args], cwd=project, env=env)

    generated = clientgen("generate")
    assert generated.returncode == 0, generated.stderr
    assert "generated 1 package(s)" in generated.stdout
    # The same bytes as the repository's generated/: templates, runtime and
    # formatter all came from the installed wheel.
    assert read_tree(project / "generated" / "pienteger") == read_tree(
        GENERATED / "pienteger"
    )

    checked = clientgen("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    client = project / "generated" / "pienteger" / "_client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# mine\n")
    stale = clientgen("check")
    assert stale.returncode == 1
    assert "differs: generated/pienteger/_client.py" in stale.stdout

    valid = clientgen("validate", "--strict")
    assert valid.returncode == 0, valid.stderr
    assert "specs/pienteger.yaml: valid" in valid.stdout

    spec = yaml.safe_load((project / "specs" / "pienteger.yaml").read_text())
    del spec["paths"]["/completions"]
    (project / "next.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    same = clientgen("diff", "specs/pienteger.yaml", "specs/pienteger.yaml")
    assert same.returncode == 0, same.stdout + same.stderr
    breaking = clientgen("diff", "specs/pienteger.yaml", "next.yaml")
    assert breaking.returncode == 1, breaking.stdout + breaking.stderr
    assert "completions.create" in breaking.stdout

    docs = clientgen("docs-check", "specs/pienteger.yaml", "docs/pienteger.md")
    assert docs.returncode == 0, docs.stdout + docs.stderr
    assert "2 matches, 0 drift" in docs.stdout

    empty = tmp_path / "empty"
    empty.mkdir()
    none = _run(["clientgen", "generate"], cwd=empty, env=env)
    assert none.returncode == 2
    assert f"no spec found: {empty.resolve() / 'specs'} does not exist" in none.stderr

    assert sorted(p.name for p in project.iterdir()) == [
        "docs",
        "generated",
        "next.yaml",
        "specs",
    ]
    assert read_tree(installed.site_packages / "generator") == tool_before

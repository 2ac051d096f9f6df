"""A generated package works when copied alone: it needs only httpx and pydantic."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.packages import GENERATED
from tests.support.server import LocalServer, json_reply, sse_reply

ALLOWED = {"httpx", "pydantic", "pydantic_core", "typing_extensions", "anyio"}
PACKAGES = sorted(p.name for p in GENERATED.iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("package", PACKAGES)
def test_absolute_imports_are_stdlib_httpx_and_pydantic_only(package: str) -> None:
    for path in sorted((GENERATED / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert (
                    top in sys.stdlib_module_names or top in ALLOWED
                ), f"{path}: imports {name}"


def test_a_copied_package_runs_without_this_repository(
    tmp_path: Path, server: LocalServer
) -> None:
    vendor = tmp_path / "myproject" / "vendor"
    shutil.copytree(
        GENERATED / "openai_api",
        vendor / "openai_api",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
    }
    server.route(
        "GET",
        "/v1/models",
        json_reply(
            {
                "object": "list",
                "data": [{"id": "m", "object": "model", "created": 1, "owned_by": "o"}],
            }
        ),
    )
    server.route("POST", "/v1/chat/completions", sse_reply([chunk]))
    site = next(p for p in sys.path if p.endswith("site-packages"))
    script = textwrap.dedent(f"""
        import sys
        sys.path[:] = [{str(vendor)!r}, {site!r}] + [p for p in sys.path if "site-packages" not in p and p]
        import openai_api
        from openai_api import OpenAI
        assert openai_api.__file__.startswith({str(vendor)!r}), openai_api.__file__
        client = OpenAI(api_key="k", base_url={server.url + "/v1"!r})
        assert [m.id for m in client.models.list().data] == ["m"]
        text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
            model="m", messages=[{{"role": "user", "content": "x"}}], stream=True))
        assert text == "hi", text
        loaded = {{name.split(".")[0] for name in sys.modules}}
        leaked = loaded & {{"generator", "jinja2", "yaml", "black", "openapi_spec_validator", "ruff", "tests"}}
        assert not leaked, leaked
        print("ok")
        """)
    # -I: no PYTHONPATH, no user site, and the script's own directory is not on the path.
    result = subprocess.run(
        [sys.executable, "-I", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", (
        result.stdout + result.stderr
    )

"""The README's examples for raw responses, drift, credentials, files and threads run as written.

Each runs against the loopback server (the package's base-URL environment
variable points there) and its output is checked.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import pytest

from tests.support.fixture_packages import fixture, output_dir
from tests.support.packages import ROOT
from tests.support.runtime_calls import API_KEY, CALLS, MODEL, ok
from tests.support.server import LocalServer, json_reply

SECTIONS = [
    "### Raw responses and request ids",
    "### When a response drifts from the spec",
    "### Credentials that refresh, and client options",
    "### Uploading files",
    "### Threads and processes",
]
MODELS = next(c for c in CALLS if c.id == "openai_api.models.list")
CHAT = next(c for c in CALLS if c.id == "openai_api.chat.completions.create")


def example(section: str) -> str:
    """The one Python block of a README section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(section)
    end = text.index("\n#", start + len(section))
    (block,) = re.findall(r"```python\n(.*?)```", text[start:end], re.DOTALL)
    return str(block)


def run(section: str) -> None:
    exec(compile(example(section), f"README.md ({section[4:]})", "exec"), {})


@pytest.fixture
def openai_env(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> LocalServer:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.delenv("OPENAI_ORG_ID", raising=False)
    return server


def test_every_section_has_one_example() -> None:
    for section in SECTIONS:
        assert example(section)


def test_raw_responses(
    openai_env: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    MODELS.route(
        openai_env,
        json_reply(
            MODELS.reply,
            headers={"x-request-id": "req-7", "x-ratelimit-remaining-requests": "59"},
        ),
    )
    CHAT.route(openai_env, CHAT.sse(["This ", "is ", "a test."]))
    run(SECTIONS[0])
    assert (
        capsys.readouterr().out == "200 req-7\n59\ntext/event-stream\nThis is a test."
    )


def test_drift(
    openai_env: LocalServer,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    MODELS.route(
        openai_env,
        json_reply({"object": "list", "data": [{**MODEL, "created": "yesterday"}]}),
    )
    caplog.set_level(logging.WARNING, logger="openai_api")
    run(SECTIONS[1])
    assert capsys.readouterr().out == (
        "yesterday\n"
        "does not fit: GET /models: the response does not match ModelList: "
        "1 validation error for ModelList\n"
    )
    assert caplog.messages == [
        (
            "GET /models: the response does not fit ModelList at /data/0/created: "
            "expected int, got a string; kept as sent "
            "(strict_response_validation=True raises instead)"
        )
    ]


def test_credentials(openai_env: LocalServer) -> None:
    MODELS.route(openai_env, ok(MODELS))
    run(SECTIONS[2])
    assert [r.headers["authorization"] for r in openai_env.requests] == [
        "Bearer sk-short-lived-0",
        "Bearer sk-short-lived-1",
    ]


def test_files(
    server: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fixture("params.yaml")  # generated into output_dir(), importable as params_api
    monkeypatch.syspath_prepend(str(output_dir()))
    monkeypatch.setenv("PARAMS_API_BASE_URL", server.url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.csv").write_text("a,b\n1,2\n")
    server.route("POST", "/upload", json_reply({"id": 1}))
    try:
        run(SECTIONS[3])
    finally:
        for name in [
            m for m in sys.modules if m == "params_api" or m.startswith("params_api.")
        ]:
            del sys.modules[name]
    assert capsys.readouterr().out == (
        "POST /upload: multipart field 'file': a file field takes bytes, a binary file, "
        "a path or a (filename, content) tuple, not str; nothing was sent\n"
    )
    (request,) = server.requests
    assert b'filename="report.csv"' in request.body and b"a,b\n1,2\n" in request.body
    assert str(tmp_path).encode() not in request.body


def test_threads(openai_env: LocalServer) -> None:
    MODELS.route(openai_env, ok(MODELS))
    run(SECTIONS[4])
    assert len(openai_env.requests) == 8

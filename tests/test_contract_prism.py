"""Contract tests: the generated clients against Stoplight Prism mocking our own specs.

Prism validates every request against the spec (422 listing the problems in
an ``sl-violations`` header; 401 without the security headers) and answers
with the spec's examples, so a passing call proves that the generated code
and the spec agree in both directions: what we send is what the spec
describes, and what the spec documents parses into our models. Streams are
included: Prism serves ``text/event-stream`` examples when Accept asks.

Prism reads the spec as JSON written from our own YAML parse: Prism's YAML
parser drops the last blank line of a ``|+`` block scalar, which is the
blank line that ends each stream example's final ``data: [DONE]`` event (see
``test_prism_reads_stream_examples_from_yaml_without_their_last_blank_line``).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.load import load_spec
from generator.runtime.sse import iter_sse
from tests.support.packages import ROOT, SPECS
from tests.support.runtime_calls import (
    API_KEY,
    CALLS,
    CLIENTS,
    Call,
    make_client,
    package,
)

PRISM = ROOT / "node_modules" / ".bin" / "prism"
STARTUP_TIMEOUT = 90.0  # seconds; Prism starts in ~2 s, but CI machines are busy


def spec_path(package_name: str) -> Path:
    for path in sorted(SPECS.glob("*.yaml")):
        if load_spec(path).data["info"].get("x-package-name") == package_name:
            return path
    raise LookupError(package_name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_prism() -> None:
    if not PRISM.exists():
        pytest.fail(
            f"{PRISM} is missing: the contract tests need Prism from npm. "
            "Run ./scripts/test.sh (it runs `npm ci` from package-lock.json).",
            pytrace=False,
        )


class PrismProcess:
    """One ``prism mock`` process on a free port of 127.0.0.1, its output in a log file."""

    def __init__(self, spec: Path, workdir: Path) -> None:
        self.spec = spec
        self.workdir = workdir
        self.log_path = workdir / f"{spec.stem}.prism.log"
        self.tries = 0
        self._start()

    def _start(self) -> None:
        self.tries += 1
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(PRISM),
                    "mock",
                    str(self.spec),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self, deadline: float) -> None:
        """Poll until Prism answers HTTP (any status); fail with its log if it dies or never does."""
        while True:
            if self.process.poll() is not None:
                # Another process may have taken the free port before Prism bound it.
                if "EADDRINUSE" in self.log() and self.tries < 3:
                    self._start()
                    continue
                pytest.fail(
                    f"Prism exited with {self.process.returncode} before listening:\n{self.log()}",
                    pytrace=False,
                )
            try:
                httpx.get(self.url + "/", timeout=1.0)
                return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Prism did not answer on {self.url} within {STARTUP_TIMEOUT:.0f} s:\n{self.log()}",
                    pytrace=False,
                )
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One Prism per spec, started together; maps package name to its URL."""
    require_prism()
    workdir = tmp_path_factory.mktemp("prism")
    processes: dict[str, PrismProcess] = {}
    try:
        for name in CLIENTS:
            spec = spec_path(name)
            as_json = workdir / f"{spec.stem}.json"
            as_json.write_text(json.dumps(load_spec(spec).data), encoding="utf-8")
            processes[name] = PrismProcess(as_json, workdir)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for process in processes.values():
            process.wait_ready(deadline)
        yield {name: p.url for name, p in processes.items()}
    finally:
        for process in processes.values():
            process.stop()


class Recorder:
    """An httpx event hook keeping every response, so Prism's verdict (status, sl-violations) can be checked."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    def __call__(self, response: httpx.Response) -> None:
        self.responses.append(response)

    async def async_hook(self, response: httpx.Response) -> None:
        self.responses.append(response)

    def assert_clean(self, count: int = 1) -> None:
        assert len(self.responses) == count
        for response in self.responses:
            assert response.status_code == 200
            assert "sl-violations" not in response.headers, response.headers[
                "sl-violations"
            ]


def client_for(
    call: Call, prism: dict[str, str], recorder: Recorder, is_async: bool = False
) -> Any:
    http = (
        httpx.AsyncClient(event_hooks={"response": [recorder.async_hook]})
        if is_async
        else httpx.Client(event_hooks={"response": [recorder]})
    )
    return make_client(
        call, prism[call.package], is_async=is_async, http_client=http, max_retries=0
    )


def stream_example_text(call: Call) -> str:
    """The text the spec's stream example carries, read with our own decoder."""
    spec = load_spec(spec_path(call.package)).data
    media = spec["paths"][call.path]["post"]["responses"]["200"]["content"][
        "text/event-stream"
    ]
    (example,) = media["examples"].values()
    chunk_type = getattr(
        package(call.package).types,
        (
            "Completion"
            if call.operation == "completions.create"
            else "ChatCompletionChunk"
        ),
    )
    events = [
        e.data for e in iter_sse([example["value"].encode()]) if e.data != "[DONE]"
    ]
    return "".join(call.text(chunk_type.model_validate_json(d)) for d in events)  # type: ignore[misc]


ROUTABLE = [c for c in CALLS if c.id != "prime_intellect.models.retrieve"]


@pytest.mark.parametrize("call", ROUTABLE, ids=lambda c: c.id)
def test_request_passes_prism_and_response_parses(
    prism: dict[str, str], call: Call
) -> None:
    recorder = Recorder()
    with client_for(call, prism, recorder) as client:
        result = call.invoke(client)
    assert type(result).__name__ == call.result_type
    recorder.assert_clean()


@pytest.mark.parametrize("call", [c for c in ROUTABLE if c.streams], ids=lambda c: c.id)
def test_stream_request_passes_prism_and_chunks_parse(
    prism: dict[str, str], call: Call
) -> None:
    recorder = Recorder()
    with (
        client_for(call, prism, recorder) as client,
        call.invoke(client, stream=True) as stream,
    ):
        chunks = list(stream)  # ends with [DONE], or this raises
    assert chunks
    assert "".join(call.text(c) for c in chunks) == stream_example_text(call)  # type: ignore[misc]
    recorder.assert_clean()
    assert recorder.responses[0].headers["content-type"].startswith("text/event-stream")


@pytest.mark.parametrize("call", ROUTABLE, ids=lambda c: c.id)
async def test_async_requests_pass_prism(prism: dict[str, str], call: Call) -> None:
    recorder = Recorder()
    async with client_for(call, prism, recorder, is_async=True) as client:
        assert type(await call.invoke(client)).__name__ == call.result_type
        if call.streams:
            async with await call.invoke(client, stream=True) as stream:
                assert [c async for c in stream]
    recorder.assert_clean(2 if call.streams else 1)


def documented_requests() -> list[tuple[Call, str, dict[str, Any]]]:
    """Every request body example in the specs, with the call that sends it."""
    cases = []
    for call in CALLS:
        if call.method != "POST":
            continue
        spec = load_spec(spec_path(call.package)).data
        media = spec["paths"][call.path]["post"]["requestBody"]["content"][
            "application/json"
        ]
        for name, example in media.get("examples", {}).items():
            cases.append((call, name, example["value"]))
    return cases


@pytest.mark.parametrize(
    "call,name,body",
    documented_requests(),
    ids=[f"{c.id}:{n}" for c, n, _ in documented_requests()],
)
def test_documented_request_examples_pass_prism(
    prism: dict[str, str], call: Call, name: str, body: dict[str, Any]
) -> None:
    # Sent through the generated method, field by field as keyword arguments.
    recorder = Recorder()
    with client_for(call, prism, recorder) as client:
        target = client
        for part in call.operation.split("."):
            target = getattr(target, part)
        result = target(**body)
        if body.get("stream") is True:
            with result:
                assert list(result)
        else:
            assert type(result).__name__ == call.result_type
    recorder.assert_clean()
    assert json.loads(recorder.responses[0].request.content) == body


def test_slash_in_prime_intellect_model_id(prism: dict[str, str]) -> None:
    """What is true today: Prism cannot route a path parameter that spans two segments.

    The Prime Intellect docs use ids like ``meta-llama/llama-3.1-70b-instruct``
    in the path with the slash as is (``x-allow-slash``), and the client sends
    it so. Prism matches ``{model_id}`` against one segment only, so it
    answers 404 "no path matched" instead of validating. The same operation
    with a one-segment id passes, which covers everything but the slash.
    """
    call = next(c for c in CALLS if c.id == "prime_intellect.models.retrieve")
    recorder = Recorder()
    with client_for(call, prism, recorder) as client:
        assert type(client.models.retrieve("llama-3.1-8b")).__name__ == "Model"
        recorder.assert_clean()
        with pytest.raises(package("prime_intellect").NotFoundError) as info:
            client.models.retrieve("meta-llama/llama-3.1-70b-instruct")
    assert (
        recorder.responses[1].request.url.raw_path
        == b"/models/meta-llama/llama-3.1-70b-instruct"
    )
    assert info.value.body["type"].endswith("NO_PATH_MATCHED_ERROR")


# -- Prism really checks: the controls ----------------------------------------------------------


def violations(exc: Any) -> str:
    """Prism's list of request problems: in ``sl-violations`` when the spec documents an
    error response for it, else in the body of the 422 it makes up."""
    header = exc.response.headers.get("sl-violations")
    return header if header is not None else json.dumps(exc.body["validation"])


def test_prism_rejects_a_body_that_breaks_the_spec(prism: dict[str, str]) -> None:
    call = next(c for c in CALLS if c.id == "openai_api.chat.completions.create")
    with (
        client_for(call, prism, Recorder()) as client,
        pytest.raises(package("openai_api").UnprocessableEntityError) as info,
    ):
        client.chat.completions.create(
            model="m", messages=[], extra_body={"temperature": "hot"}
        )
    assert "temperature" in violations(info.value)


@pytest.mark.parametrize("stream", [False, True])
def test_documented_json_error_of_a_stream_call(
    prism: dict[str, str], stream: bool
) -> None:
    # Streamed or not, a body that breaks the spec gets the documented JSON 400.
    call = next(c for c in CALLS if c.id == "peakprivacy.chat.completions.create")
    with (
        client_for(call, prism, Recorder()) as client,
        pytest.raises(package("peakprivacy").BadRequestError) as info,
    ):
        client.chat.completions.create(
            model="m", messages=[], stream=stream, extra_body={"temperature": "hot"}
        )
    assert info.value.body == {
        "message": "Validation error",
        "errors": {"model": ["The model field is required."]},
    }
    assert "temperature" in violations(info.value)


def test_prism_rejects_a_wrong_fixed_header(prism: dict[str, str]) -> None:
    call = next(c for c in CALLS if c.id == "peakprivacy.models.list")
    with (
        client_for(call, prism, Recorder()) as client,
        pytest.raises(package("peakprivacy").UnprocessableEntityError) as info,
    ):
        client.models.list(extra_headers={"X-Requested-With": "fetch"})
    assert "x-requested-with must be equal to constant" in violations(info.value)


@pytest.mark.parametrize("package_name", sorted(CLIENTS))
def test_prism_requires_the_credential_header(
    prism: dict[str, str], package_name: str
) -> None:
    call = next(
        c for c in CALLS if c.package == package_name and c.operation == "models.list"
    )
    recorder = Recorder()
    with client_for(call, prism, recorder) as client:
        call.invoke(client)
    recorder.assert_clean()
    sent = recorder.responses[0].request
    auth_names = {
        s.name.lower() for s in package(package_name)._client._API.schemes.values()
    }
    assert API_KEY in " ".join(
        v for k, v in sent.headers.items() if k.lower() in auth_names
    )
    # The same request without the credential headers is refused.
    stripped = {k: v for k, v in sent.headers.items() if k.lower() not in auth_names}
    assert httpx.get(str(sent.url), headers=stripped).status_code == 401


def test_prism_reads_stream_examples_from_yaml_without_their_last_blank_line(
    tmp_path: Path,
) -> None:
    """Why the fixture gives Prism JSON: from the YAML, the [DONE] event would never be dispatched."""
    require_prism()
    spec = spec_path("openai_api")
    process = PrismProcess(spec, tmp_path)
    try:
        process.wait_ready(time.monotonic() + STARTUP_TIMEOUT)
        response = httpx.post(
            process.url + "/chat/completions",
            json={"model": "m", "messages": [], "stream": True},
            headers={"Authorization": "Bearer k", "Accept": "text/event-stream"},
        )
    finally:
        process.stop()
    assert response.status_code == 200
    assert response.content.endswith(
        b"data: [DONE]\n"
    ) and not response.content.endswith(b"\n\n")
    assert "[DONE]" not in [e.data for e in iter_sse([response.content])]
    example = load_spec(spec).data["paths"]["/chat/completions"]["post"]["responses"][
        "200"
    ]
    assert example["content"]["text/event-stream"]["examples"]["StreamIllustration"][
        "value"
    ].endswith("[DONE]\n\n")

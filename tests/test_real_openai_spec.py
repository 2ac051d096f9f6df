"""The official OpenAI spec (../shared/real-specs/openai-openapi.yaml): 3 MB, 288 operations.

It is not fully valid: ``validate`` lists its 25 validator errors with their
locations; generating it leniently gives every operation, streaming ones with
typed chunks, a package that imports, whose every model builds, that works
against the local server and that ``mypy --strict`` accepts. Generated once
per module (about half a minute, most of it black).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import pydantic
import pytest

from generator import pipeline
from generator.ir import Api, Method, Resource
from generator.ir_types import ANY, Ref
from generator.load import LoadedSpec, load_spec
from generator.openapi import HTTP_METHODS, resolve_pointer, split_pointer
from generator.validate import Report
from generator.write import write_packages
from tests.support.mypy_check import mypy_strict
from tests.support.packages import REAL_SPECS, load_package
from tests.support.server import LocalServer, json_reply, sse_reply

SPEC_PATH = REAL_SPECS / "openai-openapi.yaml"
pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason="real spec not present")


@dataclass
class Generated:
    spec: LoadedSpec
    report: Report  # strict validation (what `validate` prints)
    api: Api
    path: Path
    module: ModuleType


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    spec = load_spec(SPEC_PATH)
    report = pipeline.check_spec(spec)
    api, files = pipeline.generate_one(spec, lenient=True)
    out = tmp_path_factory.mktemp("openai-real")
    write_packages({api.package: files}, out)
    return Generated(
        spec, report, api, out / api.package, load_package(out / api.package)
    )


def spec_operations(data: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in data["paths"].items()
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    }


def methods(api: Api) -> Iterator[tuple[str, Method]]:
    def walk(prefix: str, r: Resource) -> Iterator[tuple[str, Method]]:
        for m in r.methods:
            yield f"{prefix}{r.attr}.{m.name}", m
        for c in r.children:
            yield from walk(f"{prefix}{r.attr}.", c)

    for module in api.resources:
        yield from walk("", module.resource)


def test_validate_lists_25_errors_each_at_its_node(gen: Generated) -> None:
    errors = gen.report.errors
    assert len(errors) == 25
    for e in errors:
        assert e.file.endswith("openai-openapi.yaml") and e.line, e.format()
        node = resolve_pointer(gen.spec.data, e.pointer)  # the pointer exists...
        shown = re.match(r"^(.*?) (?:is not|has non-unique|is too)", e.message)
        if shown:  # ...and holds the bad value (shown as Python or as JSON)
            forms = {repr(node), json.dumps(node, separators=(",", ":"))}
            assert shown.group(1) in forms, e.format()
    # Lines are where the node is: the key of the last pointer token.
    for e in errors:
        last = split_pointer(e.pointer)[-1]
        assert last in gen.spec.text.splitlines()[e.line - 1], e.format()


def test_every_operation_is_generated(gen: Generated) -> None:
    expected = spec_operations(gen.spec.data)
    assert len(expected) == 288
    # A path's ?query suffix (/responses?beta=true) is sent as fixed query parameters.
    generated = [
        (
            m.http_method,
            m.path + ("?" + urlencode(m.fixed_query) if m.fixed_query else ""),
        )
        for _, m in methods(gen.api)
    ]
    assert len(generated) == 288 and set(generated) == expected


def test_streaming_operations_have_typed_chunks(gen: Generated) -> None:
    streaming = {
        (m.http_method, m.path, m.fixed_query): m
        for _, m in methods(gen.api)
        if m.stream is not None
    }
    assert len(streaming) == 7
    for m in streaming.values():
        assert m.stream is not None and m.stream.chunk != ANY, m.path
        assert m.stream.param is not None  # selected by an argument, not always on
    chat = streaming[("POST", "/chat/completions", ())].stream
    assert chat is not None and chat.chunk == Ref("CreateChatCompletionStreamResponse")
    speech = streaming[("POST", "/audio/speech", ())].stream
    assert speech is not None and (speech.param, speech.on_value) == (
        "stream_format",
        "sse",
    )


def test_warnings_name_places_in_the_spec(gen: Generated) -> None:
    assert gen.api.warnings  # loosely typed constructs are reported, not silent
    for line in gen.api.warnings:
        match = re.match(r"^.+?:(\d+): (#\S*): warning: ", line)
        assert match, line
        resolve_pointer(gen.spec.data, match.group(2))


def test_package_imports_and_every_type_builds(gen: Generated) -> None:
    types = gen.module.types
    failures = []
    for name in types.__all__:
        obj = getattr(types, name)
        try:
            if isinstance(obj, type) and issubclass(obj, pydantic.BaseModel):
                obj.model_rebuild(force=True)
            else:
                pydantic.TypeAdapter(obj)
        except Exception as exc:  # noqa: BLE001 - collected, reported together
            failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
    assert not failures, "\n".join(failures)


def test_every_resource_loads_sync_and_async(gen: Generated) -> None:
    client = gen.module.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9")
    aclient = gen.module.AsyncOpenAI(api_key="sk-test", base_url="http://127.0.0.1:9")
    count = 0
    for dotted, _ in methods(gen.api):
        *attrs, name = dotted.split(".")
        for c in (client, aclient):
            target = c
            for attr in attrs:
                target = getattr(target, attr)
            assert callable(getattr(target, name)), dotted
        count += 1
    assert count == 288


CHUNKS = [
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": "Hel"},
                "finish_reason": None,
            }
        ],
    },
    {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}],
    },
]


@pytest.fixture
def client(gen: Generated, server: LocalServer) -> Iterator[Any]:
    with gen.module.OpenAI(api_key="sk-test", base_url=server.url) as client:
        yield client


def test_chat_completions_on_the_wire(client: Any, server: LocalServer) -> None:
    completion = {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello", "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
    }
    server.route("POST", "/chat/completions", json_reply(completion), sse_reply(CHUNKS))
    messages = [{"role": "user", "content": "Hi"}]
    result = client.chat.completions.create(messages=messages, model="gpt-test")
    assert result.choices[0].message.content == "Hello"
    assert json.loads(server.requests[0].body) == {
        "messages": messages,
        "model": "gpt-test",
    }
    with client.chat.completions.create(
        messages=messages, model="gpt-test", stream=True
    ) as stream:
        chunks = list(stream)
    assert "".join(c.choices[0].delta.content for c in chunks) == "Hello"
    assert type(chunks[0]).__name__ == "CreateChatCompletionStreamResponse"
    assert json.loads(server.requests[1].body)["stream"] is True


def test_response_stream_events_are_a_discriminated_union(
    gen: Generated, client: Any, server: LocalServer
) -> None:
    event = {
        "type": "response.output_text.delta",
        "item_id": "i1",
        "output_index": 0,
        "content_index": 0,
        "delta": "Hi",
        "sequence_number": 1,
        "logprobs": [],
    }
    server.route("POST", "/responses", sse_reply([event], done=None))
    with client.responses.create(model="gpt-test", input="Hi", stream=True) as stream:
        (received,) = list(stream)
    assert (
        type(received).__name__ == "ResponseTextDeltaEvent" and received.delta == "Hi"
    )
    with pytest.raises(pydantic.ValidationError) as info:
        pydantic.TypeAdapter(gen.module.types.ResponseStreamEvent).validate_python(
            {**event, "delta": 5}
        )
    # The tag picked the member: only its errors are reported.
    assert {e["loc"][0] for e in info.value.errors()} == {"response.output_text.delta"}


def test_mypy_strict_is_clean(gen: Generated, tmp_path: Path) -> None:
    result = mypy_strict([gen.path.name], gen.path.parent, tmp_path / "cache")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]

"""Streams read from each convention providers publish, their fold rules, and their warnings.

``build.streams`` finds the stream of a response and its chunk schema (never
the SSE envelope); ``build.fold`` derives the fold rule from the chunk and
response schemas or takes the one ``x-stream-fold`` declares;
``build.stream_flags`` decides how a call selects the stream. Every stream
warning has a code.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import fold, streams
from generator.build.api import Builder
from generator.errors import Code, SpecError
from generator.load import load_spec, load_text
from generator.runtime import FoldRule
from tests.support.fixture_packages import FIXTURES, fixture

CHUNK = {"$ref": "#/components/schemas/Chunk"}
DONE_MEMBER = {
    "type": "object",
    "properties": {"data": {"type": "string", "enum": ["[DONE]"]}},
}


def envelope(data: Any, **more: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"data": data, **more}}


DATA = {"components": {"schemas": {"Chunk": {"type": "object", "properties": {}}}}}


def found(content: dict[str, Any], op: dict[str, Any] | None = None) -> Any:
    """The stream of ``content`` (typed loosely: tests read what they expect)."""
    source, _ = streams.find_stream(DATA, op or {}, "#/op", content, "#/c")
    return source


def find(media: dict[str, Any], op: dict[str, Any] | None = None) -> Any:
    data = DATA
    content = {"text/event-stream": media} if media else {}
    source, others = streams.find_stream(data, op or {}, "#/op", content, "#/c")
    assert others == []
    return source


# -- conventions -----------------------------------------------------------------------


def test_our_extension_names_the_chunk_and_the_terminator() -> None:
    source = find({"schema": {"type": "string"}, "x-event-data-schema": CHUNK})
    assert (source.convention, source.chunk.schema) == (streams.OURS, CHUNK)
    assert (source.terminator, source.terminator_required) == ("[DONE]", False)
    declared = find({"x-event-data-schema": CHUNK, "x-stream-terminator": "END"})
    assert (declared.terminator, declared.terminator_required) == ("END", True)


def test_the_schema_is_the_chunk_unless_it_is_prose() -> None:
    source = find({"schema": CHUNK})
    assert (source.convention, source.chunk.schema) == (streams.CHUNK, CHUNK)
    union = {"oneOf": [CHUNK, {"type": "object", "properties": {"x": {}}}]}
    assert find({"schema": union}).chunk.schema == union
    prose = find({"schema": {"type": "string", "description": "events"}})
    assert prose.chunk is None and "neither the events" in prose.untyped


def test_an_event_envelope_gives_its_data_as_the_chunk() -> None:
    source = find({"schema": envelope(CHUNK, event={"type": "string"}, id={})})
    assert (source.convention, source.chunk.schema) == (streams.ENVELOPE, CHUNK)
    assert source.chunk.where == "#/c/text~1event-stream/schema/properties/data"
    assert (source.terminator, source.terminator_required) == ("[DONE]", False)


def test_a_union_of_envelopes_with_a_done_member_names_the_terminator() -> None:
    source = find({"schema": {"oneOf": [envelope(CHUNK), DONE_MEMBER]}})
    assert (source.convention, source.chunk.schema) == (streams.ENVELOPE, CHUNK)
    assert (source.terminator, source.terminator_required) == ("[DONE]", True)
    other = {"oneOf": [envelope(CHUNK), envelope({"type": "string", "const": "END"})]}
    assert find({"schema": other}).terminator == "END"


def test_envelopes_with_constant_event_names_are_named_events() -> None:
    started = {"type": "object", "properties": {"id": {"type": "string"}}}
    members = [
        envelope(CHUNK, event={"const": "delta"}),
        envelope(started, event={"type": "string", "enum": ["started"]}),
    ]
    source = find({"schema": {"anyOf": members}})
    assert source.convention == streams.EVENTS and source.chunk is None
    assert [(name, item.schema) for name, item in source.events] == [
        ("delta", CHUNK),
        ("started", started),
    ]


def test_envelopes_without_names_make_a_union_chunk() -> None:
    other = {"type": "object", "properties": {"x": {"type": "integer"}}}
    source = find({"schema": {"oneOf": [envelope(CHUNK), envelope(other)]}})
    assert source.chunk.schema == {"oneOf": [CHUNK, other]}


def test_speakeasy_sentinel_is_the_terminator() -> None:
    source = find({"schema": envelope(CHUNK), "x-speakeasy-sse-sentinel": "[DONE]"})
    assert (source.chunk.schema, source.terminator, source.terminator_required) == (
        CHUNK,
        "[DONE]",
        True,
    )


def test_openapi_32_item_schema_types_data_through_content_schema() -> None:
    event = envelope(
        {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": CHUNK,
        },
        event={"type": "string"},
    )
    source = find({"itemSchema": event})
    assert (source.convention, source.chunk.schema) == (streams.ITEM_SCHEMA, CHUNK)
    assert source.chunk.where.endswith("/itemSchema/properties/data/contentSchema")
    text = find({"itemSchema": envelope({"type": "string"})})
    assert text.chunk is None and "no JSON schema" in text.untyped


@pytest.mark.parametrize(
    "ctype",
    [
        "application/x-ndjson",
        "application/jsonl",
        "application/jsonlines",
        "application/json-seq",
        "application/x-ndjson; charset=utf-8",
    ],
)
def test_line_delimited_media_types_stream_their_schema(ctype: str) -> None:
    content = {"application/json": {"schema": {}}, ctype: {"schema": CHUNK}}
    source = found(content)
    assert (source.convention, source.media_type, source.chunk.schema) == (
        streams.LINES,
        ctype,
        CHUNK,
    )
    assert source.terminator is None
    item = {ctype: {"itemSchema": CHUNK}}
    assert found(item).chunk.schema == CHUNK


def test_fern_streaming_true_streams_the_json_media_type_as_lines() -> None:
    content = {"application/json": {"schema": CHUNK}}
    source = found(content, {"x-fern-streaming": True})
    assert (source.convention, source.media_type, source.chunk.schema) == (
        streams.FERN,
        "application/x-ndjson",
        CHUNK,
    )
    assert source.replaces_json and source.condition is None


def test_fern_streaming_with_a_condition() -> None:
    final = {"$ref": "#/components/schemas/Final"}
    op = {
        "x-fern-streaming": {
            "format": "sse",
            "terminator": "[DONE]",
            "stream-condition": "$request.streaming",
            "response": final,
            "response-stream": CHUNK,
        }
    }
    source = found({"application/json": {"schema": final}}, op)
    assert (source.media_type, source.chunk.schema, source.final.schema) == (
        "text/event-stream",
        CHUNK,
        final,
    )
    assert (source.condition, source.terminator, source.terminator_required) == (
        "streaming",
        "[DONE]",
        True,
    )


def test_a_second_stream_media_type_is_reported() -> None:
    content = {"text/event-stream": {"schema": CHUNK}, "application/x-ndjson": {}}
    source, others = streams.find_stream({}, {}, "#/op", content, "#/c")
    assert source is not None and source.media_type == "text/event-stream"
    assert others == ["#/c/application~1x-ndjson"]


def test_nothing_else_is_a_stream() -> None:
    content = {"application/json": {"schema": CHUNK}, "text/plain": {}}
    assert streams.find_stream({}, {}, "#/op", content, "#/c") == (None, [])
    assert streams.stream_format("application/json-patch+json") is None


# -- fold rules ------------------------------------------------------------------------


def chat_schemas() -> dict[str, Any]:
    spec = yaml.safe_load((FIXTURES / "streams.yaml").read_text())
    return dict(spec)


def derive(chunk: str, answer: str, data: dict[str, Any] | None = None) -> fold.Fold:
    data = data or chat_schemas()
    return fold.derive(
        data,
        {"$ref": f"#/components/schemas/{chunk}"},
        {"$ref": f"#/components/schemas/{answer}"},
    )


def test_a_chat_rule_is_derived_from_the_chunk_and_the_response() -> None:
    found = derive("ChatChunk", "ChatCompletion")
    assert found.rule == {
        "index": {"choices": "index", "choices[].message.tool_calls": "index"},
        "rename": {"choices[].delta": "message"},
        "concat": [
            "choices[].message.content",
            "choices[].message.tool_calls[].function.arguments",
        ],
        "set": {"choices[].message.role": "assistant", "object": "chat.completion"},
        "default": {
            "choices[].message.content": None,
            "choices[].message.tool_calls[].function.arguments": "",
        },
        "text": ["choices[].delta.content"],
    }
    FoldRule(found.rule)


def test_a_chunk_of_the_response_type_joins_text_per_choice() -> None:
    data = {
        "components": {
            "schemas": {
                "Completion": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "object": {"type": "string"},
                        "choices": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["text", "index"],
                                "properties": {
                                    "text": {"type": "string"},
                                    "index": {"type": "number"},
                                    "logprobs": {
                                        "anyOf": [
                                            {
                                                "type": "object",
                                                "properties": {
                                                    "tokens": {
                                                        "type": "array",
                                                        "items": {"type": "string"},
                                                    }
                                                },
                                            },
                                            {"type": "null"},
                                        ]
                                    },
                                },
                            },
                        },
                    },
                }
            }
        }
    }
    found = derive("Completion", "Completion", data)
    assert found.rule == {
        "index": {"choices": "index"},
        "concat": ["choices[].text"],
        "append": ["choices[].logprobs.tokens"],
        "default": {"choices[].text": ""},
        "text": ["choices[].text"],
    }


def test_no_rule_without_a_text_field_in_both() -> None:
    found = derive("LogLine", "ChatCompletion")
    assert found.rule is None and "no text field" in found.reason
    events = derive("ConversationEvents", "ChatCompletion")
    assert events.rule is None and "no text field" in events.reason
    data = chat_schemas()
    data["components"]["schemas"]["Events"] = {
        "oneOf": [
            {"$ref": "#/components/schemas/MessageOutputEvent"},
            {"$ref": "#/components/schemas/ResponseDoneEvent"},
        ]
    }
    union = derive("Events", "ChatCompletion", data)
    assert union.rule is None and "union of event types" in union.reason


def test_text_deltas_are_the_outermost_text_fields() -> None:
    data = chat_schemas()
    delta = data["components"]["schemas"]["ChatChunk"]["properties"]["choices"]
    delta = delta["items"]["properties"]["delta"]["properties"]
    message = data["components"]["schemas"]["AssistantMessage"]["properties"]
    details = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"index": {"type": "integer"}, "text": {"type": "string"}},
        },
    }
    delta["details"] = message["details"] = details
    found = derive("ChatChunk", "ChatCompletion", data)
    assert found.rule is not None
    assert "choices[].message.details[].text" in found.rule["concat"]
    assert found.rule["text"] == ["choices[].delta.content"]


def test_recursive_schemas_are_walked_once_per_branch() -> None:
    node = {
        "type": "object",
        "properties": {
            "content": {"type": "string"},
            "children": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Node"},
            },
            "next": {"$ref": "#/components/schemas/Node"},
        },
    }
    data = {"components": {"schemas": {"Node": node}}}
    found = derive("Node", "Node", data)
    assert found.rule is not None
    assert found.rule["concat"][0] == "content"
    assert len(json.dumps(found.rule)) < 2000


def test_a_declared_rule_is_checked_by_the_runtime() -> None:
    rule = {"concat": ["text"], "text": ["delta.text"]}
    assert fold.declared(rule) == (rule, None)
    assert fold.declared(False) == (None, None)
    for bad, says in [
        ({"concat": "text"}, "must be a list of strings"),
        ({"unknown": 1}, "unknown keys"),
        ([1], "must be a fold rule"),
        ({"set": {"x": {1, 2}}}, "not JSON"),
    ]:
        rule_, problem = fold.declared(bad)
        assert rule_ is None and problem is not None and says in problem, problem


# -- build: what methods stream, and the warnings --------------------------------------


def build(data: dict[str, Any]) -> tuple[Any, list[Any]]:
    builder = Builder(load_text(yaml.safe_dump(data, sort_keys=False), "s.yaml"))
    api = builder.build()
    return api, builder.report.warnings


def methods(api: Any) -> dict[str, Any]:
    return {
        m.path: m for rm in api.resources for r in rm.resource.walk() for m in r.methods
    }


def test_the_fixture_methods_stream_as_their_conventions_say() -> None:
    api = fixture("streams.yaml").api
    by_path = methods(api)
    chat = by_path["/chunk/chat"].stream
    assert chat is not None and chat.final is not None and chat.fold is not None
    assert (chat.param, chat.send_off, chat.media_type) == (
        "stream",
        False,
        "text/event-stream",
    )
    lines = by_path["/ndjson/chat"].stream
    assert (lines.media_type, lines.send_off) == ("application/x-ndjson", True)
    only = by_path["/conversations/stream"]
    assert only.stream.always and only.stream.send_always == (("stream", True),)
    assert "stream" not in {p.wire for p in only.params}
    assert only.stream.final is None and only.stream.fold is None
    named = by_path["/messages"].stream
    assert [name for name, _ in named.events] == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert json.loads(named.fold)["json"] == ["content[].input"]
    assert by_path["/fern/logs"].stream.always
    assert by_path["/undeclared/chat"].stream is None


def base_spec() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load((FIXTURES / "streams.yaml").read_text()))


def test_stream_warnings_have_codes() -> None:
    data = base_spec()
    paths = data["paths"]
    # named events without a declared rule; a stream nothing selects; two streams
    del paths["/messages"]["post"]["responses"]["200"]["content"]["text/event-stream"][
        "x-stream-fold"
    ]
    del data["components"]["schemas"]["ChatRequest"]["properties"]["stream"]
    paths["/ours/chat"]["post"]["responses"]["200"]["content"][
        "application/x-ndjson"
    ] = {"schema": {"$ref": "#/components/schemas/ChatChunk"}}
    _, warnings = build(data)
    found = {(w.code, w.pointer.split("/")[2]) for w in warnings}
    assert (Code.STREAM_UNSELECTABLE, "~1chunk~1chat") in found
    assert (Code.STREAM_IGNORED, "~1ours~1chat") in found
    assert all(
        w.code is not Code.UNCLASSIFIED for w in warnings if "stream" in w.message
    )


def test_a_named_event_stream_without_a_rule_warns_that_it_cannot_fold() -> None:
    data = base_spec()
    media = data["paths"]["/messages"]["post"]["responses"]["200"]["content"]
    del media["text/event-stream"]["x-stream-fold"]
    api, warnings = build(data)
    (warning,) = [w for w in warnings if w.code is Code.STREAM_NO_FOLD]
    assert "named" in warning.message and "x-stream-fold" in warning.message
    assert methods(api)["/messages"].stream.fold is None
    media["text/event-stream"]["x-stream-fold"] = False
    api, warnings = build(data)
    assert not [w for w in warnings if w.code is Code.STREAM_NO_FOLD]


def test_an_invalid_declared_rule_stops_generation_with_its_place() -> None:
    data = base_spec()
    media = data["paths"]["/messages"]["post"]["responses"]["200"]["content"]
    media["text/event-stream"]["x-stream-fold"] = {"concat": ["content[]"]}
    with pytest.raises(SpecError) as info:
        build(data)
    (error,) = info.value.findings
    assert error.code is Code.STREAM_FOLD_INVALID
    assert error.pointer.endswith("/text~1event-stream/x-stream-fold")
    assert "not a valid fold rule" in error.message


def test_an_undeclared_stream_warning_shows_an_overlay_that_works(
    tmp_path: Path,
) -> None:
    """The overlay the warning shows, with the chunk named, makes the method stream."""
    (warning,) = [
        w for w in fixture("streams.yaml").warnings if "/undeclared/chat" in w
    ]
    assert "stream=True fails" in warning
    lines = warning.split("\n")[1:]
    overlay = "\n".join(line[2:] for line in lines).replace("CHUNK", "ChatChunk")
    path = tmp_path / "declare.overlay.yaml"
    path.write_text(overlay, encoding="utf-8")
    from generator import overlay as overlays

    spec = overlays.load(FIXTURES / "streams.yaml", [path])
    api = Builder(spec).build()
    stream = methods(api)["/undeclared/chat"].stream
    assert stream is not None and stream.param == "stream" and stream.fold is not None
    assert load_spec(FIXTURES / "streams.yaml")  # the spec itself is untouched


def test_event_names_and_declared_rules_reach_code_only_as_literals(
    tmp_path: Path,
) -> None:
    """Spec text in event names and fold rules cannot become code."""
    from generator import pipeline
    from generator.write import write_packages
    from tests.support.operations import descriptor_for
    from tests.support.packages import load_package

    hostile = '"}); import os; os.system("x") #'
    data = base_spec()
    events = data["components"]["schemas"]["MessageStreamEvents"]["oneOf"]
    events[0]["properties"]["event"] = {"const": hostile}
    media = data["paths"]["/messages"]["post"]["responses"]["200"]["content"]
    rule = media["text/event-stream"]["x-stream-fold"]
    rule["routes"][hostile] = rule["routes"].pop("message_start")
    rule["set"] = {"id": hostile}
    spec = tmp_path / "streams.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    api, files = pipeline.generate_one(load_spec(spec))
    write_packages({api.package: files}, tmp_path / "out")
    pkg = load_package(tmp_path / "out" / api.package)
    spec_ = descriptor_for(pkg.Streams(api_key="k"), "POST", "/messages").stream
    assert hostile in spec_.events
    assert spec_.fold["routes"][hostile] == [{"from": "message", "to": ""}]
    assert spec_.fold["set"] == {"id": hostile}

"""The parts of ``build``, each alone: type nodes, schema reading, arguments, results, imports.

Each part takes what it needs (a TypeBuilder, a Reporter, a Site), so these
tests build a few dicts instead of a whole API.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from generator.build.expr import PARAM, RESPONSE, Site
from generator.build.imports import sections
from generator.build.params import BodyPlan, parameters, request_body
from generator.build.responses import responses
from generator.build.schemas import Prop, Reporter, SchemaReader
from generator.build.stream_flags import stream_info
from generator.build.types import TypeBuilder
from generator.errors import Code
from generator.ir import ImportLine, Param
from generator.ir_types import (
    ANY,
    DictOf,
    Discriminated,
    FileInput,
    Import,
    ListOf,
    Lit,
    NotGivenOr,
    Nullable,
    Prim,
    Ref,
    RequiredKey,
    StreamOf,
    Tagged,
    UnionOf,
    annotation,
    imports,
    names,
    refs,
)
from generator.names import Scope
from generator.render import RenderError, environment, module_path, type_annotation


def types_for(data: dict[str, Any]) -> tuple[TypeBuilder, Reporter]:
    report = Reporter("t.yaml")
    return TypeBuilder(SchemaReader(data, report)), report


def site(op: dict[str, Any], path: str = "/x", item: Any = None) -> Site:
    return Site(path, item or {}, "#/paths/~1x", op, "#/paths/~1x/post", "XCreate")


# -- type nodes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "node, text",
    [
        (ANY, "Any"),
        (Prim("datetime.date"), "datetime.date"),
        (Lit(("a", 1, True)), "Literal['a', 1, True]"),
        (ListOf(Prim("int")), "List[int]"),
        (ListOf(FileInput(), mutable=False), "Sequence[FileInput]"),
        (DictOf(ANY), "Dict[str, Any]"),
        (Nullable(UnionOf((Ref("A"), Prim("str")))), "Optional[Union[A, str]]"),
        (
            Discriminated(UnionOf((Ref("A"), Ref("B"))), "kind"),
            "Annotated[Union[A, B], Field(discriminator='kind')]",
        ),
        (
            Tagged((Ref("A"), Ref("B")), "type", (("a", "A"), ("b", "B"))),
            (
                "Annotated[Union[Annotated[A, Tag('A')], Annotated[B, Tag('B')]], "
                "Discriminator(discriminate('type', {'a': 'A', 'b': 'B'}))]"
            ),
        ),
        (NotGivenOr(Nullable(Prim("float"))), "Union[Optional[float], NotGiven]"),
        (StreamOf(Ref("Chunk"), asynchronous=True), "AsyncStream[Chunk]"),
        (RequiredKey(ListOf(Prim("str"), mutable=False)), "Required[Sequence[str]]"),
    ],
)
def test_each_node_is_spelled_in_one_place(node: Any, text: str) -> None:
    assert annotation(node) == text
    assert str(type_annotation(node)) == text


def test_nodes_say_what_they_import_and_name() -> None:
    node = NotGivenOr(
        UnionOf((ListOf(Prim("uuid.UUID"), mutable=False), Ref("Pet"), FileInput()))
    )
    assert imports(node) == {
        Import("typing", "Union"),
        Import("typing", "Sequence"),
        Import("uuid"),
        Import("._runtime", "NotGiven"),
        Import("._runtime._types", "FileInput"),
    }
    assert refs(node) == {"Pet"}
    assert {"Union", "Sequence", "uuid", "Pet", "FileInput", "NotGiven"} <= names(node)
    tagged = Tagged((Ref("A"),), "t", (("a", "A"),))
    assert Import("._runtime._models", "discriminate") in imports(tagged)


def test_literals_tell_true_from_one_and_nodes_check_their_parts() -> None:
    assert Lit((True,)) != Lit((1,))
    assert len({Lit((True,)), Lit((1,)), Lit((1,))}) == 2
    fraction: Any = 1.5
    for bad in (
        lambda: Prim("os.system"),
        lambda: Ref("a b"),
        lambda: Lit((fraction,)),
    ):
        with pytest.raises(ValueError):
            bad()
    with pytest.raises(RenderError):
        type_annotation("Union[int, str]")  # text is not a node
    with pytest.raises(RenderError):
        module_path("..types; import os")


# -- reading schemas ------------------------------------------------------------------


def test_a_ref_cycle_without_a_schema_is_any_with_a_warning() -> None:
    data = {"A": {"$ref": "#/B"}, "B": {"$ref": "#/A"}, "C": {"$ref": "#/D"}, "D": {}}
    tb, report = types_for(data)
    assert tb.reader.deref({"$ref": "#/A"}, "#/here") == ({}, "#/here")
    assert [(w.pointer, w.message) for w in report.warnings] == [
        ("#/here", "$ref cycle through #/A with no schema in it; typed as Any")
    ]
    assert tb.reader.deref({"$ref": "#/C"}, "#/x") == ({}, "#/D")
    assert len(report.warnings) == 1


def test_properties_merge_through_all_of_and_the_plan_drops_by_direction() -> None:
    data = {
        "Base": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer"}, "secret": {"writeOnly": True}},
        }
    }
    schema = {
        "allOf": [
            {"$ref": "#/Base"},
            {"properties": {"id": {"type": "string"}, "made": {"readOnly": True}}},
            {"description": "annotation only"},
        ]
    }
    tb, _ = types_for(data)
    reader = tb.reader
    assert reader.is_object(schema)
    props, required = reader.collect_properties(schema, "#/S")
    assert [p.wire for p in props] == ["id", "secret", "made"]
    assert props[0] == Prop("id", {"type": "string"}, "#/S/allOf/1/properties/id")
    assert required == {"id"}
    assert [f.wire for f in reader.field_plan(props, RESPONSE)] == ["id", "made"]
    assert [f.wire for f in reader.field_plan(props, PARAM)] == ["id", "secret"]


def test_defaults_fit_the_field_type() -> None:
    tb, _ = types_for({})
    tb.expr(
        {
            "type": "object",
            "title": "Page",
            "properties": {
                "limit": {"type": "integer", "default": 20},
                "mode": {"type": "integer", "default": "fast"},
                "tags": {"type": "array", "items": {"type": "string"}, "default": []},
                "kind": {"const": "page"},
            },
        },
        RESPONSE,
        "Page",
        "#/Page",
    )
    fields = {f.wire: f for f in tb.defs["Page"].fields}
    assert (fields["limit"].type, fields["limit"].default) == (
        Nullable(Prim("int")),
        20,
    )
    assert fields["mode"].default is None  # a string default on an integer
    assert fields["tags"].default == []
    assert (fields["kind"].type, fields["kind"].default) == (Lit(("page",)), "page")


# -- arguments ------------------------------------------------------------------------


def test_parameters_keep_wire_names_order_and_styles() -> None:
    op = {
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            {"name": "b", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "a", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "X-Fixed",
                "in": "header",
                "required": True,
                "schema": {"const": "yes"},
            },
            {
                "name": "ids",
                "in": "query",
                "style": "pipeDelimited",
                "schema": {"type": "array", "items": {"type": "integer"}},
            },
        ]
    }
    tb, report = types_for({})
    plan = parameters(tb, report, site(op, "/x/{a}/{b}"), Scope())
    assert plan is not None
    assert [(p.name, p.location, p.type) for p in plan.params] == [
        ("a", "path", Prim("str")),
        ("b", "path", Prim("str")),
        ("limit", "query", NotGivenOr(Prim("int"))),
        ("ids", "query", NotGivenOr(ListOf(Prim("int"), mutable=False))),
    ]
    assert plan.fixed_headers == (("X-Fixed", "yes"),)
    assert plan.styles == (("ids", "pipeDelimited", False),)  # explode: form only
    assert report.errors == []


def test_an_undeclared_path_parameter_is_an_error_at_the_operation() -> None:
    tb, report = types_for({})
    assert parameters(tb, report, site({}, "/x/{id}"), Scope()) is None
    assert [(e.pointer, e.severity) for e in report.errors] == [
        ("#/paths/~1x/post", "error")
    ]


def test_an_object_body_becomes_keyword_arguments() -> None:
    op = {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "note": {"type": ["string", "null"]},
                            "mode": {"enum": ["a", "b"]},
                        },
                    }
                }
            },
        }
    }
    tb, _ = types_for({})
    body = request_body(tb, site(op), Scope())
    assert body.kind == "multipart"
    assert [(p.name, p.type, p.required) for p in body.params] == [
        ("file", FileInput(), True),
        ("note", NotGivenOr(Nullable(Prim("str"))), False),
        ("mode", NotGivenOr(Lit(("a", "b"))), False),
    ]
    assert body.drop_none == ("file", "mode")  # None is sent only where allowed
    assert body.literals == {"mode": ("a", "b")}


def test_a_body_that_is_not_an_object_is_one_argument() -> None:
    op: dict[str, Any] = {"requestBody": {"content": {"application/octet-stream": {}}}}
    tb, _ = types_for({})
    body = request_body(tb, site(op), Scope())
    assert body.kind == "binary"
    assert [(p.name, p.location, p.type) for p in body.params] == [
        ("body", "body_whole", NotGivenOr(Prim("bytes")))
    ]


# -- results and streams ---------------------------------------------------------------


def test_json_results_are_unioned_and_an_empty_2xx_makes_them_optional() -> None:
    def media(schema: Any) -> dict[str, Any]:
        return {"content": {"application/json": {"schema": schema}}}

    op = {
        "responses": {
            "200": media({"type": "integer"}),
            "201": media({"type": "string"}),
            "204": {"description": "nothing"},
            "400": media({"type": "boolean"}),
        }
    }
    tb, report = types_for({})
    plan = responses(tb, report, op, "#/op", "Op")
    assert plan.kind == "json" and plan.stream is None
    assert plan.result.node == Nullable(UnionOf((Prim("int"), Prim("str"))))


def _stream_site(op: dict[str, Any]) -> Site:
    return Site("/op", {}, "#/paths/~1op", op, "#/paths/~1op/post", "Op")


def test_streams_and_how_a_method_selects_them() -> None:
    tb, report = types_for({"Chunk": {"type": "object", "properties": {}}})
    op: dict[str, Any] = {
        "responses": {
            "200": {
                "content": {
                    "application/json": {"schema": {"type": "integer"}},
                    "text/event-stream": {"schema": {"$ref": "#/Chunk"}},
                }
            }
        }
    }
    plan = responses(tb, report, op, "#/paths/~1op/post", "Op")
    assert plan.stream is not None
    source = plan.stream.source
    assert (plan.stream.chunk.node, source.terminator, source.terminator_required) == (
        Ref("Chunk"),
        "[DONE]",
        False,
    )
    op["responses"]["200"]["content"]["text/event-stream"] = {
        "x-event-data-schema": {},
        "x-stream-terminator": "END",
    }
    declared = responses(tb, report, op, "#/paths/~1op/post", "Op").stream
    assert declared is not None
    assert (declared.chunk.node, declared.source.terminator_required) == (ANY, True)

    site = _stream_site(op)
    flag = Param("stream", "stream", "body", NotGivenOr(Nullable(Prim("bool"))), False)
    info = stream_info(tb.reader, report, plan, BodyPlan("json", (flag,)), site)
    assert info is not None
    assert (info.on_type, info.off_type, info.any_type) == (
        Lit((True,)),
        Nullable(Lit((False,))),
        Nullable(Prim("bool")),
    )
    assert info.off_argument == NotGivenOr(Nullable(Lit((False,))))

    fmt = Param("fmt", "fmt", "body", NotGivenOr(Lit(("json", "sse"))), False)
    body = BodyPlan("json", (fmt,), literals={"fmt": ("json", "sse")})
    info = stream_info(tb.reader, report, plan, body, site)
    assert info is not None
    assert (info.on_value, info.on_type, info.off_type) == (
        "sse",
        Lit(("sse",)),
        Lit(("json",)),
    )

    assert stream_info(tb.reader, report, plan, BodyPlan("json"), site) is None
    assert "never streams" in report.warnings[-1].message
    assert report.warnings[-1].code is Code.STREAM_UNSELECTABLE
    only = replace(plan, kind="none")
    always = stream_info(tb.reader, report, only, BodyPlan(None), site)
    assert always is not None and always.always


# -- imports ---------------------------------------------------------------------------


def test_import_sections_are_sorted_and_relative_to_the_module() -> None:
    needs = [
        Import("typing", "Union"),
        Import("uuid"),
        Import("typing", "TYPE_CHECKING"),
        Import("typing", "overload"),
        Import("pydantic", "Field"),
        Import("httpx"),
        Import("._runtime", "NotGiven"),
        Import("._runtime", "NOT_GIVEN"),
        Import(".types.item_variant13", "B"),
        Import(".types.item_variant6", "A"),
    ]
    assert sections(needs, "resources") == (
        (
            ImportLine("uuid"),
            ImportLine("typing", ("TYPE_CHECKING", "Union", "overload")),
        ),
        (ImportLine("httpx"), ImportLine("pydantic", ("Field",))),
        (
            ImportLine(".._runtime", ("NOT_GIVEN", "NotGiven")),
            ImportLine("..types.item_variant6", ("A",)),
            ImportLine("..types.item_variant13", ("B",)),
        ),
    )
    (local,) = sections([Import(".types.pet", "Pet")], "types")
    assert local == (ImportLine(".pet", ("Pet",)),)


def test_the_import_macro_writes_the_sections() -> None:
    template = environment().from_string(
        '{%- import "macros.j2" as m -%}x{{- m.imports(s) }}\n'
    )
    out = template.render(
        s=(
            (ImportLine("uuid"), ImportLine("typing", ("Any", "Union"))),
            (ImportLine(".._runtime", ("NotGiven",)),),
        )
    )
    assert out == (
        "x\n\nimport uuid\nfrom typing import Any, Union\n\n"
        "from .._runtime import NotGiven\n"
    )

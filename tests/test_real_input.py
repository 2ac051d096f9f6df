"""What providers publish and our own specs never do, through every stage.

``tests/fixtures/real_input.yaml`` holds it together: ``$ref``s inside
extensions and examples (not OpenAPI: never followed), a header and a
property named ``x-...`` (data: followed), an endpoint given twice by a
``?beta=true`` query or a ``#rename`` fragment, two security schemes on one
header, the provider's base-URL variable and request-id header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.build import build
from generator.bundle import bundle
from generator.errors import Code, SpecError
from generator.ir import Model
from generator.load import load_spec, load_text
from generator.openapi import iter_refs
from generator.validate import check_spec, validate_spec
from tests.support.fixture_packages import FIXTURES, fixture
from tests.support.server import LocalServer, json_reply

SPEC = FIXTURES / "real_input.yaml"
HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


# -- $refs: OpenAPI's, not the vendor's -----------------------------------------------


def test_refs_are_read_only_where_openapi_is() -> None:
    data = {
        "paths": {
            "x-vendor": {"$ref": "#/no"},
            "/a": {
                "get": {
                    "x-codeSamples": [{"source": {"$ref": "a.py"}}],
                    "parameters": [{"$ref": "#/components/parameters/P"}],
                    "responses": {
                        "default": {"$ref": "#/components/responses/Err"},
                        "x-vendor": {"$ref": "#/no"},
                        "200": {
                            "headers": {"x-request-id": {"$ref": "#/h"}},
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/s"},
                                    "example": {"$ref": "data"},
                                    "examples": {"x-one": {"value": {"$ref": "d"}}},
                                }
                            },
                        },
                    },
                }
            },
        },
        "components": {
            "x-private": {"$ref": "#/no"},
            "schemas": {
                "x-thing": {"$ref": "#/t"},
                "Obj": {
                    "properties": {
                        "$ref": {"type": "string"},  # a property called $ref
                        "x-id": {"$ref": "#/x"},
                    },
                    "default": {"$ref": "d"},
                    "enum": [{"$ref": "d"}],
                    "examples": [{"$ref": "d"}],
                },
            },
        },
    }
    assert sorted(ref for _, ref in iter_refs(data)) == [
        "#/components/parameters/P",
        "#/components/responses/Err",
        "#/h",
        "#/s",
        "#/t",
        "#/x",
    ]


def test_validate_follows_no_ref_inside_an_extension_but_every_ref_in_data_names() -> (
    None
):
    report = check_spec(load_spec(SPEC), strict=True)
    # undotted operationIds are the only findings
    assert {f.code for f in report.errors} == {Code.OPERATION_ID_UNDOTTED}
    broken = SPEC.read_text(encoding="utf-8").replace(
        '$ref: "#/components/headers/RequestId"', '$ref: "#/components/headers/Gone"'
    )
    broken = broken.replace(
        '$ref: "#/components/schemas/Origin"', '$ref: "other.yaml#/Origin"'
    )
    errors = validate_spec(load_text(broken, "real_input.yaml")).errors
    assert {(f.code, f.pointer) for f in errors} == {
        (
            Code.REF_UNRESOLVED,
            "#/paths/~1things/get/responses/200/headers/x-request-id/$ref",
        ),
        (Code.REF_EXTERNAL, "#/components/schemas/Thing/properties/x-origin/$ref"),
    }


def test_bundle_leaves_refs_in_extensions_and_pulls_x_named_properties(
    tmp_path: Path,
) -> None:
    (tmp_path / "common.yaml").write_text(
        "components:\n  schemas:\n    Origin: {type: string}\n", encoding="utf-8"
    )
    text = SPEC.read_text(encoding="utf-8").replace(
        '$ref: "#/components/schemas/Origin"',
        '$ref: "common.yaml#/components/schemas/Origin"',
    )
    (tmp_path / "api.yaml").write_text(text, encoding="utf-8")
    bundled = bundle(tmp_path / "api.yaml")
    samples = bundled.data["paths"]["/things"]["get"]["x-codeSamples"]
    assert samples[0]["source"] == {"$ref": "./samples/list_things.py"}  # untouched
    thing = bundled.data["components"]["schemas"]["Thing"]
    assert thing["properties"]["x-origin"] == {
        "$ref": "#/components/schemas/common_Origin"
    }
    assert len(bundled.files) == 2  # the samples file was never read


# -- the client ---------------------------------------------------------------------


def test_the_client_of_what_providers_publish() -> None:
    api = fixture(SPEC).api
    assert api.client_name == "RealInput"  # from the title
    assert api.base_url_env == "REAL_INPUT_URL"
    assert api.request_id_header == "x-request-id"
    # apiKey and bearer both send Authorization: one credential
    assert [c.name for c in api.credentials] == ["api_key"]
    assert {s.key: s.credential for s in api.schemes} == {
        "apiKey": "api_key",
        "bearer": "api_key",
    }
    (module,) = api.resources
    methods = {m.name: m for m in module.resource.methods}
    assert sorted(methods) == ["beta_list", "list", "rename", "update"]
    assert (methods["list"].path, methods["list"].fixed_query) == ("/things", ())
    assert (methods["beta_list"].path, methods["beta_list"].fixed_query) == (
        "/things",
        (("beta", "true"),),
    )
    assert methods["rename"].path == "/things/{thing_id}"
    model = {d.name: d for m in api.type_modules for d in m.definitions}["Thing"]
    assert isinstance(model, Model)
    assert [f.wire for f in model.fields] == ["id", "name", "x-origin"]


def test_query_suffix_is_sent_with_the_call_s_own_and_the_fragment_never(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fixture(SPEC).module
    monkeypatch.setenv("REAL_INPUT_URL", server.url)
    monkeypatch.setenv("REAL_INPUT_API_KEY", "sk-1")
    server.route(
        "GET",
        "/things",
        json_reply(
            {"data": [{"id": "t", "x-origin": "eu"}]}, headers={"x-request-id": "r1"}
        ),
    )
    server.route("POST", "/things/t1", json_reply({"id": "t1", "name": "new"}))
    client = package.RealInput()
    assert client.things.list(limit=2).data[0].x_origin == "eu"
    client.things.beta_list(limit=3)
    client.things.beta_list(extra_query={"after": "x"})
    raw = client.things.with_raw_response.beta_list()
    assert raw.request_id == "r1"
    assert client.things.rename("t1", new_name="new").name == "new"
    client.close()
    assert [r.path for r in server.requests] == [
        "/things?limit=2",
        "/things?beta=true&limit=3",
        "/things?beta=true&after=x",
        "/things?beta=true",
        "/things/t1",
    ]
    assert {r.headers["authorization"] for r in server.requests} == {"Bearer sk-1"}
    assert server.requests[-1].json() == {"new_name": "new"}


async def test_the_async_client_sends_the_query_suffix_too(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = fixture(SPEC).module
    server.route("GET", "/things", json_reply({"data": []}))
    async with package.AsyncRealInput(api_key="k", base_url=server.url) as client:
        await client.things.beta_list(limit=1)
    assert [r.path for r in server.requests] == ["/things?beta=true&limit=1"]


# -- duplicate operationIds ---------------------------------------------------------

DUPLICATES = HEAD + """servers: [{url: "https://d.example"}]
paths:
  /files:
    get:
      operationId: listFiles
      responses: {"200": {description: ok}}
  /files?beta=true:
    get:
      operationId: listFiles
      responses: {"200": {description: ok}}
"""


def test_duplicate_operation_ids_stop_generation_unless_lenient(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(DUPLICATES, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        pipeline.run([path])
    assert {f.code for f in info.value.findings} == {Code.OPERATION_ID_DUPLICATE}
    result = pipeline.run([path], lenient=True)
    duplicate = [w for w in result.warnings if w.code is Code.OPERATION_ID_DUPLICATE]
    assert [w.pointer for w in duplicate] == [
        "#/paths/~1files?beta=true/get/operationId"
    ]
    api = result.apis["dup"]
    (module,) = api.resources
    assert [(m.name, m.fixed_query) for m in module.resource.methods] == [
        ("list", ()),
        ("list_2", (("beta", "true"),)),
    ]
    assert any("client.files.list_2" in w for w in api.warnings)


# -- bad values of our extensions: clear errors ----------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "pointer"),
    [
        (
            "x-env-var: REAL_INPUT_URL",
            "x-env-var: 'not a name'",
            "#/servers/0/x-env-var",
        ),
        (
            "x-package-name: real_input",
            "x-package-name: real_input\n  x-request-id-header: 'a b'",
            "#/info/x-request-id-header",
        ),
        (
            "x-client-method: things.rename",
            "x-client-method: [things, rename]",
            "#/paths/~1things~1{thing_id}#rename/post/x-client-method",
        ),
    ],
)
def test_an_unusable_extension_value_is_an_error_that_says_where(
    old: str, new: str, pointer: str
) -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(SpecError) as info:
        build(load_text(text.replace(old, new), "real_input.yaml"))
    (finding,) = info.value.findings
    assert (finding.code, finding.pointer) == (Code.NAME_INVALID, pointer)
    assert finding.line is not None


def test_the_request_id_header_is_the_one_most_responses_declare() -> None:
    def spec(headers: list[str]) -> str:
        paths = "".join(
            f"  /p{i}:\n    get:\n      responses:\n        '200':\n"
            f"          description: ok\n          headers:\n"
            f"            {h}: {{schema: {{type: string}}}}\n"
            for i, h in enumerate(headers)
        )
        return HEAD + "paths:\n" + paths

    def header(headers: list[str]) -> Any:
        return build(load_text(spec(headers), "s.yaml")).request_id_header

    assert header(["X-Request-Id", "request-id", "X-Request-ID"]) == "X-Request-Id"
    assert header(["x-amzn-RequestId"]) == "x-amzn-RequestId"
    assert header(["x-ratelimit-remaining"]) is None


def test_an_overlay_renames_a_method_and_keeps_the_operation_id(tmp_path: Path) -> None:
    overlay = tmp_path / "rename.overlay.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: names, version: '1'}\nactions:\n"
        "  - target: $.paths['/things'].get\n"
        "    update: {x-client-method: catalogue.things.browse}\n",
        encoding="utf-8",
    )
    result = pipeline.run([SPEC], overlays=[overlay])
    api = result.apis["real_input"]
    places = {
        (m.http_method, m.path, m.fixed_query): f"{module.resource.attr}.{m.name}"
        for module in api.resources
        for m in module.resource.methods
    }
    places |= {
        (m.http_method, m.path, m.fixed_query): f"catalogue.{child.attr}.{m.name}"
        for module in api.resources
        for child in module.resource.children
        for m in child.methods
    }
    assert places[("GET", "/things", ())] == "catalogue.things.browse"
    assert places[("GET", "/things", (("beta", "true"),))] == "things.beta_list"

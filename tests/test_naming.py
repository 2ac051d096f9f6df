"""Where operations live on the client (``generator/build/naming.py``), rule by rule."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from generator.build import build
from generator.build.naming import client_class_name, plan
from generator.build.schemas import Reporter
from generator.errors import Code, SpecError
from generator.load import load_text
from tests.support.packages import ROOT


def op(**fields: Any) -> dict[str, Any]:
    return {"responses": {"200": {"description": "ok"}}, **fields}


def spec(paths: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        **extra,
    }


def names(data: dict[str, Any], report: Reporter | None = None) -> dict[str, str]:
    """``"GET /path"`` -> the dotted name on the client."""
    out = {}
    for pointer, name in plan(data, report).items():
        parts = pointer.split("/")
        path = parts[2].replace("~1", "/").replace("~0", "~")
        out[f"{parts[3].upper()} {path}"] = name.dotted
    return out


def sample(code: str, lang: str = "python") -> list[dict[str, str]]:
    return [{"lang": "bash", "source": "curl x"}, {"lang": lang, "source": code}]


# -- the order of sources ------------------------------------------------------------


def test_our_extension_beats_the_dotted_operation_id_which_beats_what_the_spec_states() -> (
    None
):
    data = spec(
        {
            "/a": {
                "get": op(
                    operationId="things.list",
                    **{"x-client-method": "stuff.all"},
                    **{"x-codeSamples": sample("client.other.list()")},
                )
            },
            "/b": {
                "get": op(
                    operationId="things.fetch",
                    **{"x-speakeasy-name-override": "get", "x-speakeasy-group": "x"},
                )
            },
            "/c": {
                "get": op(
                    operationId="listC",
                    **{"x-codeSamples": sample("r = client.c.items.list()")},
                )
            },
        }
    )
    assert names(data) == {
        "GET /a": "stuff.all",
        "GET /b": "things.fetch",
        "GET /c": "c.items.list",
    }


def test_speakeasy_group_else_first_tag_and_fern_groups() -> None:
    data = spec(
        {
            "/keys": {
                "get": op(
                    tags=["API Keys"],
                    **{"x-speakeasy-name-override": "list"},
                ),
                "post": op(
                    tags=["API Keys"],
                    **{
                        "x-speakeasy-group": "apiKeys",
                        "x-speakeasy-name-override": "create",
                    },
                ),
            },
            "/runs": {
                "get": op(
                    **{
                        "x-fern-sdk-group-name": ["beta", "threads.runs"],
                        "x-fern-sdk-method-name": "listAll",
                    }
                ),
                "post": op(
                    **{
                        "x-fern-sdk-group-name": "runs",
                        "x-fern-sdk-method-name": "start",
                    }
                ),
            },
        }
    )
    assert names(data) == {
        "GET /keys": "api_keys.list",
        "POST /keys": "api_keys.create",
        "GET /runs": "beta.threads.runs.list_all",
        "POST /runs": "runs.start",
    }


@pytest.mark.parametrize(
    "extension",
    [
        {
            "x-codeSamples": sample(
                "import x\nclient = X()\nclient.chat.completions.create(a=1)"
            )
        },
        {"x-code-samples": sample("client.chat.completions.create(\n  a=1)", "Python")},
        {
            "x-oaiMeta": {
                "examples": {"request": {"python": "client.chat.completions.create()"}}
            }
        },
        {
            "x-oaiMeta": {
                "examples": [
                    {"request": {"curl": "curl"}},
                    {"request": {"python": "client.chat.completions.create()"}},
                ]
            }
        },
        # the response wrappers are not part of the name
        {"x-codeSamples": sample("client.chat.completions.with_raw_response.create()")},
    ],
)
def test_python_samples_state_the_first_call(extension: dict[str, Any]) -> None:
    data = spec({"/chat": {"post": op(operationId="createChat", **extension)}})
    assert names(data) == {"POST /chat": "chat.completions.create"}


def test_samples_in_other_languages_and_other_objects_state_nothing() -> None:
    data = spec(
        {
            "/chat": {
                "post": op(
                    operationId="createChat",
                    tags=["Chat"],
                    **{
                        "x-codeSamples": [
                            {
                                "lang": "javascript",
                                "source": "client.chat.completions.create()",
                            },
                            {"lang": "python", "source": "openai_client.chat.go()"},
                        ]
                    },
                )
            }
        }
    )
    assert names(data) == {"POST /chat": "chat.create"}


# -- derived names -------------------------------------------------------------------


def test_derived_names_from_tags_paths_and_operation_ids() -> None:
    data = spec(
        {
            # FastAPI ids lose their method-and-path suffix; the method does not
            # repeat its resource's name; dotted tags nest
            "/v1/models": {
                "get": op(operationId="list_models_v1_models_get", tags=["models"])
            },
            "/v1/models/{model_id}": {
                "get": op(
                    operationId="retrieve_model_v1_models__model_id__get",
                    tags=["models"],
                ),
                "delete": op(operationId="delete_model", tags=["models"]),
            },
            "/v1/observability/judges": {
                "get": op(operationId="judges_list", tags=["beta.observability"]),
            },
            # router prefixes and version suffixes go; "api" as a word stays
            "/v1/files": {
                "post": op(operationId="files_api_routes_upload_file", tags=["files"]),
            },
            "/v1/keys": {
                "get": op(operationId="list-project-api-keys", tags=["projects"]),
            },
            "/v1/libraries": {
                "get": op(operationId="libraries_list_v1", tags=["libs"])
            },
        }
    )
    assert names(data) == {
        "GET /v1/models": "models.list",
        "GET /v1/models/{model_id}": "models.retrieve",
        "DELETE /v1/models/{model_id}": "models.delete",
        "GET /v1/observability/judges": "beta.observability.judges_list",
        "POST /v1/files": "files.upload",
        "GET /v1/keys": "projects.list_api_keys",
        "GET /v1/libraries": "libs.libraries_list",
    }


def test_without_an_operation_id_the_verbs_come_from_method_and_path_shape() -> None:
    data = spec(
        {
            "/api/v2/items": {"get": op(), "post": op()},
            "/api/v2/items/{id}": {
                "get": op(),
                "put": op(),
                "patch": op(),
                "delete": op(),
            },
            "/api/v2/health": {"get": op()},
            "/api/v2/items/{id}/publish": {"post": op()},
        }
    )
    # /api is every path's prefix and v2 a version: neither is a resource
    assert names(data) == {
        "GET /api/v2/items": "items.list",
        "POST /api/v2/items": "items.create",
        "GET /api/v2/items/{id}": "items.retrieve",
        "PUT /api/v2/items/{id}": "items.update",
        "PATCH /api/v2/items/{id}": "items.update_2",
        "DELETE /api/v2/items/{id}": "items.delete",
        "GET /api/v2/health": "health.retrieve",
        "POST /api/v2/items/{id}/publish": "items.publish.create",
    }


def test_a_tag_every_operation_carries_groups_nothing() -> None:
    data = spec(
        {
            "/chat": {"post": op(operationId="chat", tags=["default"])},
            "/models": {"get": op(operationId="listModels", tags=["default"])},
        }
    )
    assert names(data) == {"POST /chat": "chat.create", "GET /models": "models.list"}


# -- collisions ----------------------------------------------------------------------


def test_a_stronger_claim_keeps_its_name_wherever_it_stands_in_the_spec() -> None:
    data = spec(
        {
            # derived models.list, first in the spec...
            "/models": {"get": op(operationId="listModels", tags=["models"])},
            # ...and a stated models.list later: the stated one owns the name
            "/v2/models": {
                "get": op(
                    operationId="listModelsV2",
                    **{"x-codeSamples": sample("client.models.list()")},
                )
            },
        }
    )
    report = Reporter("t.yaml")
    assert names(data, report) == {
        "GET /models": "models.list_2",
        "GET /v2/models": "models.list",
    }
    (warning,) = report.warnings
    assert warning.code is Code.NAME_TAKEN
    assert warning.pointer == "#/paths/~1models/get"
    assert "#/paths/~1v2~1models/get" in warning.message
    assert "client.models.list_2" in warning.message


def test_a_taken_stated_name_tries_the_next_call_then_the_derived_name() -> None:
    data = spec(
        {
            "/files": {
                "get": op(
                    operationId="listFiles",
                    **{"x-codeSamples": sample("client.files.list()")},
                )
            },
            "/files/{id}": {
                "get": op(
                    operationId="retrieveFile",
                    **{
                        "x-codeSamples": sample(
                            "client.files.list()\nclient.files.retrieve('f')"
                        )
                    },
                )
            },
            "/files?beta=true": {
                "get": op(
                    operationId="beta_listFiles",
                    tags=["Files"],
                    **{"x-codeSamples": sample("client.files.list()")},
                )
            },
        }
    )
    assert names(data) == {
        "GET /files": "files.list",
        "GET /files/{id}": "files.retrieve",
        "GET /files?beta=true": "files.beta_list",
    }


def test_a_method_never_takes_a_sub_resource_name_nor_the_reverse() -> None:
    data = spec(
        {
            "/a": {"get": op(operationId="chat.completions")},
            "/b": {"post": op(operationId="chat.completions.create")},
        }
    )
    report = Reporter("t.yaml")
    got = names(data, report)
    assert got["GET /a"] == "chat.completions"
    # chat.completions is a method: the other cannot live under it
    assert not got["POST /b"].startswith("chat.completions.")
    assert [w.code for w in report.warnings] == [Code.NAME_TAKEN]


def test_duplicate_dotted_operation_ids_are_numbered_in_spec_order() -> None:
    data = spec(
        {
            "/a": {"get": op(operationId="things.list")},
            "/b": {"get": op(operationId="things.list")},
            "/c": {"get": op(operationId="things.list")},
        }
    )
    assert names(data) == {
        "GET /a": "things.list",
        "GET /b": "things.list_2",
        "GET /c": "things.list_3",
    }


def test_an_unusable_x_client_method_is_an_error_that_says_where() -> None:
    data = spec(
        {"/a": {"get": op(operationId="a.list", **{"x-client-method": "list"})}}
    )
    report = Reporter("t.yaml")
    assert names(data, report) == {"GET /a": "a.list"}
    (error,) = report.errors
    assert error.code is Code.NAME_INVALID
    assert error.pointer == "#/paths/~1a/get/x-client-method"


def test_names_are_identifiers_whatever_the_spec_says() -> None:
    data = spec(
        {
            "/a": {"get": op(**{"x-codeSamples": sample("client.class.copy()")})},
            "/b": {"get": op(operationId="2fa.über-list")},
        }
    )
    got = names(data)
    assert got == {"GET /a": "class_.copy_", "GET /b": "resource_2fa.uber_list"}


def test_the_plan_does_not_depend_on_hash_seeds() -> None:
    data = spec(
        {
            f"/categories/{i}": {
                "get": op(
                    operationId=f"get_category_categories_{i}", tags=["categories"]
                )
            }
            for i in range(5)
        }
    )
    code = (
        "import json, sys\n"
        "from generator.build.naming import plan\n"
        "print(json.dumps({k: v.dotted for k, v in plan(json.load(sys.stdin)).items()}))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(data),
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


# -- the client class ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "stem", "expected"),
    [
        ({"title": "OpenRouter API", "x-client-name": "Router"}, "x", "Router"),
        ({"title": "OpenRouter API"}, "openrouter", "OpenRouter"),
        ({"title": "Together APIs"}, "together", "Together"),
        ({"title": "Mistral AI API"}, "mistral", "MistralAI"),
        ({"title": "text-generation-inference"}, "tgi", "TextGenerationInference"),
        ({"title": "Stream"}, "my_stream", "MyStream"),  # a name generated code uses
        ({"title": "42"}, "acme", "Acme"),
        ({"title": "API"}, "", "Client"),
    ],
)
def test_the_client_class_comes_from_the_title(
    info: dict[str, Any], stem: str, expected: str
) -> None:
    assert client_class_name(info, stem) == expected


# -- in the builder ------------------------------------------------------------------

BUILT = """\
openapi: 3.1.0
info: {title: Acme Widgets API, version: "1"}
servers: [{url: "https://acme.example/v1"}]
paths:
  /v1/widgets:
    post:
      operationId: create_widget_v1_widgets_post
      tags: [widgets]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                shape: {type: object, properties: {sides: {type: integer}}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
"""


def test_the_builder_places_methods_and_names_inline_types_after_them() -> None:
    api = build(load_text(BUILT, "acme.yaml"))
    assert api.client_name == "AcmeWidgets"
    (module,) = api.resources
    assert module.resource.attr == "widgets"
    assert [m.name for m in module.resource.methods] == ["create"]
    assert {n for n, _ in api.type_names} >= {
        "WidgetsCreateResponse",
        "WidgetsCreateShapeParam",
    }


def test_the_builder_stops_on_an_unusable_x_client_method() -> None:
    text = BUILT.replace("tags: [widgets]", "tags: [widgets]\n      x-client-method: 3")
    with pytest.raises(SpecError) as info:
        build(load_text(text, "acme.yaml"))
    (finding,) = info.value.findings
    assert finding.code is Code.NAME_INVALID and finding.line == 9

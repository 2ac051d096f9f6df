"""Any spec, however hostile its names: the package imports, or the error is clean.

Hypothesis writes whole specs (paths with ``?query`` and ``#fragment``
suffixes, tags, operationIds, our extensions and the SDK-name extensions of
other generators, Python samples, parameters, properties, security schemes,
random schemas) whose names are taken from what breaks generators:
keywords, dunders, digits first, non-ASCII, names the generated code uses,
quotes and template syntax. Each goes through ``clientgen generate
--lenient`` (the command, in-process). Exit 0: every module of the package
imports. Exit 2: the spec was refused with located errors. Never exit 3 (an
internal error) and never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import pkgutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.support.packages import load_package

HOSTILE = [
    "class", "def", "None", "_", "__init__", "__class__", "2fa", "über", "日本",
    "self", "client", "copy", "types", "with_raw_response", "with_options",
    "close", "base_url", "str", "list", "Stream", "Any", "BaseModel", "Field",
    "x-request-id", "$ref", "a.b", "a..b", ".", "-", "import os", "'''", '"""',
    "\\", "{{ 7*7 }}", "{% raise %}", "models", "chat.completions", "v1", "api",
    "list_models_v1_models_get", "API", "Chat", "resources", "_client",
]  # fmt: skip
_name = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
)
_word = st.one_of(
    st.sampled_from(["models", "chat", "completions", "v1", "api", "items"]),
    st.text("abcxyz_-", min_size=1, max_size=5),
)
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.text(max_size=3))


def _schema() -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.builds(lambda t: {"type": t}, st.sampled_from(["string", "integer", "boolean", "null", "object", "array"])),
        st.builds(lambda v: {"enum": v}, st.lists(_scalar, min_size=1, max_size=3)),
        st.just({"$ref": "#/components/schemas/Shared"}),
        st.just({}),
    )  # fmt: skip

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.builds(
                lambda props, req: {
                    "type": "object",
                    "properties": props,
                    "required": [k for k in props][:req],
                },
                st.dictionaries(_name, inner, max_size=3),
                st.integers(0, 2),
            ),
            st.builds(lambda i: {"type": "array", "items": i}, inner),
            st.builds(lambda m: {"oneOf": m}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda m: {"allOf": m}, st.lists(inner, min_size=1, max_size=2)),
            st.builds(lambda a: {"type": "object", "additionalProperties": a}, inner),
        )

    return st.recursive(leaf, extend, max_leaves=6)


@st.composite
def _operation(draw: st.DrawFn, params: list[str]) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if draw(st.booleans()):
        op["operationId"] = draw(
            st.one_of(
                _name, st.builds(".".join, st.lists(_name, min_size=2, max_size=3))
            )
        )
    if draw(st.booleans()):
        op["tags"] = draw(st.lists(_name, min_size=1, max_size=2))
    if draw(st.integers(0, 4)) == 2:
        parts = draw(st.lists(_name, min_size=2, max_size=3))
        op["x-client-method"] = ".".join(p.replace(".", "") or "m" for p in parts)
    if draw(st.integers(0, 3)) == 0:
        op["x-speakeasy-name-override"] = draw(_name)
        op["x-speakeasy-group"] = draw(_name)
    if draw(st.integers(0, 3)) == 0:
        call = ".".join(draw(st.lists(_name, min_size=1, max_size=3)))
        op["x-codeSamples"] = [
            {"lang": "python", "source": f"client.{call}(x=1)"},
            {"lang": "bash", "source": {"$ref": "./sample.sh"}},
        ]
    parameters = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
        for p in params
    ]
    for name in draw(st.lists(_name, max_size=2)):
        where = draw(st.sampled_from(["query", "header"]))
        parameters.append({"name": name, "in": where, "schema": draw(_schema())})
    if parameters:
        op["parameters"] = parameters
    if draw(st.booleans()):
        op["requestBody"] = {
            "content": {"application/json": {"schema": draw(_schema())}}
        }
    if draw(st.booleans()):
        op["responses"]["200"]["content"] = {
            "application/json": {"schema": draw(_schema())}
        }
    return op


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 3))):
        segments = draw(st.lists(_word, min_size=1, max_size=3))
        params = draw(
            st.lists(
                st.text("abcdef_", min_size=1, max_size=4), max_size=1, unique=True
            )
        )
        path = "/" + "/".join(segments + ["{" + p + "}" for p in params])
        path += draw(st.sampled_from(["", "", "?beta=true", "#stream"]))
        methods = draw(
            st.lists(
                st.sampled_from(["get", "post", "delete"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
        paths[path] = {m: draw(_operation(params)) for m in methods}
    schemes = {
        draw(_name)
        or "key": draw(
            st.sampled_from(
                [
                    {"type": "http", "scheme": "bearer"},
                    {"type": "apiKey", "in": "header", "name": "X-Key"},
                    {"type": "apiKey", "in": "query", "name": "key"},
                ]
            )
        )
        for _ in range(draw(st.integers(0, 2)))
    }
    info: dict[str, Any] = {
        "title": draw(_name),
        "version": "1",
        "x-package-name": "prop_api",
    }
    # Now and then one of our extensions with a value it cannot take.
    bad = draw(st.integers(0, 9))
    if bad == 7:
        info["x-client-name"] = draw(_name)
    elif bad == 8:
        first = next(iter(next(iter(paths.values())).values()))
        first["x-client-method"] = draw(st.sampled_from(["", "list", "a..b", "3"]))
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": "https://prop.invalid", "x-env-var": "bad name" if bad == 9 else "PROP_URL"}],
        "paths": paths,
        "components": {"schemas": {"Shared": draw(_schema())}, "securitySchemes": schemes},
    }  # fmt: skip
    if schemes:
        doc["security"] = [{k: []} for k in schemes]
    return doc


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs())
def test_any_spec_imports_or_fails_cleanly(doc: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spec = root / "prop.yaml"
        spec.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                ["generate", str(spec), "--out", str(root / "out"), "--lenient"]
            )
        assert code in (0, 2), err.getvalue()
        assert (
            "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
        )
        if code == 2:
            # every error names the spec and a JSON pointer in it
            errors = [line for line in err.getvalue().splitlines() if ": #" in line]
            assert errors, err.getvalue()
            assert not (root / "out").exists()
            return
        package = load_package(root / "out" / "prop_api")
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
        client = getattr(package, package.__all__[0])
        assert client.__name__.isidentifier()

"""What the generator cannot handle is reported with file, line and JSON pointer, never a traceback.

Fixtures in tests/fixtures/unsupported/: specs that stop generation (exit 2,
nothing written) and constructs that are generated loosely with a warning.
A property test feeds arbitrary schema shapes through build and render.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cli
from generator.build import build
from generator.build import types as build_types
from generator.errors import SpecError
from generator.load import load_text
from generator.render import render
from tests.support.fixture_packages import FIXTURES

UNSUPPORTED = FIXTURES / "unsupported"
LOCATED = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): (?P<pointer>#\S*): (?P<message>.+)$"
)


def run_cli(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[str], str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, err.splitlines(), out


@pytest.mark.parametrize(
    "spec, lenient, expected",
    [
        (
            "undeclared_path_param.yaml",
            True,
            [("#/paths/~1models~1{model}/get", "path parameter {model} in '/models/{model}' is not declared")],
        ),
        (
            "bad_names.yaml",
            False,
            [
                ("#/info/x-package-name", "package name 'my-package' is not a valid Python identifier"),
                ("#/info/x-client-name", "client name 'class' is not a usable class name"),
                ("#/components/securitySchemes/Key/x-client-param", "x-client-param 'base_url' is not a usable argument name"),
            ],
        ),
        (
            "ref_cycle.yaml",
            False,
            [("#/components/schemas/CycleA/$ref", "$ref cycle with no schema in it")],
        ),
    ],
)  # fmt: skip
def test_specs_that_cannot_be_generated_exit_2_with_locations(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    spec: str,
    lenient: bool,
    expected: list[tuple[str, str]],
) -> None:
    out = tmp_path / "out"
    args = ["generate", str(UNSUPPORTED / spec), "--out", str(out)]
    code, lines, _ = run_cli(capsys, *args, *(["--lenient"] if lenient else []))
    assert code == 2
    assert not out.exists()  # nothing written
    assert not any("Traceback" in line for line in lines)
    errors = [m.groupdict() for m in map(LOCATED.match, lines) if m]
    for pointer, message in expected:
        assert any(
            e["pointer"] == pointer
            and e["message"].startswith(message)
            and e["file"].endswith(spec)
            and int(e["line"]) > 1
            for e in errors
        ), (pointer, lines)


def test_ref_cycle_is_typed_any_when_lenient(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, lines, _ = run_cli(
        capsys,
        "generate",
        "--lenient",
        str(UNSUPPORTED / "ref_cycle.yaml"),
        "--out",
        str(tmp_path),
    )
    assert code == 0
    warned = [
        m for m in map(LOCATED.match, lines) if m and "$ref cycle" in m["message"]
    ]
    assert warned and warned[0]["pointer"].startswith("#/components/schemas/Cycle")
    source = (tmp_path / "ref_cycle" / "types" / "cycle_a.py").read_text()
    assert "CycleA: TypeAlias = Any" in source


def test_loosely_typed_constructs_warn_with_their_pointers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, lines, out = run_cli(
        capsys,
        "generate",
        str(UNSUPPORTED / "loose.yaml"),
        "--out",
        str(tmp_path),
        "--verbose",  # every warning, not one line per kind
    )
    assert code == 0, lines
    warnings = {
        m["pointer"]: m["message"]
        for m in map(LOCATED.match, lines)
        if m and m["message"].startswith("warning: ")
    }
    expected = {
        "#/components/securitySchemes/Mtls": "'mutualTLS' is not supported",
        "#/components/schemas/NotString": "'not' cannot be expressed",
        "#/components/schemas/Pair": "prefixItems (tuples) are not checked",
        "#/components/schemas/Mixed": "allOf combining non-object schemas",
        "#/components/schemas/Fraction": "enum values that Literal cannot hold",
        "#/components/schemas/Conditional": "if/then/else is not checked",
        "#/components/schemas/Patterned": "patternProperties are not checked",
        "#/paths/~1holders~1{id}/get/parameters/0/style": "style 'matrix' is not supported",
        "#/paths/~1holders~1{id}/get/parameters/1": "cookie parameters are not supported",
        "#/paths/~1holders~1{id}/get/security/0": "unsupported scheme(s) ['Mtls']",
        "#/paths/~1events/get/responses/200/content/text~1event-stream": "chunks are untyped JSON",
    }
    for pointer, text in expected.items():
        assert text in warnings.get(pointer, ""), (pointer, lines)
    assert "loose_api" in out


def test_an_unexpected_failure_names_the_schema(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = build_types.TypeBuilder._typed

    def broken(self: Any, schema: Any, t: str, mode: str, hint: str, where: str) -> Any:
        if where.endswith("/Pair"):
            raise KeyError("surprise")
        return real(self, schema, t, mode, hint, where)

    monkeypatch.setattr(build_types.TypeBuilder, "_typed", broken)
    code, lines, _ = run_cli(
        capsys,
        "generate",
        str(UNSUPPORTED / "loose.yaml"),
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2
    (error,) = [
        m
        for m in map(LOCATED.match, lines)
        if m and m["pointer"] == "#/components/schemas/Pair"
    ]
    assert (
        "the generator cannot handle this schema (KeyError: 'surprise')"
        in error["message"]
    )
    assert not any("Traceback" in line for line in lines)


# -- arbitrary schemas never crash build or render ---------------------------------------

_NAMES = ["A", "B", "C"]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.text(max_size=4),
)
_TYPES = st.sampled_from(
    ["string", "integer", "number", "boolean", "object", "array", "null", "file", 3]
)


def _schemas() -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.builds(
            lambda n: {"$ref": f"#/components/schemas/{n}"}, st.sampled_from(_NAMES)
        ),
        st.builds(lambda t: {"type": t}, _TYPES),
        st.builds(lambda v: {"enum": v}, st.lists(_SCALARS, max_size=3)),
        st.builds(lambda v: {"const": v}, _SCALARS),
        st.just({}),
        st.booleans(),
        _SCALARS,
    )

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        keys = st.sampled_from(
            ["properties", "items", "oneOf", "anyOf", "allOf", "additionalProperties",
             "required", "nullable", "discriminator", "default", "type", "format",
             "readOnly", "writeOnly", "deprecated", "description", "not", "prefixItems"]
        )  # fmt: skip
        values = st.one_of(
            inner,
            st.lists(inner, max_size=3),
            st.dictionaries(st.text(max_size=3), inner, max_size=3),
            st.builds(lambda p: {"propertyName": p}, st.text(max_size=3)),
            _SCALARS,
        )
        return st.dictionaries(keys, values, max_size=4)

    return st.recursive(leaf, extend, max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({n: _schemas() for n in _NAMES}))
def test_any_schema_shape_builds_renders_and_compiles(schemas: dict[str, Any]) -> None:
    import yaml

    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Fuzz", "version": "1", "x-package-name": "fuzz_api"},
        "servers": [{"url": "https://fuzz.invalid"}],
        "components": {"schemas": schemas},
        "paths": {
            "/x": {
                "post": {
                    "operationId": "x.post",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/B"}},
                                "text/event-stream": {"schema": {"$ref": "#/components/schemas/C"}},
                            },
                        }
                    },
                }
            }
        },
    }  # fmt: skip
    spec = load_text(yaml.safe_dump(doc, allow_unicode=True), "fuzz.yaml")
    try:
        api = build(spec, lenient=True)
    except SpecError as exc:  # allowed: reported with a location
        assert all(f.pointer.startswith("#") for f in exc.findings)
        return
    for rel, source in render(api).items():
        if rel.endswith(".py"):
            compile(source, rel, "exec")

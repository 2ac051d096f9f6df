"""Stage 3: the IR built from our four specs."""

from __future__ import annotations

from functools import cache

import pytest

from generator.build import build
from generator.ir import Api, Method, Model, Resource
from generator.ir_types import NotGivenOr, Nullable, Prim, Ref, annotation, names
from generator.load import load_spec
from tests.support.packages import SPECS


@cache
def api(name: str) -> Api:
    return build(load_spec(SPECS / name))


def methods(a: Api) -> dict[str, Method]:
    out: dict[str, Method] = {}

    def walk(prefix: str, r: Resource) -> None:
        for m in r.methods:
            out[f"{prefix}{r.attr}.{m.name}"] = m
        for c in r.children:
            walk(f"{prefix}{r.attr}.", c)

    for module in a.resources:
        walk("", module.resource)
    return out


@pytest.mark.parametrize(
    "spec, package, client, ops",
    [
        (
            "pienteger.yaml",
            "pienteger",
            "Pienteger",
            {"models.list", "models.retrieve", "completions.create"},
        ),
        (
            "prime_intellect.yaml",
            "prime_intellect",
            "PrimeIntellect",
            {"models.list", "models.retrieve", "chat.completions.create"},
        ),
        (
            "openai.yaml",
            "openai_api",
            "OpenAI",
            {
                "models.list",
                "models.retrieve",
                "completions.create",
                "chat.completions.create",
            },
        ),
        (
            "peakprivacy.yaml",
            "peakprivacy",
            "PeakPrivacy",
            {"models.list", "chat.completions.create"},
        ),
    ],
)
def test_contract_names_and_operations(
    spec: str, package: str, client: str, ops: set[str]
) -> None:
    a = api(spec)
    assert (a.package, a.client_name) == (package, client)
    assert set(methods(a)) == ops


def test_credentials_and_security() -> None:
    prime = api("prime_intellect.yaml")
    assert [(c.name, c.env, c.required) for c in prime.credentials] == [
        ("api_key", "PRIME_API_KEY", True),
        ("team_id", "PRIME_TEAM_ID", False),
    ]
    schemes = {s.credential: (s.location, s.name, s.prefix) for s in prime.schemes}
    assert schemes == {
        "api_key": ("header", "Authorization", "Bearer "),
        "team_id": ("header", "X-Prime-Team-ID", ""),
    }
    pien = api("pienteger.yaml")
    assert [(s.name, s.prefix) for s in pien.schemes] == [("X-Api-Key", "")]


def test_fixed_header_is_not_an_argument() -> None:
    for m in methods(api("peakprivacy.yaml")).values():
        assert m.fixed_headers == (("X-Requested-With", "XMLHttpRequest"),)
        assert all(p.wire != "X-Requested-With" for p in m.params)


def test_path_params_are_positional_and_slash_is_marked() -> None:
    m = methods(api("prime_intellect.yaml"))["models.retrieve"]
    assert [(p.name, p.location) for p in m.positional] == [("model_id", "path")]
    assert m.slash_params == ("model_id",)
    assert methods(api("openai.yaml"))["models.retrieve"].slash_params == ()


def test_read_only_user_is_left_out_of_the_request() -> None:
    m = methods(api("pienteger.yaml"))["completions.create"]
    assert "user" not in {p.wire for p in m.params}
    assert {"model", "prompt", "suffix", "max_tokens"} <= {p.wire for p in m.params}


def test_streaming_operations_have_typed_chunks_and_terminator() -> None:
    for spec, op, chunk in [
        ("openai.yaml", "chat.completions.create", "ChatCompletionChunk"),
        ("openai.yaml", "completions.create", "Completion"),
        ("prime_intellect.yaml", "chat.completions.create", "ChatCompletionChunk"),
        ("peakprivacy.yaml", "chat.completions.create", "ChatCompletionChunk"),
        ("pienteger.yaml", "completions.create", "Completion"),
    ]:
        s = methods(api(spec))[op].stream
        assert s is not None, (spec, op)
        assert (s.chunk, s.terminator, s.terminator_required, s.param) == (
            Ref(chunk),
            "[DONE]",
            True,
            "stream",
        )
    assert methods(api("openai.yaml"))["models.list"].stream is None


def test_optional_arguments_use_the_sentinel_and_nullable_ones_allow_none() -> None:
    params = {
        p.wire: p
        for p in methods(api("peakprivacy.yaml"))["chat.completions.create"].params
    }
    assert params["model"].required and params["model"].type == Prim("str")
    assert params["temperature"].type == NotGivenOr(Nullable(Prim("float")))
    assert annotation(params["temperature"].type) == "Union[Optional[float], NotGiven]"
    assert params["n"].type == NotGivenOr(Prim("int"))
    m = methods(api("peakprivacy.yaml"))["chat.completions.create"]
    assert "n" in m.drop_none and "temperature" not in m.drop_none


def test_doc_contradictions_accept_both_forms() -> None:
    types = {
        d.name: d
        for mod in api("peakprivacy.yaml").type_modules
        for d in mod.definitions
        if isinstance(d, Model)
    }
    index = {f.wire: f for f in types["ChatCompletionChoice"].fields}["index"]
    assert annotation(index.type) == "Optional[Union[int, str]]"
    owned_by = {f.wire: f for f in types["Model"].fields}["owned_by"]
    assert {"str", "ModelOwner"} <= names(owned_by.type)


def test_request_objects_become_typeddicts_and_responses_models() -> None:
    types = {
        d.name: d for mod in api("openai.yaml").type_modules for d in mod.definitions
    }
    assert types["ChatCompletion"].kind == "model"
    params = [d for d in types.values() if d.kind == "typeddict"]
    assert params and all(d.name.endswith("Param") for d in params)


def test_build_is_deterministic() -> None:
    first = build(load_spec(SPECS / "openai.yaml"))
    second = build(load_spec(SPECS / "openai.yaml"))
    assert first == second

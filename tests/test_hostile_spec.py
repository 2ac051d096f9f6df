"""Nothing in a spec can become code: tests/fixtures/hostile.yaml, generated, imported and used.

Its names, titles, descriptions, enum values and defaults hold triple quotes,
backslashes, Jinja syntax, newlines and payloads that would create a file or
set a builtin if they ever ran. The generated package must compile, run none
of it, and give every value back exactly.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import itertools
import json
import typing
from pathlib import Path
from typing import Any

import black
import pydantic
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.format import black_mode
from generator.render import clean_doc, docstring
from tests.support.fixture_packages import FIXTURES, Fixture, fixture
from tests.support.server import LocalServer, json_reply

PWNED_FILE = Path("/tmp/clientgen-hostile-pwned")
SPEC = yaml.safe_load((FIXTURES / "hostile.yaml").read_text(encoding="utf-8"))
SCHEMA = SPEC["components"]["schemas"]['Evil"""Name']
PROPS = SCHEMA["properties"]
OPERATION = SPEC["paths"]['/it\'s/"q"/{id}']["post"]
# What a payload would have to call or touch to do anything.
FORBIDDEN_NAMES = {"__import__", "system", "exec", "eval", "open", "builtins", "os", "CLIENTGEN_PWNED", "setattr", "__setattr__"}  # fmt: skip


@pytest.fixture(scope="module")
def fx() -> Fixture:
    PWNED_FILE.unlink(missing_ok=True)
    if hasattr(builtins, "CLIENTGEN_PWNED"):
        delattr(builtins, "CLIENTGEN_PWNED")
    return fixture("hostile.yaml", lenient=True)


def assert_nothing_ran() -> None:
    assert not PWNED_FILE.exists()
    assert not hasattr(builtins, "CLIENTGEN_PWNED")


def test_invalid_names_are_reported_but_generated_safely(fx: Fixture) -> None:
    assert any("#/components/schemas:" in w and "Evil" in w for w in fx.warnings)
    assert any("#/components/securitySchemes" in w for w in fx.warnings)


def test_spec_text_never_becomes_code(fx: Fixture) -> None:
    for rel, source in fx.files.items():
        if not rel.endswith(".py") or rel.startswith("_runtime/"):
            continue
        tree = ast.parse(source, rel)  # every file compiles
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
        assert not names & FORBIDDEN_NAMES, (rel, names & FORBIDDEN_NAMES)
        body = source.split("\n", 1)[1]  # after the header, which holds a sha256
        assert "49" not in body, rel  # no {{ 7*7 }} was ever evaluated
    assert_nothing_ran()


def test_enum_values_and_defaults_round_trip(fx: Fixture) -> None:
    types = fx.module.types
    mood = SPEC["components"]["schemas"]["Mood"]["enum"]
    assert list(typing.get_args(types.Mood)) == mood
    model = types.EvilName
    fields = {f.alias or name: f for name, f in model.model_fields.items()}
    evil_enum = PROPS['x-evil\\"']["enum"]
    (literal,) = [
        a
        for a in typing.get_args(fields['x-evil\\"'].annotation)
        if a is not type(None)
    ]
    assert list(typing.get_args(literal)) == evil_enum
    for wire in ("{{ config }}", "back\\slash", "new\nline", "count", 'x-evil\\"'):
        assert fields[wire].default == PROPS[wire]["default"], wire
    assert (
        pydantic.TypeAdapter(types.Mood).validate_python("{% raise 'x' %}")
        == "{% raise 'x' %}"
    )


def test_wire_names_round_trip(fx: Fixture) -> None:
    payload = {
        wire: "v" for wire in PROPS if wire not in ("mood", "count", 'x-evil\\"')
    }
    payload.update({"mood": "'''", "count": 1, 'x-evil\\"': "a\nb"})
    obj = fx.module.types.EvilName.model_validate(payload)
    assert obj.model_dump(by_alias=True, exclude_unset=True) == payload


def test_descriptions_and_titles_round_trip_as_docstrings(fx: Fixture) -> None:
    types = fx.module.types
    assert clean_doc(SCHEMA["description"]) == SCHEMA["description"]
    assert inspect.getdoc(types.EvilName) == SCHEMA["description"]
    mood_doc = _attribute_docs(fx.files["types/mood_param.py"], None)["Mood"]
    assert mood_doc == SPEC["components"]["schemas"]["Mood"]["description"]
    client_cls = fx.module.Hostile
    assert SPEC["info"]["title"] in (client_cls.__doc__ or "")
    assert inspect.getdoc(client_cls) == clean_doc(
        f"Client for the {SPEC['info']['title']}.\n\n{SPEC['info']['description']}\n\n"
        "Credentials not passed as arguments are read from the environment:\n\n"
        '  api_key: HOSTILE_"KEY (required)'
    )
    # Attribute docstrings: read from the generated source, as IDEs read them.
    docs = _attribute_docs(fx.files["types/evil_name.py"], "EvilName")
    by_wire = {f.alias or n: n for n, f in types.EvilName.model_fields.items()}
    for wire, prop in PROPS.items():
        if "description" in prop:
            assert docs[by_wire[wire]] == prop["description"], wire


def _attribute_docs(source: str, class_name: str | None) -> dict[str, str]:
    """{name: docstring} of the assignments in a module (or one of its classes)."""
    body = ast.parse(source).body
    if class_name is not None:
        body = next(
            n for n in body if isinstance(n, ast.ClassDef) and n.name == class_name
        ).body
    docs: dict[str, str] = {}
    for stmt, after in itertools.pairwise(body):
        target = stmt.target if isinstance(stmt, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and isinstance(after, ast.Expr):
            assert isinstance(after.value, ast.Constant)
            docs[target.id] = inspect.cleandoc(after.value.value)
    return docs


def test_operation_on_the_wire(
    fx: Fixture, server: LocalServer, request: pytest.FixtureRequest
) -> None:
    client = fx.module.Hostile(api_key="k", base_url=server.url)
    request.addfinalizer(client.close)
    doc = inspect.getdoc(client.evil.create) or ""
    assert doc.startswith(
        OPERATION["summary"] + "\n\n" + OPERATION["description"] + "\n\nArgs:"
    )
    required = SCHEMA["required"]
    server.route(
        "POST",
        "/it's/%22q%22/a%2Fb",
        lambda rec: json_reply(rec.json()),
    )
    result = client.evil.create(
        "a/b",
        field="three quotes",
        import_os_system_touch_tmp_clientgen_hostile_pwned="payload",
        q_x="{{ 7*7 }}",
        x_it_s='"""',
        mood="\\",
        x_evil="\u2028",
    )
    rec = server.requests[0]
    assert json.loads(rec.body) == {
        required[0]: "three quotes",
        required[1]: "payload",
        "mood": "\\",
        'x-evil\\"': "\u2028",
    }
    assert rec.path == "/it's/%22q%22/a%2Fb?q%27%22%7B%7Bx%7D%7D=%7B%7B+7%2A7+%7D%7D"
    assert rec.headers["x-it's"] == '"""' and rec.headers["x-key'"] == "k"
    assert result.model_dump(by_alias=True, exclude_unset=True) == json.loads(rec.body)
    assert_nothing_ran()


def test_api_values_round_trip(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOSTILE_API_BASE_URL", raising=False)
    client = fx.module.Hostile(api_key="k")
    assert client.base_url == SPEC["servers"][0]["url"]
    assert fx.module.__version__ == SPEC["info"]["version"]
    monkeypatch.setenv('HOSTILE_"KEY', "from-env")
    assert fx.module.Hostile()._credentials.held() == {"api_key": "from-env"}
    for model in [fx.module.types.EvilName]:
        model.model_rebuild(force=True)
    assert_nothing_ran()


# -- the docstring filter, for any text ------------------------------------------------------

_TEXT = st.text(
    alphabet=st.sampled_from(
        list(" \n\t\r\"'\\abc{}%#\x00\x0b\xa0\u2028\u3000\ud800é😀")
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_any_description_reads_back_through_black_and_getdoc(text: str) -> None:
    cls_doc, method_doc = docstring(text, "    "), docstring(text, "        ")
    source = (
        f"class A:\n    {cls_doc}\n\n    def f(self) -> None:\n        {method_doc}\n"
        "        return None\n"
    )
    assert (
        black.format_str(source, mode=black_mode()) == source
    )  # black changes nothing
    namespace: dict[str, Any] = {}
    exec(compile(source, "<doc>", "exec"), namespace)
    expected = clean_doc(text)
    assert (inspect.getdoc(namespace["A"]) or "") == expected
    assert (inspect.getdoc(namespace["A"].f) or "") == expected

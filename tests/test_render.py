"""Stage 4: rendering, and the filters that keep spec text from becoming code."""

from __future__ import annotations

import ast

import jinja2
import pytest

from generator.render import RenderError, docstring, environment, identifier, py_literal

NASTY = [
    "plain",
    'ends with a quote"',
    "three \"\"\" quotes and ''' too",
    "back\\slash at the end\\",
    "newline\nand\r\ncarriage\rreturn",
    "tab\tand nul\x00 and bell\x07",
    "{{ 7*7 }} {% raise %} {# c #}",
    '"""; import os; os.system("echo pwned"); """',
    "\\N{BULLET} \\u2028 \u2028 \ufeff",
    "",
]


@pytest.mark.parametrize("text", NASTY)
def test_py_literal_round_trips(text: str) -> None:
    assert ast.literal_eval(str(py_literal(text))) == text


@pytest.mark.parametrize(
    "value", [None, True, 3, -2.5, float("inf"), [1, "a", {"b": None}], {"k": ["v"]}]
)
def test_py_literal_of_json_values(value: object) -> None:
    assert eval(str(py_literal(value)), {"__builtins__": {"float": float}}) == value


@pytest.mark.parametrize("text", [t for t in NASTY if t])
def test_docstring_is_one_string_literal_with_the_same_text(text: str) -> None:
    source = f"def f():\n    {docstring(text)}\n"
    tree = ast.parse(source)
    fn = tree.body[0]
    assert (
        isinstance(fn, ast.FunctionDef) and len(fn.body) == 1
    )  # nothing escaped into code
    doc = ast.get_docstring(fn, clean=False)
    expected = text.replace("\r\n", "\n").replace("\t", "    ")
    assert (
        doc is not None
        and doc.rstrip("\n") == expected.rstrip("\n")
        or doc == expected + "\n"
    )


def test_identifier_filter_refuses_non_identifiers() -> None:
    assert identifier("ok_name") == "ok_name"
    for bad in ["a b", "1x", "x;import os", "", "é"]:
        with pytest.raises(RenderError):
            identifier(bad)


def test_unfiltered_text_cannot_reach_the_output() -> None:
    env = environment()
    with pytest.raises(RenderError):
        env.from_string("x = {{ value }}").render(value="os.system('pwned')")
    with pytest.raises(RenderError):
        env.from_string("x = {{ value }}").render(value=None)
    assert env.from_string("x = {{ value|py }}").render(value="a'b") == 'x = "a\'b"'


def test_spec_text_is_never_evaluated_as_a_template() -> None:
    env = environment()
    out = env.from_string("x = {{ value|py }}").render(
        value="{{ 7*7 }}{% for i in range(3) %}"
    )
    assert out == "x = '{{ 7*7 }}{% for i in range(3) %}'"


def test_undefined_values_fail_loudly() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing|py }}").render()

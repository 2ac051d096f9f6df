"""Stage 4: rendering, and the filters that keep spec text from becoming code."""

from __future__ import annotations

import ast
import sys

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render import (
    RenderError,
    clean_doc,
    docstring,
    environment,
    identifier,
    py_literal,
)

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


# -- the docstring filter is the per-character rule, written fast -----------------


def reference_docstring(text: str, indent: str = "") -> str:
    """The docstring filter as it was written first, one character at a time."""
    import unicodedata

    text = "".join("\ufffd" if unicodedata.category(c) == "Cs" else c for c in text)
    text = clean_doc(text)

    def escape(ch: str) -> str:
        if ch == "\\":
            return "\\\\"
        if ch in "\n ":
            return ch
        code = ord(ch)
        if code < 32 or code == 127 or 0x80 <= code < 0xA0 or ch.isspace():
            return ch.encode("unicode_escape").decode("ascii")
        return ch.encode("unicode_escape").decode("ascii") if ch == "\ufeff" else ch

    out: list[str] = []
    quote_before = True
    for ch in text:
        if ch == '"':
            out.append('\\"' if quote_before else '"')
            quote_before = not quote_before
        else:
            out.append(escape(ch))
            quote_before = False
    if out and out[-1] in ('"', '\\"'):
        out[-1] = "\\x22"
    body = "".join(out)
    if "\n" in body:
        body = "\n".join(
            indent + line if line and i else line
            for i, line in enumerate(body.split("\n"))
        )
        return f'"""{body}\n{indent}"""'
    return f'"""{body}"""'


SPECIAL = list(
    " \n\t\r\x0b\x0c\x1c\x1f\x7f\x85\x9f\xa0\"'\\\ufeff\u2028\u3000\ud800é😀a"
)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(SPECIAL), max_size=30))
def test_docstring_is_the_per_character_rule(text: str) -> None:
    assert str(docstring(text, "    ")) == reference_docstring(text, "    ")


@pytest.mark.parametrize("text", NASTY + ['"', '""', '"""', 'a"', '""a""', "\\"])
def test_docstring_of_nasty_text_is_the_per_character_rule(text: str) -> None:
    assert str(docstring(text)) == reference_docstring(text)


def test_every_character_is_escaped_as_the_rule_says() -> None:
    # Whitespace outside the Basic Multilingual Plane would escape the fast path.
    assert not [c for c in range(0x10000, sys.maxunicode + 1) if chr(c).isspace()]
    for c in range(0x10000):
        ch = chr(c)
        if 0xD800 <= c <= 0xDFFF or ch == '"':
            continue
        assert str(docstring(f"a{ch}b")) == reference_docstring(f"a{ch}b"), hex(c)

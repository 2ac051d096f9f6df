"""Stage 4: IR -> Python source text, through the Jinja2 templates in ``templates/``.

Knows Jinja2 and nothing of OpenAPI. Safety rests on two rules enforced here:

* Jinja only ever evaluates the template files. Text from a spec is data
  passed in the IR; it is never made into a template.
* Every value written into the output goes through one of the filters below,
  each of which returns :class:`Code`. The environment's ``finalize`` hook
  refuses any plain string, so a template that pastes spec text raw fails to
  render instead of producing injectable code. (``Code`` is a
  ``markupsafe.Markup`` so that macro output, which Jinja marks as Markup when
  autoescaping is on, passes too: it was made of filtered pieces. No HTML
  escaping ever happens to filtered text.)
"""

from __future__ import annotations

import inspect
import math
import re
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .ir import Api
from .ir_types import annotation
from .names import is_identifier
from .template_files import TemplateLoader

RUNTIME = Path(__file__).resolve().parent / "runtime"


class Code(markupsafe.Markup):
    """Text that a filter made safe to place in Python source."""


class RenderError(Exception):
    """A template tried to output something unsafe; a bug in the generator, not the spec."""


def _defined(value: Any) -> Any:
    """``value``, unless it is Jinja's Undefined: then fail as StrictUndefined does."""
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the missing value
    return value


def py_literal(value: Any) -> Code:
    """A Python expression that evaluates to ``value`` (JSON-like data only)."""
    return Code(_literal(_defined(value)))


def _literal(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_literal(v) for v in value)
        return (
            f"[{inner}]"
            if isinstance(value, list)
            else f"({inner}{',' if len(value) == 1 else ''})"
        )
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items())
            + "}"
        )
    raise RenderError(f"cannot write a {type(value).__name__} as a Python literal")


def clean_doc(text: str) -> str:
    """What a docstring made from ``text`` reads as through ``inspect.getdoc``.

    Docstrings are whitespace-normalised by black and by Python itself, and
    read through ``inspect.cleandoc`` by ``help()`` and IDEs, so the text is
    normalised that way first: CRLF to LF, tabs to four spaces, spaces at line
    ends and whitespace-only lines dropped, then ``inspect.cleandoc`` (leading whitespace of the first
    line, the common indentation of the others, blank lines at either end).
    Lone surrogates become U+FFFD (a class's ``__doc__`` must encode as
    UTF-8). Everything else (quotes, backslashes, braces, control
    characters) round-trips exactly.
    """
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    text = "\n".join(
        line.rstrip(" ") if line.strip() else "" for line in text.split("\n")
    )
    while True:  # cleandoc is not idempotent ("\n x" -> " x" -> "x")
        cleaned = inspect.cleandoc(text)
        if cleaned == text:
            return text
        text = cleaned


# Docstrings are escaped with regular expressions, not a Python loop over the
# characters: descriptions are most of the text a package is made of (about a
# quarter of rendering time went into that loop on the official OpenAI spec).
_SURROGATE = re.compile("[\ud800-\udfff]")
# Written as escapes: a backslash, control characters, whitespace other than a
# plain space or newline (black may strip it), and the BOM.
_DOC_ESCAPED = re.compile(
    "[\\\\\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff"
    + "".join(
        re.escape(chr(c))
        for c in range(0xA0, 0x10000)  # every whitespace character is in the BMP
        if chr(c).isspace()
    )
    + "]"
)
_QUOTES = re.compile('"+')


def _escape_doc_char(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def docstring(text: Any, indent: Any = "") -> Code:
    """A triple-quoted string literal for ``text`` as a docstring.

    ``inspect.getdoc`` of it gives :func:`clean_doc` of the text, before and
    after black, on every Python version. Backslashes are escaped, and so are
    double quotes next to another quote or to the literal's own quotes (so
    nothing can end the literal early); control characters,
    whitespace other than spaces and newlines, and lone surrogates are
    written as escapes. ``indent`` (the docstring's own indentation) starts
    every line after the first, as black would write it.
    """
    text = _defined(text)
    if not isinstance(indent, str) or indent.strip(" "):
        raise RenderError(f"docstring indent must be spaces, not {indent!r}")
    if not isinstance(text, str):
        raise RenderError(f"docstring of type {type(text).__name__}")
    body = _DOC_ESCAPED.sub(_escape_doc_char, clean_doc(text))
    end = len(body)

    def quotes(match: re.Match[str]) -> str:
        # A quote is escaped only where it would touch another quote (the
        # opening quotes count): no run of three can form, and plain quotes
        # stay readable. One next to the closing quotes is written \x22 (black
        # would also pad it with a space).
        run = ['"', '\\"'] * len(match.group())
        if match.start() == 0:  # right after the opening quotes
            run = run[1:]
        run = run[: len(match.group())]
        if match.end() == end:
            run[-1] = "\\x22"
        return "".join(run)

    body = _QUOTES.sub(quotes, body)
    if "\n" in body:
        body = "\n".join(
            indent + line if line and i else line
            for i, line in enumerate(body.split("\n"))
        )
        return Code(f'"""{body}\n{indent}"""')
    return Code(f'"""{body}"""')


def comment(text: Any) -> Code:
    """``text`` on one line, safe inside a ``#`` comment."""
    text = _defined(text)
    flat = " ".join(str(text).split())
    return Code("".join(ch for ch in flat if ch.isprintable()))


def comment_block(text: Any) -> Code:
    """``text`` as ``#`` comment lines."""
    lines = str(text).splitlines() or [""]
    return Code(
        "\n".join(
            "# " + "".join(ch for ch in line if ch.isprintable()) for line in lines
        )
    )


def identifier(value: Any) -> Code:
    """``value``, checked to be a plain identifier (build made it so; this is the backstop)."""
    value = _defined(value)
    if not isinstance(value, str) or not is_identifier(value):
        raise RenderError(f"not an identifier: {value!r}")
    return Code(value)


def module_path(value: Any) -> Code:
    """A module name as an import statement writes it (``typing``, ``.._runtime._base``)."""
    value = _defined(value)
    if not isinstance(value, str) or not all(
        is_identifier(part) for part in value.lstrip(".").split(".")
    ):
        raise RenderError(f"not a module path: {value!r}")
    return Code(value)


def code(value: Any) -> Code:
    """Source text a template spells itself (a base class, ``async def``), never spec text."""
    value = _defined(value)
    if not isinstance(value, str):
        raise RenderError(f"code of type {type(value).__name__}")
    return Code(value)


def type_annotation(node: Any) -> Code:
    """A type node of the IR as annotation text (made only of checked identifiers and literals)."""
    node = _defined(node)
    try:
        return Code(annotation(node))
    except TypeError as exc:
        raise RenderError(str(exc)) from None


def type_string(node: Any) -> Code:
    """A type node's annotation as a string literal (a lazily evaluated alias)."""
    node = _defined(node)
    try:
        return Code(repr(annotation(node)))
    except TypeError as exc:
        raise RenderError(str(exc)) from None


def _finalize(value: Any) -> Any:
    if isinstance(value, markupsafe.Markup):  # a filter's Code, or a macro's output
        return value
    if isinstance(value, str):
        raise RenderError(f"unfiltered text reached the output: {value[:80]!r}")
    if isinstance(value, bool) or value is None:
        raise RenderError(f"unfiltered {value!r} reached the output")
    if isinstance(value, int):
        return value
    raise RenderError(f"unfiltered {type(value).__name__} reached the output")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=TemplateLoader(),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=True,
        trim_blocks=False,
        lstrip_blocks=False,
        finalize=_finalize,
    )
    env.filters.update(
        py=py_literal,
        doc=docstring,
        comment=comment,
        comment_block=comment_block,
        ident=identifier,
        module=module_path,
        code=code,
        type=type_annotation,
        type_str=type_string,
    )
    return env


def runtime_files() -> dict[str, str]:
    """The runtime sources, copied verbatim into every package as ``_runtime/``."""
    files = {}
    for path in sorted(RUNTIME.glob("*.py")):
        files[f"_runtime/{path.name}"] = path.read_text(encoding="utf-8")
    return files


def render(api: Api) -> dict[str, str]:
    """``{path relative to the package: source}`` for one package (before formatting)."""
    env = environment()
    out: dict[str, str] = {}

    def emit(path: str, template: str, **context: Any) -> None:
        out[path] = env.get_template(template).render(api=api, **context)

    emit("__init__.py", "package_init.py.j2")
    emit("_client.py", "client.py.j2")
    emit("resources/__init__.py", "resources_init.py.j2")
    for module in api.resources:
        emit(f"resources/{module.name}.py", "resource.py.j2", module=module)
    emit("types/__init__.py", "types_init.py.j2")
    for tmod in api.type_modules:
        emit(f"types/{tmod.name}.py", "types_module.py.j2", module=tmod)
    out["py.typed"] = ""
    return out

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

import math
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .ir import Api
from .names import is_identifier

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
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


def docstring(text: Any) -> Code:
    """A triple-quoted string literal whose value is ``text``, readable as a docstring.

    Backslashes and double quotes are escaped (so nothing can end the literal
    early), and control characters other than newlines are written as escapes.
    """
    text = _defined(text)
    if not isinstance(text, str):
        raise RenderError(f"docstring of type {type(text).__name__}")
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n")
        elif ch == "\t":
            out.append("    ")
        elif (
            ord(ch) < 32
            or ord(ch) == 127
            or 0x80 <= ord(ch) < 0xA0
            or ch in "\u2028\u2029\ufeff"
        ):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    body = "".join(out)
    return Code(f'"""{body}"""' if "\n" not in body else f'"""{body}\n"""')


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


def code(value: Any) -> Code:
    """Source text built by ``build`` from identifiers and literals (annotations)."""
    value = _defined(value)
    if not isinstance(value, str):
        raise RenderError(f"code of type {type(value).__name__}")
    return Code(value)


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
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
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
        code=code,
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

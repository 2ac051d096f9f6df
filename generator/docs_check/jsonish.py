"""A forgiving JSON reader for JSON copied out of documentation pages.

Doc pages elide and mistype their samples: ``"permission": [...]``, a ``...``
line standing for more array items, trailing commas, comments, single quotes,
Python's ``True``/``None``. Refusing those would leave most samples unchecked,
and silently accepting them would hide the sloppiness, so this reader accepts
each of them, records a :class:`Repair` at its line, and returns the repaired
value. It also records the doc line of every value and key, so a finding about
``data[0].id`` can name the line the reader has to look at.

Strict JSON is read exactly as :func:`json.loads` reads it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Path = tuple[Any, ...]  # keys (str) and indexes (int) from the root value

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*")
_ELLIPSIS = re.compile(r"\.\.\.|\u2026")
_PLACEHOLDER = re.compile(r"<[^<>\n]{1,60}>")
_PY_LITERALS = {"True": True, "False": False, "None": None}
_JSON_LITERALS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True)
class Repair:
    """One thing the reader had to fix or skip, at a doc line."""

    line: int
    kind: str
    message: str


@dataclass
class Parsed:
    """A value read from doc text, with where each part of it came from."""

    value: Any
    end: int  # offset just after the value in the text given
    value_lines: dict[Path, int] = field(default_factory=dict)
    key_lines: dict[Path, int] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)
    # Containers whose content the doc elided ([...], {...}, a ``...`` item,
    # ``"key": ...``): missing items or fields there are not the doc's claim.
    elided: set[Path] = field(default_factory=set)

    def line_of(self, path: Path) -> int:
        """The doc line of the value at ``path`` (or of its nearest ancestor)."""
        p = tuple(path)
        while p:
            if p in self.key_lines:
                return self.key_lines[p]
            if p in self.value_lines:
                return self.value_lines[p]
            p = p[:-1]
        return self.value_lines[()]


class JsonishError(ValueError):
    """The text is not JSON even after the tolerated repairs."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


def line_mapper(text: str, first_line: int) -> Callable[[int], int]:
    """Offset -> 1-based doc line for ``text`` that starts at ``first_line``."""
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line_of(offset: int) -> int:
        return first_line + bisect.bisect_left(newlines, offset)

    return line_of


def parse(text: str, line_of: Callable[[int], int], start: int = 0) -> Parsed:
    """Read one JSON value from ``text`` at ``start``; text after it is left alone.

    ``line_of`` maps an offset in ``text`` to its doc line (see
    :func:`line_mapper`; a curl body maps its characters one by one because
    quoting shifts offsets).
    """
    reader = _Reader(text, line_of)
    reader.pos = start
    reader.skip_space()
    value = reader.value(())
    return Parsed(
        value,
        reader.pos,
        reader.value_lines,
        reader.key_lines,
        reader.repairs,
        reader.elided,
    )


class _Reader:
    def __init__(self, text: str, line_of: Callable[[int], int]):
        self.text = text
        self.line_of = line_of
        self.pos = 0
        self.value_lines: dict[Path, int] = {}
        self.key_lines: dict[Path, int] = {}
        self.repairs: list[Repair] = []
        self.elided: set[Path] = set()

    # -- helpers ---------------------------------------------------------------

    def fail(self, message: str) -> JsonishError:
        return JsonishError(message, self.line_of(min(self.pos, len(self.text) - 1)))

    def repair(self, kind: str, message: str, at: int | None = None) -> None:
        line = self.line_of(self.pos if at is None else at)
        self.repairs.append(Repair(line, kind, message))

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_space(self) -> bool:
        """Skip whitespace and comments; True when a newline was crossed."""
        crossed = False
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t\r\n\ufeff":
                crossed = crossed or c == "\n"
                self.pos += 1
            elif text.startswith("//", self.pos):
                self.repair("comment", "a // comment inside JSON was skipped")
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                self.repair("comment", "a /* */ comment inside JSON was skipped")
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unterminated /* comment")
                crossed = crossed or "\n" in text[self.pos : end]
                self.pos = end + 2
            else:
                break
        return crossed

    def ellipsis_here(self) -> bool:
        return bool(_ELLIPSIS.match(self.text, self.pos))

    def skip_ellipsis(self) -> None:
        m = _ELLIPSIS.match(self.text, self.pos)
        assert m is not None
        self.pos = m.end()

    # -- grammar ---------------------------------------------------------------

    def value(self, path: Path) -> Any:
        self.value_lines[path] = self.line_of(self.pos)
        c = self.peek()
        if c == "{":
            return self.object(path)
        if c == "[":
            return self.array(path)
        if c == '"':
            return self.string()
        if c == "'":
            self.repair("single-quotes", "a single-quoted string was read as JSON text")
            return self.string()
        if c == "-" or c.isdigit():
            m = _NUMBER.match(self.text, self.pos)
            if not m:
                raise self.fail(
                    f"invalid number near {self.text[self.pos:self.pos + 12]!r}"
                )
            self.pos = m.end()
            return json.loads(m.group())
        m = _IDENT.match(self.text, self.pos)
        if m:
            word = m.group()
            if word in _JSON_LITERALS:
                self.pos = m.end()
                return _JSON_LITERALS[word]
            if word in _PY_LITERALS:
                self.repair(
                    "python-literal",
                    f"Python's {word} was read as JSON {json.dumps(_PY_LITERALS[word])}",
                )
                self.pos = m.end()
                return _PY_LITERALS[word]
        if c == "":
            raise self.fail("the JSON ends too early")
        raise self.fail(
            f"expected a JSON value, found {self.text[self.pos:self.pos + 12]!r}"
        )

    def string(self) -> str:
        quote = self.peek()
        start = self.pos
        self.pos += 1
        text = self.text
        chunks: list[str] = []
        while True:
            if self.pos >= len(text):
                self.pos = start
                raise self.fail("unterminated string")
            c = text[self.pos]
            if c == quote:
                self.pos += 1
                break
            if c == "\\":
                esc = text[self.pos : self.pos + 2]
                if esc == "\\'" and quote == "'":
                    chunks.append("'")
                    self.pos += 2
                    continue
                m = re.match(r'\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})', text[self.pos :])
                if not m:
                    raise self.fail(f"invalid escape {esc!r} in a string")
                chunks.append(json.loads('"' + m.group() + '"'))
                self.pos += m.end()
                continue
            if c == "\n":
                raise self.fail("a string runs past the end of its line")
            if quote == "'" and c == '"':
                chunks.append('"')
            else:
                chunks.append(c)
            self.pos += 1
        return "".join(chunks)

    def object(self, path: Path) -> dict[str, Any]:
        open_at = self.pos
        self.pos += 1
        result: dict[str, Any] = {}
        self.skip_space()
        if self.ellipsis_here():  # {...}
            self.skip_ellipsis()
            self.skip_space()
            if self.peek() == "}":
                self.pos += 1
                self.elided.add(path)
                self.repair(
                    "placeholder",
                    "the placeholder {...} was read as an empty object",
                    open_at,
                )
                return result
            raise self.fail("expected } after {...")
        expecting_member = True
        while True:
            c = self.peek()
            if c == "}":
                self.pos += 1
                return result
            if not expecting_member:
                raise self.fail(
                    f"expected , or }} in an object, found {c or 'the end'!r}"
                )
            if self.ellipsis_here():  # a "... more fields" line
                self.elided.add(path)
                self.repair(
                    "placeholder", "a ... line standing for more fields was skipped"
                )
                self.skip_ellipsis()
                expecting_member = self.after_item("}")
                continue
            key_at = self.pos
            if c in "\"'":
                if c == "'":
                    self.repair(
                        "single-quotes", "a single-quoted key was read as JSON text"
                    )
                key = self.string()
            else:
                m = _IDENT.match(self.text, self.pos)
                if not m:
                    raise self.fail(
                        f"expected a field name, found {self.text[self.pos:self.pos + 12]!r}"
                    )
                key = m.group()
                self.repair("unquoted-key", f"the field name {key} is not quoted")
                self.pos = m.end()
            self.skip_space()
            if self.peek() != ":":
                raise self.fail(f"expected : after the field name {key!r}")
            self.pos += 1
            self.skip_space()
            sub = path + (key,)
            if key in result:
                self.repair(
                    "duplicate-key",
                    f"the field {key!r} appears twice; the last one counts",
                    key_at,
                )
            self.key_lines[sub] = self.line_of(key_at)
            if self.ellipsis_here():  # "key": ...
                self.skip_ellipsis()
                self.elided.add(path)
                self.repair(
                    "placeholder",
                    f"the value of {key!r} is elided (...); the field was left out",
                )
            elif _PLACEHOLDER.match(self.text, self.pos):
                m = _PLACEHOLDER.match(self.text, self.pos)
                assert m is not None
                self.pos = m.end()
                self.elided.add(path)
                self.repair(
                    "placeholder",
                    f"the value of {key!r} is the placeholder {m.group()}; the field was left out",
                )
            else:
                result[key] = self.value(sub)
            expecting_member = self.after_item("}")

    def array(self, path: Path) -> list[Any]:
        open_at = self.pos
        self.pos += 1
        result: list[Any] = []
        self.skip_space()
        expecting_item = True
        while True:
            c = self.peek()
            if c == "]":
                self.pos += 1
                if (
                    not result
                    and path in self.elided
                    and self.text[open_at + 1 : self.pos - 1].strip()
                    in ("...", "\u2026")
                ):
                    # [...] as a whole: one repair message, not two
                    self.repairs.pop()
                    self.repair(
                        "placeholder",
                        "the placeholder [...] was read as an empty list",
                        open_at,
                    )
                return result
            if not expecting_item:
                raise self.fail(f"expected , or ] in a list, found {c or 'the end'!r}")
            if self.ellipsis_here():
                self.elided.add(path)
                self.repair(
                    "placeholder", "a ... item standing for more items was skipped"
                )
                self.skip_ellipsis()
            else:
                result.append(self.value(path + (len(result),)))
            expecting_item = self.after_item("]")

    def after_item(self, close: str) -> bool:
        """After a member or item: consume a comma; True when another item may follow."""
        crossed = self.skip_space()
        c = self.peek()
        if c == ",":
            comma_at = self.pos
            self.pos += 1
            self.skip_space()
            if self.peek() == close:
                self.repair(
                    "trailing-comma",
                    f"a trailing comma before {close} was dropped",
                    comma_at,
                )
                return False
            return True
        if c == close:
            return False
        if crossed and (c in "\"'{[" or c.isdigit() or c == "-"):
            self.repair(
                "missing-comma", "a missing comma between two items was assumed"
            )
            return True
        return False

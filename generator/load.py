"""Stage 1: read a spec file into plain Python data.

YAML is read with the YAML 1.2 core schema (what JSON-Schema tooling and Prism
assume), not PyYAML's YAML 1.1 default: ``yes``/``on`` stay strings, ``10:30``
is not a base-60 integer, and dates stay strings. Mapping keys are always
strings, so an unquoted ``200:`` response code reads as ``"200"``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Code, Finding, SpecError
from .openapi import split_pointer

try:  # the C loader is ~10x faster on big specs; fall back when libyaml is absent
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc]
    """SafeLoader with the YAML 1.2 core schema's implicit types."""


# The YAML 1.2 core schema's plain scalars that are not strings: (tag, regex,
# first characters). publish's dumper quotes strings that match them.
YAML12_IMPLICIT: tuple[tuple[str, str, list[str]], ...] = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        (
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+0123456789."),
    ),
)
_Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in YAML12_IMPLICIT:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)
# Merge keys (``<<: *base``) are YAML 1.1, but specs in the wild use them.
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"]
)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text, 0)
    if text.startswith("0x"):
        return int(text, 0)
    return int(text)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool):
            key = "true" if key else "false"
        elif key is None:
            key = "null"
        elif not isinstance(key, str):
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
# Explicitly tagged timestamps (!!timestamp) are rare; keep them as text.
_Yaml12Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


@dataclass(frozen=True)
class LoadedSpec:
    """A spec as read from disk: its data, its bytes' sha256, and how to name it."""

    path: Path
    display: str
    sha256: str
    data: dict[str, Any]
    text: str = field(repr=False)

    def line_of(self, ptr: str) -> int | None:
        """1-based line of the node at JSON pointer ``ptr`` (or of its nearest parent)."""
        return line_of(self.text, ptr)

    def finding(
        self,
        ptr: str,
        message: str,
        severity: str = "error",
        code: Code = Code.UNCLASSIFIED,
    ) -> Finding:
        """A :class:`Finding` located in this spec, with its line when known."""
        return Finding(self.display, ptr, message, severity, self.line_of(ptr), code)


def display_name(path: Path) -> str:
    """The path as the user would write it: relative to the cwd when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _failed(shown: str, message: str, code: Code, line: int | None = None) -> SpecError:
    """The error for a file that cannot be read as a spec (the whole file is the place)."""
    return SpecError([Finding(shown, "#", message, line=line, code=code)])


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and parse one spec file; raise :class:`SpecError` with a located message."""
    p = Path(path)
    shown = display_name(p)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise _failed(shown, "no such file", Code.FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise _failed(
            shown, "is a directory, not a spec file", Code.FILE_UNREADABLE
        ) from None
    except OSError as exc:
        raise _failed(
            shown, f"cannot read: {exc.strerror}", Code.FILE_UNREADABLE
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _failed(
            shown,
            f"not UTF-8 text (byte {exc.start}: {exc.reason})",
            Code.FILE_UNREADABLE,
        ) from None
    return load_text(text, shown, p, hashlib.sha256(raw).hexdigest())


def load_text(
    text: str, shown: str, path: Path | None = None, sha256: str | None = None
) -> LoadedSpec:
    """Parse spec text already in memory (used by :func:`load_spec` and by ``diff``)."""
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        data = yaml.load(text, Loader=_Yaml12Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(s) for s in (exc.context, exc.problem) if s)
        raise _failed(
            shown, f"invalid YAML: {problem}", Code.YAML_INVALID, line
        ) from None
    except yaml.YAMLError as exc:
        raise _failed(shown, f"invalid YAML: {exc}", Code.YAML_INVALID) from None
    except RecursionError:
        raise _failed(
            shown, "invalid YAML: nested too deeply", Code.YAML_INVALID
        ) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise _failed(
            shown,
            f"a spec must be a mapping at the top level, this is {kind}",
            Code.SPEC_NOT_MAPPING,
        )
    return LoadedSpec(path or Path(shown), shown, sha256, data, text)


@functools.lru_cache(maxsize=4)
def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Yaml12Loader)
    except yaml.YAMLError:
        return None


def line_of(text: str, ptr: str) -> int | None:
    """The 1-based line of the node at JSON pointer ``ptr`` (or of its nearest parent).

    Only called when reporting. Block-style YAML (what people write, and what
    YAML dumpers emit) is indexed by one scan of its lines; a pointer the scan
    cannot place, or a document it does not understand, is looked up in the
    composed node tree, which is exact but takes ~0.6 s on a 3 MB spec.
    """
    tokens = tuple(split_pointer(ptr))
    index, inline = _line_index(text)
    if tokens in index:
        return index[tokens]
    # Inside a value written on its key's line ("required: [a, b]"): that line.
    for n in range(len(tokens) - 1, 0, -1):
        if tokens[:n] in inline:
            return index[tokens[:n]]
    return _composed_line_of(text, tokens)


_BLOCK_SCALAR = re.compile(r"^[|>][-+0-9]*\s*(#.*)?$")
_Index = tuple[dict[tuple[str, ...], int], set[tuple[str, ...]]]


@functools.lru_cache(maxsize=4)
def _line_index(text: str) -> _Index:
    """({path: line}, {paths whose whole value sits on their own line}) for block-style YAML.

    Anything the scan does not understand (anchors, aliases, tags, complex
    keys, tabs, several documents) makes it give up entirely, so every lookup
    goes to :func:`_composed_line_of`: a line number is never guessed.
    """
    index: dict[tuple[str, ...], int] = {}
    inline: set[tuple[str, ...]] = set()
    # (column of the entry that opened the container, its path)
    stack: list[tuple[int, tuple[str, ...]]] = [(-1, ())]
    counters: dict[tuple[str, ...], int] = {}
    scalar_at: int | None = None  # lines indented deeper than this continue a scalar
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        stripped = line.lstrip(" ")
        col = len(line) - len(stripped)
        if scalar_at is not None:
            if not stripped or col > scalar_at:
                continue
            scalar_at = None
        if not stripped or stripped.startswith("#"):
            continue
        index.setdefault((), number)
        if stripped.startswith(("\t", "---", "...", "%")):
            if number == 1 and stripped.rstrip() == "---":
                continue
            return {(): 1}, set()
        is_item = stripped == "-" or stripped.startswith("- ")
        # A sequence may sit at its key's own column ("key:\n- a"): it belongs to that key.
        while len(stack) > 1 and (
            stack[-1][0] > col
            or (
                stack[-1][0] == col
                and not (is_item and _is_key(stack[-1][1], counters))
            )
        ):
            stack.pop()
        parent = stack[-1][1]
        content = stripped
        while content == "-" or content.startswith("- "):
            i = counters.get(parent, 0)
            counters[parent] = i + 1
            parent = parent + (str(i),)
            index.setdefault(parent, number)
            rest = content[1:].lstrip(" ")
            stack.append((col, parent))
            col += len(content) - len(rest)
            content = rest
        if not content or content.startswith("#"):
            continue
        if content[0] in "&*!?%@`":
            return {(): 1}, set()
        key, value = _split_key(content)
        if key is None:
            # A scalar (or one-line flow) sequence item, possibly continued below.
            inline.add(parent)
            scalar_at = col - 1 if parent != stack[0][1] else col
            continue
        path = parent + (key,)
        index.setdefault(path, number)
        if value[:1] in ("&", "*", "!"):
            return {(): 1}, set()
        if not value:
            stack.append((col, path))
            continue
        if _BLOCK_SCALAR.match(value):
            scalar_at = col
            continue
        if value[0] in "[{" and not _closed_flow(value):
            scalar_at = col  # a flow collection over several lines: not indexed inside
            continue
        inline.add(path)
        scalar_at = col
    return index, inline


def _is_key(path: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> bool:
    """Whether ``path`` was opened by a ``key:`` line (not by a ``-`` item)."""
    return bool(path) and not (path[-1].isdigit() and path[:-1] in counters)


def _split_key(content: str) -> tuple[str | None, str]:
    """``("key", "value text")`` for a ``key: value`` line, else ``(None, "")``."""
    if content[0] in "\"'":
        quote = content[0]
        end = 1
        while end < len(content):
            ch = content[end]
            if quote == '"' and ch == "\\":
                end += 2
                continue
            if ch == quote:
                if quote == "'" and content[end + 1 : end + 2] == "'":
                    end += 2
                    continue
                break
            end += 1
        else:
            end = -1
        if end == -1 or not content[end + 1 :].startswith(":"):
            return None, ""
        raw = content[: end + 1]
        try:
            key = yaml.safe_load(raw)
        except yaml.YAMLError:
            return None, ""
        rest = content[end + 2 :]
        if rest and not rest.startswith((" ", "#")):
            return None, ""
        return (str(key) if not isinstance(key, str) else key), rest.strip()
    i = content.find(": ")
    if content.endswith(":") and (i == -1 or i > len(content) - 2):
        i = len(content) - 1
    elif i == -1:
        return None, ""
    key = content[:i].rstrip()
    if not key or key.startswith(("- ", "#")) or "#" in key and " #" in key:
        return None, ""
    value = content[i + 1 :].strip()
    if value.startswith("#"):
        value = ""
    elif " #" in value and value[0] not in "\"'":
        value = value[: value.index(" #")].rstrip()
    return key, value


def _closed_flow(value: str) -> bool:
    """A one-line flow collection ``[a, b]`` / ``{a: b}`` (brackets balance)."""
    depth = 0
    quote = ""
    for ch in value:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth < 0:
                return False
        elif ch == "#" and depth == 0:
            break
    return depth == 0


def _composed_line_of(text: str, tokens: tuple[str, ...]) -> int | None:
    node = _compose(text)
    if node is None:
        return None
    line = node.start_mark.line + 1
    for token in tokens:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == token:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return line
        elif (
            isinstance(node, yaml.SequenceNode)
            and token.isdigit()
            and int(token) < len(node.value)
        ):
            node = node.value[int(token)]
            line = node.start_mark.line + 1
        else:
            return line
    return line

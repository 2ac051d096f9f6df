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

from .errors import Finding, SpecError, split_pointer

try:  # the C loader is ~10x faster on big specs; fall back when libyaml is absent
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with the YAML 1.2 core schema's implicit types."""


_Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
]:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)
# Merge keys (``<<: *base``) are YAML 1.1, but specs in the wild use them.
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"]
)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
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

    def finding(self, ptr: str, message: str, severity: str = "error") -> Finding:
        """A :class:`Finding` located in this spec, with its line when known."""
        return Finding(self.display, ptr, message, severity, self.line_of(ptr))


def display_name(path: Path) -> str:
    """The path as the user would write it: relative to the cwd when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and parse one spec file; raise :class:`SpecError` with a located message."""
    p = Path(path)
    shown = display_name(p)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SpecError([Finding(shown, "#", "no such file")]) from None
    except IsADirectoryError:
        raise SpecError(
            [Finding(shown, "#", "is a directory, not a spec file")]
        ) from None
    except OSError as exc:
        raise SpecError([Finding(shown, "#", f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            [Finding(shown, "#", f"not UTF-8 text (byte {exc.start}: {exc.reason})")]
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
        raise SpecError(
            [Finding(shown, "#", f"invalid YAML: {problem}", line=line)]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError([Finding(shown, "#", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError(
            [Finding(shown, "#", "invalid YAML: nested too deeply")]
        ) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise SpecError(
            [
                Finding(
                    shown,
                    "#",
                    f"a spec must be a mapping at the top level, this is {kind}",
                )
            ]
        )
    return LoadedSpec(path or Path(shown), shown, sha256, data, text)


@functools.lru_cache(maxsize=4)
def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Yaml12Loader)  # type: ignore[no-any-return]
    except yaml.YAMLError:
        return None


def line_of(text: str, ptr: str) -> int | None:
    """Find the line of a JSON pointer by composing (not constructing) the YAML.

    Only called when reporting, so the normal path pays nothing for line tracking.
    """
    node = _compose(text)
    if node is None:
        return None
    line = node.start_mark.line + 1
    for token in split_pointer(ptr):
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

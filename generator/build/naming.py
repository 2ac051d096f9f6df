"""Where each operation lives on the client: its resource path and method name.

Names come from the strongest source the spec offers, in this order:

1. ours: ``x-client-method: chat.completions.create`` on the operation (an
   overlay can rename without touching the operationId), else a dotted
   ``operationId`` (``chat.completions.create``);
2. names the spec states for the provider's own SDK: Speakeasy's
   ``x-speakeasy-group`` (else the first tag) + ``x-speakeasy-name-override``;
   Fern's ``x-fern-sdk-group-name`` + ``x-fern-sdk-method-name``; the calls of
   a Python sample (``client.chat.completions.create(``) in ``x-codeSamples``
   / ``x-code-samples`` or in OpenAI's ``x-oaiMeta`` examples, first call
   first;
3. derived: the resource is the first tag (dotted tags nest:
   ``beta.observability``; a tag every operation carries groups nothing and is
   ignored), else the path's literal segments after the prefix every path
   shares and a version (``/v1/chat/completions`` -> ``chat.completions``); the
   method is the operationId without FastAPI's method-and-path suffix
   (``list_models_v1_models_get`` -> ``list_models``), without a router
   prefix (``files_api_routes_upload_file`` -> ``upload_file``) and without
   the resource's own name (``models.list_models`` -> ``models.list``); what
   is left empty, or a bare ``get``, becomes the usual verb for the HTTP
   method and path shape: ``list``, ``retrieve``, ``create``, ``update``,
   ``delete``.

Names are claimed in that order of strength, then in spec order: a name
belongs to the first operation with the strongest claim to it. An operation
whose name is taken tries its next candidate (a sample's next call, then the
derived name) and finally takes the derived name numbered (``create_2``); a
method never takes the name of a sub-resource beside it, nor the reverse.
The owner of a name is never renamed. Every operation that does not get its
first name is reported (``name-taken``), with the operation that owns it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from ..errors import Code
from ..names import (
    KEYWORDS,
    RESOURCE_RESERVED,
    TYPE_RESERVED,
    is_identifier,
    pascal,
    snake,
    snake_identifier,
)
from ..openapi import iter_operations, mapping
from .schemas import Reporter

# Where a name came from, strongest first.
OURS = "ours"
STATED = "stated"
DERIVED = "derived"
RANK = {OURS: 0, STATED: 1, DERIVED: 2}
_SOURCES = {
    OURS: "its x-client-method or dotted operationId",
    STATED: "stated for the provider's SDK",
    DERIVED: "derived from its tag, path and operationId",
}

_VERSION = re.compile(r"^v\d+([a-z]+\d*)?$", re.IGNORECASE)
_CALL = re.compile(r"\bclient((?:\s*\.\s*[A-Za-z_]\w*)+)\s*\(")
_RESPONSE_WRAPPERS = frozenset({"with_raw_response", "with_streaming_response"})
_PY_LANGS = frozenset({"python", "py", "python3"})
_VERBS = {
    ("get", False): "list",
    ("get", True): "retrieve",
    ("post", False): "create",
    ("post", True): "create",
    ("put", True): "update",
    ("put", False): "update",
    ("patch", True): "update",
    ("patch", False): "update",
    ("delete", True): "delete",
    ("delete", False): "delete",
}


@dataclass(frozen=True)
class Name:
    """A place on the client: resource attributes from the client down, then the method."""

    resource: tuple[str, ...]
    method: str
    source: str  # OURS, STATED or DERIVED

    @property
    def dotted(self) -> str:
        return ".".join((*self.resource, self.method))


@dataclass(frozen=True)
class _Op:
    key: str  # the operation's pointer
    candidates: tuple[Name, ...]  # strongest first; the last one is derived


def client_class_name(info: Mapping[str, Any], stem: str) -> Any:
    """``x-client-name`` as given (the caller checks it), else one from the title.

    The title loses a trailing "API"/"APIs" word (``OpenRouter API`` ->
    ``OpenRouter``); a title that gives no usable class name falls back to
    the file's stem, then ``Client``.
    """
    if "x-client-name" in info:
        return info["x-client-name"]
    title = info.get("title")
    words = title.split() if isinstance(title, str) else []
    while words and words[-1].strip(".,:;").lower() in {"api", "apis"}:
        words.pop()
    for candidate in (pascal(" ".join(words)), pascal(stem)):
        if (
            is_identifier(candidate)
            and candidate not in KEYWORDS
            and candidate not in TYPE_RESERVED
            and not candidate.startswith("_")
        ):
            return candidate
    return "Client"


def plan(data: Mapping[str, Any], report: Reporter | None = None) -> dict[str, Name]:
    """The name of every operation of ``data``, keyed by the operation's pointer.

    With ``report``, an unusable ``x-client-method`` is an error
    (``name-invalid``) and every operation that did not get its first name a
    warning (``name-taken``).
    """
    ops = list(iter_operations(data))
    shared_tag = _shared_tag([op for _p, _m, op, _w in ops])
    prefix = _common_prefix([p for p, _m, _op, _w in ops])
    planned = []
    for path, method, op, where in ops:
        ours = _ours(op, where, report)
        found = [ours] if ours is not None else []
        found += _stated(op)
        found.append(_derived(path, method, op, shared_tag, prefix))
        planned.append(_Op(where, tuple(found)))
    chosen, owners = _assign(planned)
    if report is not None:
        for planned_op in planned:
            first, got = planned_op.candidates[0], chosen[planned_op.key]
            if got != first:
                owner = owners.get((first.resource, first.method))
                by = f"operation {owner}" if owner else "a sub-resource of that name"
                report.warn(
                    planned_op.key,
                    f"name {first.dotted!r} ({_SOURCES[first.source]}) is taken by "
                    f"{by}; this operation is client.{got.dotted}",
                    Code.NAME_TAKEN,
                )
    return chosen


# -- candidates ----------------------------------------------------------------------


def _dotted(value: Any, source: str) -> Name | None:
    if not isinstance(value, str):
        return None
    parts = [p.strip() for p in value.split(".")]
    if len(parts) < 2 or not all(parts):
        return None
    return _name(parts[:-1], parts[-1], source)


def _ours(op: Mapping[str, Any], where: str, report: Reporter | None) -> Name | None:
    if "x-client-method" in op:
        value = op["x-client-method"]
        name = _dotted(value, OURS)
        if name is not None:
            return name
        if report is not None:
            report.error(
                where + "/x-client-method",
                f"x-client-method {value!r} is not a dotted name "
                "(resource.method, e.g. 'chat.completions.create')",
                Code.NAME_INVALID,
            )
    return _dotted(op.get("operationId"), OURS)


def _stated(op: Mapping[str, Any]) -> list[Name]:
    found: list[Name] = []
    override = op.get("x-speakeasy-name-override")
    if isinstance(override, str) and override:
        group = op.get("x-speakeasy-group")
        if not isinstance(group, str) or not group:
            group = _first_tag(op)
        if group:
            found.append(_name(group.split("."), override, STATED))
    fern_group = op.get("x-fern-sdk-group-name")
    fern_method = op.get("x-fern-sdk-method-name")
    if isinstance(fern_method, str) and fern_method:
        groups = [fern_group] if isinstance(fern_group, str) else fern_group
        if (
            isinstance(groups, list)
            and groups
            and all(isinstance(g, str) and g for g in groups)
        ):
            parts = [p for g in groups for p in g.split(".")]
            found.append(_name(parts, fern_method, STATED))
    for source in _python_samples(op):
        for match in _CALL.finditer(source):
            parts = [
                p.strip()
                for p in match.group(1).split(".")
                if p.strip() and p.strip() not in _RESPONSE_WRAPPERS
            ]
            if len(parts) >= 2:
                found.append(_name(parts[:-1], parts[-1], STATED))
    return found


def _python_samples(op: Mapping[str, Any]) -> list[str]:
    samples: list[str] = []
    for key in ("x-codeSamples", "x-code-samples"):
        entries = op.get(key)
        for entry in entries if isinstance(entries, list) else []:
            entry = mapping(entry)
            lang = str(entry.get("lang") or entry.get("language") or "").lower()
            source = entry.get("source") or entry.get("code")
            if lang in _PY_LANGS and isinstance(source, str):
                samples.append(source)
    examples = mapping(op.get("x-oaiMeta")).get("examples")
    for example in examples if isinstance(examples, list) else [examples]:
        python = mapping(mapping(example).get("request")).get("python")
        if isinstance(python, str):
            samples.append(python)
    return samples


def _first_tag(op: Mapping[str, Any]) -> str | None:
    tags = op.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0]:
        return tags[0]
    return None


def _shared_tag(ops: Sequence[Mapping[str, Any]]) -> str | None:
    """A tag on every one of several operations: it groups nothing."""
    if len(ops) < 2:
        return None
    firsts = {_first_tag(op) for op in ops}
    if len(firsts) == 1:
        return next(iter(firsts))
    return None


def _segments(path: str) -> list[str]:
    path = path.split("?", 1)[0].split("#", 1)[0]
    return [s for s in path.split("/") if s]


def _common_prefix(paths: Iterable[str]) -> int:
    """How many leading literal segments every path shares (``/api`` in ``/api/chat``...)."""
    split = [_segments(p) for p in paths]
    if len(split) < 2:
        return 0
    n = 0
    for column in zip(*split, strict=False):
        if len(set(column)) != 1 or column[0].startswith("{"):
            break
        n += 1
    # Never swallow a whole path: keep at least one segment of the shortest.
    return min(n, min(len(s) for s in split) - 1) if n else 0


def _derived(
    path: str,
    method: str,
    op: Mapping[str, Any],
    shared_tag: str | None,
    prefix: int,
) -> Name:
    segments = _segments(path)
    literal = [s for s in segments[prefix:] if not s.startswith("{")]
    while literal and _VERSION.match(literal[0]):
        literal.pop(0)
    tag = _first_tag(op)
    if tag is not None and tag != shared_tag:
        resource = [p for p in tag.split(".") if p.strip()] or [tag]
    else:
        resource = literal[:]
    if not resource:
        resource = ["root"]
    item = bool(segments) and segments[-1].startswith("{")
    verb = _VERBS.get((method, item), method)
    if verb == "list" and literal and not _plural(literal[-1]):
        verb = "retrieve"  # GET /health, /version: one thing, not a collection
    op_id = op.get("operationId")
    raw = snake(op_id) if isinstance(op_id, str) else ""
    raw = _strip_fastapi(raw, path, method)
    raw = _strip_router_prefix(raw)
    name = _without_resource(raw, resource)
    if not name or (name == "get" and method == "get"):
        name = verb
    return _name(resource, name, DERIVED)


def _strip_fastapi(name: str, path: str, method: str) -> str:
    """FastAPI's ids are ``<function><path with \\W as _>_<method>``: keep the function."""
    suffix = snake(re.sub(r"\W", "_", path.split("#", 1)[0]) + "_" + method)
    if suffix and name.endswith("_" + suffix) and len(name) > len(suffix) + 1:
        return name[: -len(suffix) - 1]
    return name


def _strip_router_prefix(name: str) -> str:
    """Router and version prefixes and suffixes of an id.

    ``agents_api_v1_conversations_start`` -> ``conversations_start``,
    ``files_api_routes_upload_file`` -> ``upload_file``,
    ``libraries_list_v1`` -> ``libraries_list``; ``list_project_api_keys``
    keeps its words (``api`` followed by neither a version nor ``routes``).
    """
    words = name.split("_")
    for i, w in enumerate(words[:-2]):
        if (
            w == "api"
            and i > 0
            and (_VERSION.match(words[i + 1]) or words[i + 1] == "routes")
        ):
            words = words[i + 2 :]
            break
    for i, w in enumerate(words[:-1]):
        if _VERSION.match(w):
            words = words[i + 1 :]
            break
    if len(words) > 1 and _VERSION.match(words[-1]):
        words = words[:-1]
    return "_".join(words)


def _plural(word: str) -> bool:
    word = snake(word).rsplit("_", 1)[-1]
    return word.endswith("s") and not word.endswith("ss")


def _forms(word: str) -> set[str]:
    forms = {word}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    if word.endswith("es"):
        forms.add(word[:-2])
    if word.endswith("s"):
        forms.add(word[:-1])
    return forms


def _without_resource(name: str, resource: Sequence[str]) -> str:
    """Drop the words that repeat the resource's own name (``list_models`` under ``models``)."""
    words = name.split("_") if name else []
    for segment in reversed(resource):
        seg_words = snake(segment).split("_")
        variants = [seg_words]
        last = seg_words[-1]
        for form in sorted(_forms(last) - {last}):
            variants.append(seg_words[:-1] + [form])
        for variant in sorted(variants, key=len, reverse=True):
            n = len(variant)
            found = False
            i = 0
            while i <= len(words) - n:
                if words[i : i + n] == variant:
                    words = words[:i] + words[i + n :]
                    found = True
                else:
                    i += 1
            if found:
                break
    return "_".join(w for w in words if w)


def _name(resource: Sequence[str], method: str, source: str) -> Name:
    return Name(
        tuple(
            snake_identifier(r, fallback="resource", reserved=RESOURCE_RESERVED)
            for r in resource
        ),
        snake_identifier(method, fallback="call", reserved=RESOURCE_RESERVED),
        source,
    )


# -- claiming --------------------------------------------------------------------------

_Slot = tuple[tuple[str, ...], str]


def _assign(ops: Sequence[_Op]) -> tuple[dict[str, Name], dict[_Slot, str]]:
    """Each operation's name, and which operation owns each method slot."""
    claims = _Claims()
    chosen: dict[str, Name] = {}
    # The strongest claims first: each operation's first candidate, by rank,
    # in spec order; then the others try their next candidates.
    for rank in sorted(set(RANK.values())):
        for op in ops:
            first = op.candidates[0]
            if (
                op.key not in chosen
                and RANK[first.source] == rank
                and claims.take(first, op.key)
            ):
                chosen[op.key] = first
    for op in ops:
        if op.key in chosen:
            continue
        first = op.candidates[0]
        # Our own name (a duplicate operationId under --lenient) is numbered
        # in the place its author chose, if that place is free.
        numbered = _numbered(first) if first.source == OURS else ()
        later = chain(numbered, op.candidates[1:], _fallbacks(op.candidates[-1]))
        for cand in later:
            if claims.take(cand, op.key):
                chosen[op.key] = cand
                break
    return {op.key: chosen[op.key] for op in ops}, claims.methods


def _numbered(name: Name) -> Iterator[Name]:
    for n in range(2, 100):
        yield Name(name.resource, f"{name.method}_{n}", name.source)


def _fallbacks(derived: Name) -> Iterator[Name]:
    """Last resorts for a derived name that is taken: numbered, then folded upwards."""
    for cut in range(len(derived.resource), 0, -1):
        method = "_".join((*derived.resource[cut:], derived.method))
        base = Name(derived.resource[:cut], method, derived.source)
        yield base
        for n in range(2, 100):
            yield Name(base.resource, f"{method}_{n}", base.source)
    n = 100
    while True:  # a free name exists: only finitely many are taken
        yield Name(derived.resource[:1], f"{derived.method}_{n}", derived.source)
        n += 1


class _Claims:
    """Methods and sub-resources taken so far: one namespace per resource."""

    def __init__(self) -> None:
        self.methods: dict[_Slot, str] = {}  # -> the owning operation
        self.resources: set[_Slot] = set()

    def take(self, name: Name, owner: str) -> bool:
        slot = (name.resource, name.method)
        if slot in self.methods or slot in self.resources:
            return False
        path = name.resource
        if any((path[:i], path[i]) in self.methods for i in range(len(path))):
            return False
        self.methods[slot] = owner
        self.resources.update((path[:i], path[i]) for i in range(len(path)))
        return True

"""How a stream folds into the operation's final answer: a fold rule, derived or declared.

A fold rule is data in the runtime's format (``generator/runtime/_fold_rule.py``).
It is *declared* by ``x-stream-fold`` on the stream's media type (or on the
operation): a rule, or ``false`` for none. Otherwise it is *derived* by
walking the chunk schema and the response schema side by side, from their
roots, pairing what corresponds:

* a property of the same name on both sides; an object-valued chunk property
  with no counterpart (``delta``) is paired with the answer's unmatched
  object property sharing most property names with it (``message``): a
  ``rename``;
* arrays on both sides whose chunk items are objects with a numeric
  ``index`` merge their items by it (``choices``, ``tool_calls``); other
  arrays ``append`` (per-token logprobs, images);
* strings on both sides named as text (:data:`JOINED`: ``content``,
  ``text``, ``arguments``...) are joined (``concat``); the outermost ones
  named :data:`TEXT` are what ``text_stream`` yields. Any other value is
  kept (the last non-null one: ids, ``finish_reason``, ``usage``);
* an answer property that can hold one value only (``object:
  chat.completion``) is ``set`` to it; a required one that no chunk may
  carry gets a ``default`` (``null`` where it may be null, ``""`` for joined
  text), in answer objects that are surely there (the root, an array's
  items, required properties of those), so that neither creates an object
  no chunk sent.

A rule is derived only when something is joined as text: chunk and answer
then describe the same thing, piece by piece and whole. Streams of typed
events (``response.output_text.delta``, ``message_start``) are not derived;
their specs declare a rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..openapi import deref

# Strings joined across chunks; the first ones are the text deltas.
TEXT = ("content", "text", "response")
JOINED = TEXT + (
    "arguments",
    "refusal",
    "reasoning",
    "reasoning_content",
    "thinking",
)
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Fold:
    """A derived fold rule, or why there is none."""

    rule: dict[str, Any] | None
    reason: str = ""


# -- declared ------------------------------------------------------------------------------


def declared(value: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(rule, None) for a usable ``x-stream-fold`` value, (None, why) for a bad one.

    ``false`` is (None, None): no rule, on purpose.
    """
    if value is False:
        return None, None
    if not isinstance(value, Mapping):
        return None, (
            "x-stream-fold must be a fold rule (a mapping, see the README) or false, "
            f"not {type(value).__name__}"
        )
    bad = _not_json(value, "")
    if bad is not None:
        return None, f"x-stream-fold: {bad}"
    problem = _check(value)
    if problem is not None:
        return None, f"x-stream-fold is not a valid fold rule: {problem}"
    return json.loads(json.dumps(value)), None


def _check(rule: Mapping[str, Any]) -> str | None:
    """What the runtime says is wrong with ``rule``, or None.

    The runtime's own checker decides; it is imported on first use (see
    ``streams.stream_format``).
    """
    from ..runtime._fold_rule import FoldError, FoldRule

    try:
        FoldRule(rule)
    except FoldError as exc:
        return str(exc)
    return None


def _not_json(value: Any, at: str) -> str | None:
    if value is None or isinstance(value, (bool, int, float, str)):
        return None
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                return f"key {k!r} at {at or '/'} is not a string"
            bad = _not_json(v, f"{at}/{k}")
            if bad:
                return bad
        return None
    if isinstance(value, list):
        for i, v in enumerate(value):
            bad = _not_json(v, f"{at}/{i}")
            if bad:
                return bad
        return None
    return f"{at or '/'} holds a {type(value).__name__}, not JSON"


# -- derived -------------------------------------------------------------------------------


@dataclass
class _Shape:
    """What a schema allows, as far as folding cares (alternatives merged)."""

    ref: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    is_object: bool = False
    is_union: bool = False  # properties come from several alternatives
    items: list[Any] = field(default_factory=list)  # array item schemas
    string: bool = False  # a plain string (not an enum, not a format)
    number: bool = False  # integer or number
    anything: bool = False  # no constraint at all
    nullable: bool = False
    literals: list[Any] = field(default_factory=list)  # enum/const values


def _shape(data: Mapping[str, Any], schema: Any, depth: int = 0) -> _Shape:
    out = _Shape()
    if isinstance(schema, Mapping) and "$ref" in schema:
        out.ref = deref(data, schema, "")[1]
    _read(data, schema, out, depth)
    return out


def _read(data: Mapping[str, Any], schema: Any, out: _Shape, depth: int) -> None:
    """Add what ``schema`` allows to ``out``."""
    if depth > _MAX_DEPTH:
        return
    if schema is True or schema == {}:
        out.anything = True
        return
    if isinstance(schema, Mapping) and "$ref" in schema:
        out.nullable |= schema.get("nullable") is True
        schema, _ = deref(data, schema, "")
    if not isinstance(schema, Mapping):
        return
    out.nullable |= schema.get("nullable") is True
    if "const" in schema or isinstance(schema.get("enum"), list):
        values = [schema["const"]] if "const" in schema else schema["enum"]
        out.nullable |= None in values
        out.literals.extend(v for v in values if v is not None)
        return
    types = schema.get("type")
    kinds = {
        t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)
    }
    out.nullable |= "null" in kinds
    objects = 0
    for key in ("oneOf", "anyOf"):
        members = schema.get(key)
        for member in members if isinstance(members, list) else []:
            sub = _Shape()
            _read(data, member, sub, depth + 1)
            objects += sub.is_object
            _merge(out, sub, with_required=False)
    if objects > 1:
        out.is_union = True
    parts = schema.get("allOf")
    for part in parts if isinstance(parts, list) else []:
        sub = _Shape()
        _read(data, part, sub, depth + 1)
        _merge(out, sub, with_required=True)
    props = schema.get("properties")
    if isinstance(props, Mapping) or "object" in kinds:
        out.is_object = True
        out.props.update(props if isinstance(props, Mapping) else {})
        req = schema.get("required")
        if isinstance(req, list):
            out.required |= {r for r in req if isinstance(r, str)}
    if "array" in kinds or "items" in schema:
        out.items.append(schema.get("items", {}))
    out.string |= "string" in kinds and not schema.get("format")
    out.number |= bool(kinds & {"integer", "number"})
    if not (kinds or props or parts or {"oneOf", "anyOf", "items"} & set(schema)):
        out.anything = True  # only annotations: any value


def _merge(out: _Shape, sub: _Shape, with_required: bool) -> None:
    out.is_object |= sub.is_object
    out.is_union |= sub.is_union
    if with_required:  # allOf: a later part overrides an earlier one
        out.props.update(sub.props)
        out.required |= sub.required
    else:
        for k, v in sub.props.items():
            out.props.setdefault(k, v)
    out.items.extend(sub.items)
    out.string |= sub.string
    out.number |= sub.number
    out.nullable |= sub.nullable
    out.literals.extend(sub.literals)


class _Deriver:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.index: dict[str, str] = {}
        self.rename: dict[str, str] = {}
        self.concat: list[str] = []
        self.append: list[str] = []
        self.set: dict[str, Any] = {}
        self.default: dict[str, Any] = {}
        self.text: list[str] = []
        self.stack: set[tuple[str, str]] = set()  # (chunk, answer) refs being walked

    def rule(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (
            ("index", self.index),
            ("rename", self.rename),
            ("concat", self.concat),
            ("append", self.append),
            ("set", self.set),
            ("default", self.default),
            ("text", self.text),
        ):
            if value:
                out[key] = value
        return out

    def objects(
        self, chunk: _Shape, answer: _Shape, at: _At, present: bool = True
    ) -> None:
        """Pair the properties of a chunk object and the answer object it builds.

        ``present``: the answer object is there whenever its parent is (the
        root, an array's item, or a required property all the way up), so
        ``set`` and ``default`` may write into it without creating it.
        """
        key = (chunk.ref or "", answer.ref or "")
        if at.depth > _MAX_DEPTH or (all(key) and key in self.stack):
            return  # recursive schemas: each pair once per branch
        self.stack.add(key)
        try:
            self._objects(chunk, answer, at, present)
        finally:
            self.stack.discard(key)

    def _objects(self, chunk: _Shape, answer: _Shape, at: _At, present: bool) -> None:
        depth = at.depth + 1
        pairs = [(k, k) for k in chunk.props if k in answer.props]
        for ck, ak in self._renamed(chunk, answer, depth):
            pairs.append((ck, ak))
            self.rename[_join(at.answer, ck)] = ak
        required = answer.required if not answer.is_union else frozenset()
        for ck, ak in pairs:
            self.pair(
                _shape(self.data, chunk.props[ck], depth),
                ak,
                _shape(self.data, answer.props[ak], depth),
                _At(_join(at.chunk, ck), _join(at.answer, ak), depth),
                present and ak in required,
            )
        if answer.is_union or not present:
            return
        for ak, schema in answer.props.items():
            path = _join(at.answer, ak)
            a = _shape(self.data, schema, depth)
            value = a.literals[0] if len(a.literals) == 1 else None
            if isinstance(value, (str, int, float, bool)) and not a.nullable:
                c = (
                    _shape(self.data, chunk.props[ak], depth)
                    if ak in chunk.props
                    else None
                )
                if c is None or c.literals != a.literals:
                    self.set[path] = value
            elif ak in required and a.nullable and path not in self.default:
                self.default[path] = None

    def _renamed(
        self, chunk: _Shape, answer: _Shape, depth: int
    ) -> list[tuple[str, str]]:
        """Chunk objects without a namesake, each paired with the answer object most like it."""
        out: list[tuple[str, str]] = []
        free = {
            k: set(a.props)
            for k in answer.props
            if k not in chunk.props
            and (a := _shape(self.data, answer.props[k], depth)).is_object
        }
        for ck, schema in chunk.props.items():
            c = _shape(self.data, schema, depth)
            if ck in answer.props or not free or not c.is_object:
                continue
            shared, best = max(
                (len(set(c.props) & props), ak) for ak, props in free.items()
            )
            if shared:
                out.append((ck, best))
                del free[best]
        return out

    def pair(self, c: _Shape, ak: str, a: _Shape, at: _At, required: bool) -> None:
        """Pair the chunk's value and the answer's at ``at`` (``required``: surely present)."""
        if ak in JOINED and c.string and (a.string or a.anything):
            self.concat.append(at.answer)
            if ak in TEXT:
                self.text.append(at.chunk)
            if required:
                self.default[at.answer] = None if a.nullable else ""
            return
        if c.is_object and a.is_object:
            self.objects(c, a, at, required)
            return
        if c.items and a.items:
            citem = _shape(self.data, c.items[0], at.depth + 1)
            aitem = _shape(self.data, a.items[0], at.depth + 1)
            index = citem.props.get("index")
            if (
                citem.is_object
                and index is not None
                and _shape(self.data, index, at.depth + 1).number
            ):
                self.index[at.answer] = "index"
                if aitem.is_object:
                    items = _At(at.chunk + "[]", at.answer + "[]", at.depth + 1)
                    self.objects(citem, aitem, items, True)
            else:
                self.append.append(at.answer)


@dataclass(frozen=True)
class _At:
    """Where the walk is: the chunk path, the answer path, the depth."""

    chunk: str
    answer: str
    depth: int


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def derive(data: Mapping[str, Any], chunk: Any, answer: Any) -> Fold:
    """The fold rule of a stream of ``chunk`` schemas into an ``answer`` schema, if they correspond."""
    c = _shape(data, chunk)
    a = _shape(data, answer)
    if not c.is_object or not a.is_object:
        return Fold(None, "the chunk or the response is not an object")
    if c.is_union:
        return Fold(
            None,
            "the chunks are a union of event types, which cannot be matched to the "
            "response by their schemas",
        )
    deriver = _Deriver(data)
    deriver.objects(c, a, _At("", "", 0))
    if not deriver.text:
        return Fold(
            None,
            "no text field (" + ", ".join(TEXT) + ") of the chunk has a namesake in "
            "the response",
        )
    # The text deltas are the outermost text fields (a message's content, not
    # the text of its reasoning details).
    depth = min(p.count(".") for p in deriver.text)
    deriver.text = [p for p in deriver.text if p.count(".") == depth]
    rule = deriver.rule()
    problem = _check(rule)
    if problem is not None:  # the schemas paired in a way the runtime cannot fold
        return Fold(None, f"the derived rule does not hold ({problem})")
    return Fold(rule)

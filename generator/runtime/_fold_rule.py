"""Fold rules: how a stream's chunks fold into the operation's final answer, as data.

A *fold rule* is a plain JSON-able mapping (the generator writes it into each
streaming operation's :class:`StreamSpec`; a spec can state it as an
extension). :class:`FoldRule` checks and compiles it; the engine
(:mod:`._fold`) knows no API: it merges each chunk's JSON into one growing
answer, the way the rule says values meet. Keys of the rule, all optional:

``routes``
    ``{event: [route, ...]}``: where each event's data goes. A route is
    ``{"from": chunk path, "to": target, "skip": [key, ...]}``: the object at
    ``from`` in the chunk (``""``: the whole chunk) is merged into the answer at
    ``to`` (``""``: the answer itself), leaving out its top-level ``skip``
    keys. A ``to`` segment ``name[field]`` selects the item of the array
    ``name`` at the position given by the chunk's top-level ``field``
    (``content[index]``). ``"*"`` is every event without an entry of its own;
    an unnamed stream's events (SSE ``message``, every JSON line) are
    ``"message"``. An event with no route is not folded. Default:
    ``{"*": [{"from": "", "to": ""}]}``, each chunk merged whole.
``index``
    ``{answer path: key}``: arrays whose items merge with the item that has the
    same ``key`` (``{"choices": "index"}``).
``concat``
    answer paths of strings joined in arrival order (text deltas, tool-call
    argument fragments).
``append``
    answer paths of lists whose items accumulate (per-token logprobs).
``json``
    answer paths whose string fragments are joined and parsed as one JSON
    value when the stream ends (a tool's input sent as ``partial_json``); a
    non-string value there is kept until the first fragment.
``rename``
    ``{answer path of an object "." chunk key: answer key}``: a chunk key that
    has another name in the answer (``{"choices[].delta": "message"}``).
``set`` / ``default``
    ``{answer path: value}`` applied when the stream ends: ``set`` always
    (``{"object": "chat.completion"}``), ``default`` where the answer has no
    value (a required nullable field no chunk carried).
``text``
    ``{event: [chunk path, ...]}`` (or a list, meaning ``"*"``): where the text
    deltas are, for ``text_stream``.

Paths are keys joined by ``.``; ``[]`` after a key means every item of that
array (``choices[].message.tool_calls[].function.arguments``). Everything
else meets by one rule: objects merge key by key, any other value replaces
the one before, and ``null`` never erases a value (``finish_reason`` and
``usage`` arrive on the last chunks). Merging takes the chunks' objects over
(they come fresh from the JSON decoder), so folding copies nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["FoldError", "FoldRule"]

MERGE, CONCAT, APPEND, _JSON, INDEX, POS = range(6)
_KINDS = {"concat": CONCAT, "append": APPEND, "json": _JSON}


class FoldError(ValueError):
    """A fold rule that cannot be compiled, or a chunk the rule cannot fold."""


class Node:
    """The rule at one object of the answer: chunk key -> (answer key, kind, child, item key)."""

    __slots__ = ("keys",)

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, int, Node, str | None]] = {}


PLAIN = Node()  # objects no rule reaches: every key merges the plain way


def _split(path: str, what: str) -> list[tuple[str, bool]]:
    """``"a[].b"`` -> ``[("a", True), ("b", False)]``; ``""`` -> ``[]``."""
    if not isinstance(path, str):
        raise FoldError(f"{what}: a path must be a string, not {path!r}")
    if path == "":
        return []
    out = []
    for seg in path.split("."):
        many = seg.endswith("[]")
        key = seg[:-2] if many else seg
        if not key or "[" in key or "]" in key:
            raise FoldError(f"{what}: bad path {path!r} (segment {seg!r})")
        out.append((key, many))
    return out


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, str) for v in value
    ):
        raise FoldError(f"{what} must be a list of strings")
    return list(value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise FoldError(f"{what} must be a mapping with string keys")
    return value


class Route:
    __slots__ = ("node", "skip", "source", "target")

    def __init__(
        self,
        source: tuple[str, ...],
        target: tuple[tuple[str, str | None], ...],
        node: Node,
        skip: frozenset[str],
    ) -> None:
        self.source = source
        self.target = target
        self.node = node
        self.skip = skip


class FoldRule:
    """A fold rule, checked and compiled; raises :class:`FoldError` naming what is wrong."""

    __slots__ = ("defaults", "root", "routes", "rule", "sets", "texts")

    def __init__(self, rule: Mapping[str, Any]) -> None:
        rule = _mapping(rule, "a fold rule")
        unknown = set(rule) - {
            "routes",
            "index",
            "concat",
            "append",
            "json",
            "rename",
            "set",
            "default",
            "text",
        }
        if unknown:
            raise FoldError(f"a fold rule has unknown keys: {sorted(unknown)}")
        self.rule = rule
        # answer path (normalised, "a[].b") -> (kind, item key)
        kinds: dict[str, tuple[int, str | None]] = {}

        def declare(path: str, kind: int, key: str | None, what: str) -> None:
            segs = _split(path, what)
            if not segs or segs[-1][1]:
                raise FoldError(
                    f"{what}: {path!r} must name a field, not the answer or '[]'"
                )
            norm = _norm(segs)
            if kinds.get(norm, (kind, key)) != (kind, key):
                raise FoldError(f"{what}: {path!r} is given two different ways")
            kinds[norm] = (kind, key)

        for name, kind in _KINDS.items():
            for path in _strings(rule.get(name, []), f"fold rule {name!r}"):
                declare(path, kind, None, f"fold rule {name!r}")
        for path, key in _mapping(rule.get("index", {}), "fold rule 'index'").items():
            if not isinstance(key, str):
                raise FoldError(
                    f"fold rule 'index': the key for {path!r} must be a string"
                )
            declare(path, INDEX, key, "fold rule 'index'")
        raw_routes = _mapping(
            rule.get("routes", {"*": [{"from": "", "to": ""}]}), "fold rule 'routes'"
        )
        parsed: dict[
            str,
            list[tuple[list[str], list[tuple[str, str | None]], str, frozenset[str]]],
        ] = {}
        for event, routes in raw_routes.items():
            if not isinstance(routes, (list, tuple)):
                raise FoldError(f"fold rule 'routes' {event!r}: a list of routes")
            parsed[event] = []
            for i, route in enumerate(routes):
                what = f"fold rule 'routes' {event!r}[{i}]"
                route = _mapping(route, what)
                if set(route) - {"from", "to", "skip"}:
                    raise FoldError(
                        f"{what}: unknown keys {sorted(set(route) - {'from', 'to', 'skip'})}"
                    )
                source = [k for k, many in _split(route.get("from", ""), what)]
                if "[]" in str(route.get("from", "")):
                    raise FoldError(f"{what}: 'from' cannot go through '[]'")
                target, norm = _target(route.get("to", ""), what)
                for j, (key, field) in enumerate(target):
                    if field is not None:
                        declare(".".join([*_fmt(target[:j]), key]), POS, None, what)
                skip = frozenset(_strings(route.get("skip", []), f"{what} 'skip'"))
                parsed[event].append((source, target, norm, skip))
        renames = _mapping(rule.get("rename", {}), "fold rule 'rename'")
        for path, new in renames.items():
            if not isinstance(new, str) or not new or "." in new or "[" in new:
                raise FoldError(
                    f"fold rule 'rename' {path!r}: the new name must be a plain key"
                )
            _split(path, "fold rule 'rename'")
        self.root = _build(kinds, renames)
        self.routes = {
            event: tuple(
                Route(tuple(src), tuple(tgt), _node_at(self.root, norm), skip)
                for src, tgt, norm, skip in routes
            )
            for event, routes in parsed.items()
        }
        raw_text = rule.get("text", {})
        if isinstance(raw_text, (list, tuple)):
            raw_text = {"*": raw_text}
        self.texts = {
            event: tuple(
                tuple(_split(p, "fold rule 'text'"))
                for p in _strings(paths, f"fold rule 'text' {event!r}")
            )
            for event, paths in _mapping(raw_text, "fold rule 'text'").items()
        }
        self.sets = [
            (_split(p, "fold rule 'set'"), v)
            for p, v in _mapping(rule.get("set", {}), "fold rule 'set'").items()
        ]
        self.defaults = [
            (_split(p, "fold rule 'default'"), v)
            for p, v in _mapping(rule.get("default", {}), "fold rule 'default'").items()
        ]
        for segs, _ in self.sets + self.defaults:
            if not segs or segs[-1][1]:
                raise FoldError("fold rule 'set'/'default': a path must end in a field")

    def routes_for(self, event: str) -> tuple[Route, ...]:
        routes = self.routes.get(event)
        if routes is None:
            routes = self.routes.get("*", ())
        return routes

    def texts_for(self, event: str) -> tuple[tuple[tuple[str, bool], ...], ...]:
        texts = self.texts.get(event)
        if texts is None:
            texts = self.texts.get("*", ())
        return texts


def _fmt(target: Iterable[tuple[str, str | None]]) -> list[str]:
    return [key + ("[]" if field is not None else "") for key, field in target]


def _norm(segs: Iterable[tuple[str, bool]]) -> str:
    return ".".join(key + ("[]" if many else "") for key, many in segs)


def _target(path: Any, what: str) -> tuple[list[tuple[str, str | None]], str]:
    if not isinstance(path, str):
        raise FoldError(f"{what}: 'to' must be a string")
    out: list[tuple[str, str | None]] = []
    for seg in path.split(".") if path else []:
        field = None
        if seg.endswith("]") and "[" in seg:
            seg, field = seg[:-1].split("[", 1)
            if not field:
                raise FoldError(f"{what}: 'to' {path!r} needs a field name inside '[]'")
        if (
            not seg
            or "[" in seg
            or "]" in seg
            or (field and ("[" in field or "]" in field))
        ):
            raise FoldError(f"{what}: bad 'to' path {path!r}")
        out.append((seg, field))
    return out, ".".join(_fmt(out))


def _build(
    kinds: dict[str, tuple[int, str | None]], renames: Mapping[str, str]
) -> Node:
    """The node tree for every answer path the rule mentions."""
    root = Node()
    nodes = {"": root}

    def node(path: str, origin: str) -> Node:
        """The node at answer path ``path`` (``a[]``: an array's items), for rule ``origin``."""
        found = nodes.get(path)
        if found is not None:
            return found
        parent_path, _, last = path.rpartition(".")
        many = last.endswith("[]")
        key = last[:-2] if many else last
        parent = node(parent_path, origin)
        holder = parent_path + ("." if parent_path else "") + key
        kind, item_key = kinds.get(holder, (MERGE, None))
        if many and kind not in (INDEX, POS):
            raise FoldError(
                f"fold rule: {origin!r} goes through {key!r}, an array neither merged "
                "by 'index' nor placed by a route"
            )
        if not many and kind in (INDEX, POS):
            raise FoldError(
                f"fold rule: {origin!r} goes through the array {key!r}: write {key + '[]'!r}"
            )
        if kind not in (MERGE, INDEX, POS):
            raise FoldError(
                f"fold rule: {origin!r} goes through {holder!r}, a {_name(kind)} value, "
                "not an object"
            )
        child = Node()
        parent.keys[key] = (key, kind, child, item_key)
        nodes[path] = child
        return child

    for path, (kind, item_key) in sorted(kinds.items()):
        parent_path, _, key = path.rpartition(".")
        parent = node(parent_path, path)
        if kind in (INDEX, POS):
            node(path + "[]", path)
        elif key in parent.keys:
            raise FoldError(
                f"fold rule: {path!r} is an object with rules inside, not {_name(kind)}"
            )
        else:
            parent.keys[key] = (key, kind, PLAIN, item_key)
    for path, new in renames.items():
        parent_path, _, key = path.rpartition(".")
        entry = node(parent_path, path).keys.get(new, (new, MERGE, PLAIN, None))
        node(parent_path, path).keys[key] = (new, entry[1], entry[2], entry[3])
    return root


def _name(kind: int) -> str:
    return {v: k for k, v in _KINDS.items()}.get(kind, "merged")


def _node_at(root: Node, path: str) -> Node:
    node = root
    for seg in path.split(".") if path else []:
        key = seg.removesuffix("[]")
        entry = node.keys.get(key)
        node = entry[2] if entry is not None else PLAIN
    return node

"""The engine that folds a stream's chunks into its final answer, as a :class:`FoldRule` says.

The rule's format is described in :mod:`._fold_rule`. The answer is built in
place: objects from the chunks are taken over (they come fresh from the JSON
decoder), string fragments are kept as lists and joined once at the end, and
arrays being merged are kept as dicts by position or merge key, put in order
at the end.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from ._fold_rule import (
    APPEND,
    CONCAT,
    INDEX,
    MERGE,
    PLAIN,
    POS,
    FoldError,
    FoldRule,
    Node,
    Route,
)

__all__ = ["FoldError", "FoldRule", "Folder"]


class _Parts(list):  # type: ignore[type-arg]
    """String fragments joined once, at the end (``+=`` on a dict value is quadratic)."""

    __slots__ = ()


class _JsonParts(list):  # type: ignore[type-arg]
    """JSON text fragments, and the value held before the first one."""

    __slots__ = ("before",)

    def __init__(self, first: str, before: Any) -> None:
        super().__init__((first,))
        self.before = before


class _Items(dict):  # type: ignore[type-arg]
    """An array being folded: its items by position or by their merge key."""

    __slots__ = ()


def _merge(acc: dict[str, Any], delta: Mapping[str, Any], node: Node) -> None:
    """Fold one chunk object into the answer object ``acc`` (the hot loop)."""
    entries = node.keys
    for key, value in delta.items():
        entry = entries.get(key)
        if entry is None:
            if value is None:
                if key not in acc:
                    acc[key] = None
            elif type(value) is dict:
                cur = acc.get(key)
                if type(cur) is dict:
                    _merge(cur, value, PLAIN)
                else:
                    acc[key] = value
            else:
                acc[key] = value
            continue
        name, kind, child, item_key = entry
        if value is None:
            if name not in acc:
                acc[name] = None
            continue
        cur = acc.get(name)
        if kind == CONCAT:
            if type(value) is str:
                if type(cur) is _Parts:
                    cur.append(value)
                elif type(cur) is str:
                    acc[name] = _Parts((cur, value))
                else:
                    acc[name] = _Parts((value,))
            else:
                acc[name] = value
        elif kind == MERGE:
            if type(value) is dict:
                if type(cur) is not dict:
                    cur = acc[name] = {}
                _merge(cur, value, child)
            else:
                acc[name] = value
        elif kind == INDEX or kind == POS:
            if type(value) is list:
                if type(cur) is not _Items:
                    cur = acc[name] = _items(cur)
                for pos, item in enumerate(value):
                    if kind == POS:
                        k = pos
                    elif type(item) is dict:
                        k = item.get(item_key, len(cur))
                    else:
                        k = len(cur)
                    if type(item) is dict:
                        slot = cur.get(k)
                        if type(slot) is not dict:
                            slot = cur[k] = {}
                        _merge(slot, item, child)
                    else:
                        cur[k] = item
            else:
                acc[name] = value
        elif kind == APPEND:
            if type(value) is list:
                if type(cur) is list:
                    cur.extend(value)
                else:
                    acc[name] = list(value)
            else:
                acc[name] = value
        else:  # _JSON
            if type(value) is str:
                if type(cur) is _JsonParts:
                    cur.append(value)
                else:
                    acc[name] = _JsonParts(value, cur)
            elif type(cur) is not _JsonParts:
                acc[name] = value


def _items(value: Any) -> _Items:
    items = _Items()
    if isinstance(value, list):
        for pos, item in enumerate(value):
            items[pos] = item
    return items


class Folder:
    """One stream's answer in the making: :meth:`add` each chunk, then :meth:`result`."""

    __slots__ = ("answer", "count", "rule")

    def __init__(self, rule: FoldRule) -> None:
        self.rule = rule
        self.answer: dict[str, Any] = {}
        self.count = 0

    def add(self, event: str, payload: Any) -> None:
        """Fold one chunk (its JSON, decoded) that arrived as ``event``."""
        self.count += 1
        for route in self.rule.routes_for(event):
            source = payload
            for key in route.source:
                source = source.get(key) if type(source) is dict else None
            if source is None:
                continue
            if type(source) is not dict:
                where = ".".join(route.source) or "the chunk"
                raise FoldError(f"{where} is not a JSON object")
            if route.skip:
                source = {k: v for k, v in source.items() if k not in route.skip}
            _merge(self._place(route, payload), source, route.node)

    def _place(self, route: Route, payload: Any) -> dict[str, Any]:
        acc = self.answer
        for key, field in route.target:
            cur = acc.get(key)
            if field is None:
                if type(cur) is not dict:
                    cur = acc[key] = {}
                acc = cur
                continue
            if type(cur) is not _Items:
                cur = acc[key] = _items(cur)
            pos = payload.get(field) if type(payload) is dict else None
            if type(pos) is not int:
                raise FoldError(
                    f"the chunk has no integer {field!r} to place it in {key!r}"
                )
            slot = cur.get(pos)
            if type(slot) is not dict:
                slot = cur[pos] = {}
            acc = slot
        return acc

    def texts(self, event: str, payload: Any) -> list[str]:
        """The text deltas of one chunk, in order (for ``text_stream``)."""
        out: list[str] = []
        for path in self.rule.texts_for(event):
            _collect(payload, path, 0, out)
        return out

    def result(self) -> dict[str, Any]:
        """The folded answer: fragments joined, arrays in order, ``set`` and ``default`` applied."""
        answer = _finish(self.answer, "")
        for segs, value in self.rule.defaults:
            _put(answer, segs, value, only_if_absent=True)
        for segs, value in self.rule.sets:
            _put(answer, segs, value, only_if_absent=False)
        return answer  # type: ignore[no-any-return]


def _collect(
    value: Any, path: tuple[tuple[str, bool], ...], at: int, out: list[str]
) -> None:
    for i in range(at, len(path)):
        if type(value) is not dict:
            return
        key, many = path[i]
        value = value.get(key)
        if many:
            if type(value) is list:
                for item in value:
                    _collect(item, path, i + 1, out)
            return
    if type(value) is str and value:
        out.append(value)


def _finish(value: Any, where: str) -> Any:
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(item) in (dict, _Parts, _JsonParts, _Items, list):
                value[key] = _finish(item, f"{where}.{key}" if where else key)
        return value
    if kind is _Parts:
        return "".join(value)
    if kind is _JsonParts:
        text = "".join(value)
        if not text.strip():
            return value.before
        try:
            return json.loads(text)
        except ValueError as exc:
            raise FoldError(
                f"the fragments of {where} do not join into JSON ({exc}): {text[:200]!r}"
            ) from None
    if kind is _Items:
        try:
            keys = sorted(value)
        except TypeError:
            keys = list(value)
        return [_finish(value[k], f"{where}[{i}]") for i, k in enumerate(keys)]
    if kind is list:
        return [_finish(item, f"{where}[{i}]") for i, item in enumerate(value)]
    return value


def _put(
    target: Any, segs: list[tuple[str, bool]], value: Any, only_if_absent: bool
) -> None:
    key, many = segs[0]
    if type(target) is not dict:
        return
    if len(segs) == 1:
        if not only_if_absent or target.get(key) is None:
            target[key] = copy.deepcopy(value)
        return
    child = target.get(key)
    if many:
        for item in child if type(child) is list else ():
            _put(item, segs[1:], value, only_if_absent)
        return
    if child is None:
        child = target[key] = {}
    _put(child, segs[1:], value, only_if_absent)

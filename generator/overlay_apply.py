"""Applying overlay actions to a spec's data, and remembering where each node came from.

The data is copied first (YAML aliases become separate nodes, as in JSON, so
an update never reaches two places through one alias). Each action applies
whole or not at all: its problems are found before anything changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jsonpath_rfc9535 import JSONPathError

from .errors import Code, Finding, SpecError
from .openapi import json_type
from .overlay_doc import Action, Overlay

Token = str | int
# Where a node of the overlaid document came from: (0, path) for the spec file,
# (n, path) for the n-th overlay applied; the path locates it in that file.
Origin = tuple[int, tuple[str, ...]]


def apply(
    data: dict[str, Any], overlays: Sequence[Overlay], shown: str
) -> tuple[dict[str, Any], Origins]:
    """A copy of ``data`` (the spec shown as ``shown``) with ``overlays`` applied in order.

    Raises :class:`SpecError` with every action that cannot be applied.
    """
    try:
        tree = _tree(data)
    except RecursionError:
        raise SpecError(
            [
                Finding(
                    shown,
                    "#",
                    "nested too deeply (or a YAML alias contains itself)",
                    code=Code.OVERLAY_INVALID,
                )
            ]
        ) from None
    origins = Origins(tree)
    problems: list[Finding] = []
    for n, overlay in enumerate(overlays, 1):
        for action in overlay.actions:
            problems.extend(_Applier(origins, n, overlay, action, shown).run())
    if problems:
        raise SpecError(problems)
    return tree, origins


def _tree(value: Any) -> Any:
    """A deep copy in which no node is shared."""
    if isinstance(value, dict):
        return {k: _tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tree(v) for v in value]
    return value


class Origins:
    """Where each node of the overlaid document came from, for locating findings.

    A node from the spec is found by its path in the spec file; what the
    overlays changed is recorded: the dict entries they wrote, and the origin
    of every item of a list they appended to or removed from.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.keys: dict[tuple[int, str], Origin] = {}
        self.items: dict[int, list[Origin]] = {}
        self._alive: list[object] = []  # keeps every id() used above meaning one node

    def child(self, node: Any, key: Token, origin: Origin) -> Origin:
        """The origin of ``node[key]``, given ``node``'s."""
        if isinstance(node, list):
            known = self.items.get(id(node))
            if known is not None and isinstance(key, int):
                return known[key]
        else:
            mark = self.keys.get((id(node), str(key)))
            if mark is not None:
                return mark
        return (origin[0], origin[1] + (str(key),))

    def of(self, tokens: Sequence[Token]) -> Origin:
        """The origin of the node at ``tokens``; a rest that is not there extends its parent's."""
        return self._walk(tokens, stop_outside_spec=False)

    def from_spec(self, tokens: Sequence[Token]) -> tuple[str, ...]:
        """The spec-file path of the node at ``tokens``, or of its nearest ancestor from the spec."""
        return self._walk(tokens, stop_outside_spec=True)[1]

    def _walk(self, tokens: Sequence[Token], *, stop_outside_spec: bool) -> Origin:
        node: Any = self.data
        origin: Origin = (0, ())
        for i, token in enumerate(tokens):
            key = _key(node, token)
            if key is None:
                return (origin[0], origin[1] + tuple(str(t) for t in tokens[i:]))
            step = self.child(node, key, origin)
            if stop_outside_spec and step[0] != 0:
                return origin
            origin, node = step, node[key]
        return origin

    def set_key(self, node: dict[str, Any], key: str, origin: Origin) -> None:
        self.keys[(id(node), key)] = origin
        self._alive.append(node)

    def list_items(self, node: list[Any], origin: Origin) -> list[Origin]:
        """The origins of ``node``'s items, kept from now on as the list changes."""
        if id(node) not in self.items:
            self.items[id(node)] = [
                self.child(node, i, origin) for i in range(len(node))
            ]
            self._alive.append(node)
        return self.items[id(node)]


def _key(node: Any, token: Token) -> Token | None:
    """``token`` as a key of ``node``, or None when ``node`` has no such child."""
    if isinstance(node, dict):
        return str(token) if str(token) in node else None
    if isinstance(node, list):
        text = str(token)
        if text.isdigit() and int(text) < len(node):
            return int(text)
    return None


class _Applier:
    """One action applied to the document: all of it or, on a problem, none of it."""

    def __init__(
        self, origins: Origins, n: int, overlay: Overlay, action: Action, shown: str
    ) -> None:
        self.origins = origins
        self.n = n
        self.overlay = overlay
        self.action = action
        self.shown = shown
        self.problems: list[Finding] = []

    def bad(self, tokens: Sequence[object], message: str) -> None:
        at = ["actions", self.action.index, *tokens]
        self.problems.append(self.overlay.finding(at, f"{self.action.name}: {message}"))

    def run(self) -> list[Finding]:
        target = self.action.target
        try:
            found = self.action.query.find(self.origins.data)
        except (JSONPathError, RecursionError) as exc:
            self.bad(["target"], f"target {target} cannot be evaluated: {exc}")
            return self.problems
        nodes: dict[tuple[Token, ...], Any] = {}
        for node in found:  # a query may select a node twice: act on it once
            nodes.setdefault(tuple(node.location), node.value)
        if not nodes:
            self.bad(["target"], f"target {target} matches nothing in {self.shown}")
        elif self.action.remove:
            self.remove(list(nodes))
        else:
            self.update(nodes)
        return self.problems

    def remove(self, locations: list[tuple[Token, ...]]) -> None:
        if () in locations:
            self.bad(
                ["target"],
                f"target {self.action.target} selects the whole document, "
                "which cannot be removed",
            )
            return
        # Every parent is found before anything changes: removals shift indices.
        plan: list[tuple[Any, Token]] = []
        for loc in locations:
            parent = self._node(loc[:-1])
            if isinstance(parent, list):
                self.origins.list_items(parent, self.origins.of(loc[:-1]))
            plan.append((parent, loc[-1]))
        plan.sort(key=lambda p: p[1] if isinstance(p[1], int) else -1, reverse=True)
        for parent, key in plan:
            if isinstance(parent, list) and isinstance(key, int):
                del parent[key]
                del self.origins.items[id(parent)][key]
            elif isinstance(parent, dict):
                parent.pop(str(key), None)

    def update(self, nodes: dict[tuple[Token, ...], Any]) -> None:
        update, target = self.action.update, self.action.target
        for loc, node in nodes.items():
            if isinstance(node, dict):
                if isinstance(update, dict):
                    self.conflicts(node, update, ["update"], loc)
                else:
                    self.bad(
                        ["update"],
                        f"update is {_a(update)}, but target {target} selects an "
                        f"object ({_normalized(loc)}): what is merged into an "
                        "object must be an object",
                    )
            elif not isinstance(node, list):
                self.bad(
                    ["target"],
                    f"target {target} selects {_a(node)} ({_normalized(loc)}); "
                    "updates apply to objects and arrays: target the object that "
                    "holds the value",
                )
        if self.problems:
            return
        mine: Origin = (self.n, ("actions", str(self.action.index), "update"))
        # Origins first: an earlier node's update must not move a later node's path.
        planned = [(node, self.origins.of(loc)) for loc, node in nodes.items()]
        for node, origin in planned:
            if isinstance(node, dict):
                self.merge(node, update, origin, mine)
            else:
                self.append(node, update, origin, mine)

    def conflicts(
        self,
        node: dict[str, Any],
        update: dict[str, Any],
        at: list[object],
        loc: tuple[Token, ...],
    ) -> None:
        """Report every property of ``update`` that cannot merge with ``node``'s."""
        for key, new in update.items():
            if key not in node:
                continue
            old = node[key]
            if isinstance(old, dict) and isinstance(new, dict):
                self.conflicts(old, new, at + [key], loc + (key,))
            elif isinstance(old, list) and isinstance(new, list):
                continue
            elif isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
                self.bad(
                    at + [key],
                    f"update gives {_a(new)} for {_normalized(loc + (key,))}, which "
                    f"is {_a(old)}: objects merge with objects, arrays append to "
                    "arrays, primitives replace primitives (to replace it, remove "
                    "it in an action before this one)",
                )

    def merge(
        self, node: dict[str, Any], update: dict[str, Any], origin: Origin, mine: Origin
    ) -> None:
        for key, new in update.items():
            theirs: Origin = (mine[0], mine[1] + (key,))
            old = node.get(key)
            if key in node and isinstance(old, dict):
                self.merge(old, new, self.origins.child(node, key, origin), theirs)
            elif key in node and isinstance(old, list):
                self.append(old, new, self.origins.child(node, key, origin), theirs)
            else:
                node[key] = _tree(new)
                self.origins.set_key(node, key, theirs)

    def append(
        self, node: list[Any], update: Any, origin: Origin, mine: Origin
    ) -> None:
        items = self.origins.list_items(node, origin)
        if isinstance(update, list):
            node.extend(_tree(update))
            items.extend((mine[0], mine[1] + (str(i),)) for i in range(len(update)))
        else:
            node.append(_tree(update))
            items.append(mine)

    def _node(self, loc: Sequence[Token]) -> Any:
        node: Any = self.origins.data
        for key in loc:
            node = node[key]
        return node


def _normalized(loc: Sequence[Token]) -> str:
    """A location as an RFC 9535 normalized path: ``$['paths']['/x'][0]``."""
    parts = []
    for k in loc:
        if isinstance(k, int):
            parts.append(f"[{k}]")
        else:
            parts.append("['" + k.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "$" + "".join(parts)


def _a(value: Any) -> str:
    kind = "number" if json_type(value) == "integer" else json_type(value)
    return ("an " if kind[0] in "aeiou" else "a ") + kind

"""Overlay documents (Overlay Specification 1.0.0): read, check, targets compiled.

Every problem of every overlay file is reported at once, each located in its
file (line and JSON pointer) and naming the action by its index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
from jsonpath_rfc9535 import JSONPathError, JSONPathQuery

from .errors import Code, Finding, SpecError
from .load import LoadedSpec, load_spec, load_text
from .openapi import json_type, pointer

_VERSION = re.compile(r"^1\.0\.\d+$")  # the patch version is not considered
_TOP_FIELDS = ("overlay", "info", "extends", "actions")
_ACTION_FIELDS = ("target", "description", "update", "remove")

_Complain = Callable[[Sequence[object], str], None]


@dataclass(frozen=True)
class Action:
    """One action of an overlay, checked: its compiled target and what to do there."""

    index: int
    target: str
    query: JSONPathQuery
    remove: bool
    update: Any = None

    @property
    def name(self) -> str:
        return f"actions[{self.index}]"


@dataclass(frozen=True)
class Overlay:
    """An overlay document as read: its file (for locations and the digest) and its actions."""

    source: LoadedSpec
    actions: tuple[Action, ...]

    @property
    def display(self) -> str:
        return self.source.display

    def finding(self, tokens: Sequence[object], message: str) -> Finding:
        """A finding at ``tokens`` (a path in this overlay file), with its line."""
        return self.source.finding(pointer(tokens), message, code=Code.OVERLAY_INVALID)


def read_overlays(paths: Sequence[str | Path]) -> list[Overlay]:
    """Read and check overlay files; one :class:`SpecError` with the problems of all."""
    found: list[Overlay] = []
    problems: list[Finding] = []
    for path in paths:
        try:
            found.append(parse_overlay(load_spec(path)))
        except SpecError as exc:
            problems.extend(_as_overlay(f) for f in exc.findings)
    if problems:
        raise SpecError(problems)
    return found


def read_overlay_text(text: str, shown: str) -> Overlay:
    """An overlay from text already in memory (``diff`` reads them from git)."""
    try:
        return parse_overlay(load_text(text, shown))
    except SpecError as exc:
        raise SpecError([_as_overlay(f) for f in exc.findings]) from None


def _as_overlay(f: Finding) -> Finding:
    # load_text speaks of specs; this file is meant to be an overlay.
    if f.message.startswith("a spec must be"):
        return replace(f, message="an overlay" + f.message[len("a spec") :])
    return f


def parse_overlay(doc: LoadedSpec) -> Overlay:
    """Check an overlay document and compile its targets; :class:`SpecError` lists every problem."""
    data = doc.data
    problems: list[Finding] = []

    def bad(tokens: Sequence[object], message: str) -> None:
        problems.append(
            doc.finding(pointer(tokens), message, code=Code.OVERLAY_INVALID)
        )

    if "overlay" not in data:
        what = "an OpenAPI spec" if "openapi" in data or "swagger" in data else "it"
        bad((), f"not an overlay: {what} has no `overlay: 1.0.0` field")
        raise SpecError(problems)
    version = data["overlay"]
    if not isinstance(version, str):
        bad(
            ["overlay"],
            f"the overlay version must be a string such as '1.0.0', not {version!r}",
        )
    elif not _VERSION.match(version):
        bad(
            ["overlay"],
            f"unsupported Overlay version {version!r}: clientgen applies 1.0.x",
        )
    for key in data:
        if key not in _TOP_FIELDS and not key.startswith("x-"):
            bad(
                [key],
                f"unknown field {key!r} (an overlay has {', '.join(_TOP_FIELDS)})",
            )
    info = data.get("info")
    if not isinstance(info, dict):
        bad(["info"], "info must be an object with a title and a version")
    else:
        for key in ("title", "version"):
            if not isinstance(info.get(key), str):
                bad(["info", key], f"info.{key} must be a string")
    if "extends" in data and not isinstance(data["extends"], str):
        bad(["extends"], "extends must be a string (a URI reference)")
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        bad(["actions"], "an overlay needs a non-empty list of actions")
        actions = []
    compiled = [_action(i, a, bad) for i, a in enumerate(actions)]
    if problems:
        raise SpecError(problems)
    return Overlay(doc, tuple(a for a in compiled if a is not None))


def _action(i: int, raw: Any, bad: _Complain) -> Action | None:
    at: list[object] = ["actions", i]
    name = f"actions[{i}]"
    if not isinstance(raw, dict):
        bad(at, f"{name} must be an object with a target, not {json_type(raw)}")
        return None
    for key in raw:
        if key not in _ACTION_FIELDS and not key.startswith("x-"):
            hint = " (copy is Overlay 1.1)" if key == "copy" else ""
            bad(at + [key], f"{name}: unknown field {key!r}{hint}")
    target = raw.get("target")
    query = None
    if not isinstance(target, str):
        bad(at + ["target"], f"{name} needs a target, a JSONPath string")
    else:
        try:
            query = jsonpath_rfc9535.compile(target)
        except JSONPathError as exc:
            bad(
                at + ["target"],
                f"{name}: target {target} is not RFC 9535 JSONPath: {exc}",
            )
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        bad(at + ["remove"], f"{name}: remove must be true or false")
    elif remove and "update" in raw:
        bad(at, f"{name} has both update and remove: true; make them two actions")
    elif not remove and "update" not in raw:
        bad(at, f"{name} has neither update nor remove: true")
    if query is None or not isinstance(target, str) or not isinstance(remove, bool):
        return None
    return Action(i, target, query, remove, raw.get("update"))

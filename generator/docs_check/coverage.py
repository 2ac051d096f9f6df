"""After all pages: pair doc bodies with the spec's recorded examples, and list what no page shows.

The spec's examples say which page they came from (``summary: "From
x.md: ..."``). A doc body equal to one of them is that example; a body of the
same operation, status and page that equals none is paired with the
recorded example it differs from least, and the differences are drift (the
spec's copy is stale). Recorded examples no body was paired with, and
operations with no example at all, are coverage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from ..openapi import iter_media_types
from . import jsonish
from .decisions import decision_at
from .findings import DocFinding
from .match import Operation, SpecIndex
from .recorded import Recorded, diff, recorded_examples
from .targets import BodyTarget

Add = Callable[..., DocFinding]


@dataclass
class CheckedBody:
    """A doc body that was checked against a schema."""

    doc: str
    line: int
    op: Operation
    target: BodyTarget
    parsed: jsonish.Parsed
    clean: bool  # no problem found against the schema


def pair_examples(
    data: dict[str, Any], doc_files: set[str], bodies: list[CheckedBody], add: Add
) -> None:
    """Match findings for bodies that fit their schema; drift for recorded examples the page changed."""
    recorded: dict[str, list[Recorded]] = {}
    for media_ptr, _ctype, _media in iter_media_types(data):
        recorded[media_ptr] = [
            r for r in recorded_examples(data, media_ptr) if r.doc_file in doc_files
        ]
    paired: set[str] = set()
    same: dict[int, Recorded] = {}
    for n, body in enumerate(bodies):
        for rec in recorded.get(body.target.media_pointer, []):
            if (
                rec.pointer not in paired
                and rec.doc_file == FsPath(body.doc).name
                and _same(rec.value, body.parsed.value)
            ):
                paired.add(rec.pointer)
                same[n] = rec
                break
    changed: dict[int, tuple[Recorded, list[tuple[jsonish.Path, str]]]] = {}
    candidates = []
    for n, body in enumerate(bodies):
        if n in same:
            continue
        for rec in recorded.get(body.target.media_pointer, []):
            if rec.pointer not in paired and rec.doc_file == FsPath(body.doc).name:
                candidates.append((len(diff(body.parsed.value, rec.value)), n, rec))
    for _, n, rec in sorted(candidates, key=lambda c: (c[0], c[1])):
        if n in changed or rec.pointer in paired:
            continue
        paired.add(rec.pointer)
        changed[n] = (rec, diff(bodies[n].parsed.value, rec.value))
    for n, body in enumerate(bodies):
        if n in changed:
            rec, changes = changed[n]
            shown = "; ".join(text for _, text in changes[:4]) + (
                f"; and {len(changes) - 4} more" if len(changes) > 4 else ""
            )
            first_line = body.parsed.line_of(changes[0][0]) if changes else body.line
            add(
                "drift",
                "example-changed",
                body.doc,
                first_line,
                rec.pointer,
                f"{body.target.what} differs from the spec's example {rec.name}, recorded from this page: {shown}",
                body.op,
            )
        elif body.clean:
            note = f"; it is the spec's example {same[n].name}" if n in same else ""
            add(
                "match",
                "example",
                body.doc,
                body.line,
                body.target.schema_pointer,
                f"{body.target.what} fits its schema{note}",
                body.op,
            )
    for recs in recorded.values():
        for rec in recs:
            if rec.pointer not in paired:
                add(
                    "coverage",
                    "example-not-in-doc",
                    None,
                    None,
                    rec.pointer,
                    f"the spec's example {rec.name} says it comes from {rec.doc_file}, which no longer shows it",
                )


def operations_without_examples(
    index: SpecIndex,
    examples: dict[str, list[str]],
    mentions: dict[str, list[str]],
    data: dict[str, Any],
    add: Add,
) -> None:
    """A coverage finding for each operation no page shows an example of."""
    for op in index.operations:
        if op.pointer in examples:
            continue
        mentioned = mentions.get(op.pointer)
        extra = f"; the docs only name it ({', '.join(mentioned)})" if mentioned else ""
        add(
            "coverage",
            "no-example",
            None,
            None,
            op.pointer,
            f"{op.name} ({op.method} {op.path}) has no example in these docs{extra}",
            op,
            decision_at(data, op.pointer),
        )


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (so 1 and 1.0 differ, and True and 1 differ)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

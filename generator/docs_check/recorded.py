"""Examples the spec recorded from doc pages, and how a doc body differs from one.

An example whose summary says ``From <page>: ...`` was copied from that doc
page; docs-check pairs it with the page's body and reports what changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..openapi import deref, escape_pointer_token, resolve_pointer
from .bodies import loc
from .jsonish import Path

_FROM_DOC = re.compile(r"^\s*From\s+([^\s:]+)\s*:")


@dataclass(frozen=True)
class Recorded:
    """An example in the spec that says it came from a doc page (``summary: "From x.md: ..."``)."""

    name: str
    pointer: str  # of the example's value
    doc_file: str
    value: Any


def recorded_examples(data: dict[str, Any], media_pointer: str) -> list[Recorded]:
    """The media type's examples whose summary names the doc page they came from."""
    try:
        media = resolve_pointer(data, media_pointer)
    except KeyError:
        return []
    out: list[Recorded] = []
    examples = media.get("examples") if isinstance(media, dict) else None
    for name, example in (examples or {}).items():
        ex, _ = deref(data, example, "")
        if not isinstance(ex, dict) or "value" not in ex:
            continue
        m = _FROM_DOC.match(str(ex.get("summary") or ""))
        if m:
            out.append(
                Recorded(
                    name,
                    f"{media_pointer}/examples/{escape_pointer_token(name)}/value",
                    m.group(1),
                    ex["value"],
                )
            )
    return out


def diff(doc: Any, spec: Any, path: Path = ()) -> list[tuple[Path, str]]:
    """How a doc value differs from the spec's recorded one: (path, what changed)."""
    if isinstance(doc, dict) and isinstance(spec, dict):
        out: list[tuple[Path, str]] = []
        for key in doc:
            if key not in spec:
                out.append((path + (key,), f"{loc(path + (key,))} is new"))
            else:
                out.extend(diff(doc[key], spec[key], path + (key,)))
        for key in spec:
            if key not in doc:
                out.append((path, f"{loc(path + (key,))} is gone"))
        return out
    if isinstance(doc, list) and isinstance(spec, list):
        out = []
        for i, (a, b) in enumerate(zip(doc, spec, strict=False)):  # lengths: below
            out.extend(diff(a, b, path + (i,)))
        if len(doc) != len(spec):
            out.append(
                (path, f"{loc(path)} has {len(doc)} items instead of {len(spec)}")
            )
        return out
    if doc == spec and type(doc) is type(spec):
        return []
    return [(path, f"{loc(path)} is {_short(doc)} instead of {_short(spec)}")]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."

"""``diff``'s output: a text report (default), JSON, or Markdown."""

from __future__ import annotations

import json

from .model import Change


def _counts(changes: list[Change]) -> tuple[int, int]:
    breaking = sum(1 for c in changes if c.breaking)
    return breaking, len(changes) - breaking


def verdict(changes: list[Change]) -> str:
    breaking, other = _counts(changes)
    if not changes:
        return "no changes"
    if not breaking:
        return f"no breaking changes ({other} non-breaking)"
    return f"BREAKING: {breaking} breaking, {other} non-breaking"


def render_text(old: str, new: str, changes: list[Change]) -> str:
    lines = [f"{old} -> {new}: {verdict(changes)}"]
    for title, group in (
        ("Breaking", [c for c in changes if c.breaking]),
        ("Non-breaking", [c for c in changes if not c.breaking]),
    ):
        if not group:
            continue
        lines.append("")
        lines.append(f"{title} ({len(group)}):")
        for c in group:
            lines.append(f"  {c.location}: {c.message} [{c.rule}]")
            lines.append(f"      at {c.pointer}")
    return "\n".join(lines) + "\n"


def render_json(old: str, new: str, changes: list[Change]) -> str:
    breaking, other = _counts(changes)
    return (
        json.dumps(
            {
                "old": old,
                "new": new,
                "breaking": breaking,
                "non_breaking": other,
                "changes": [c.as_dict() for c in changes],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(old: str, new: str, changes: list[Change]) -> str:
    lines = [f"## Spec diff: `{old}` → `{new}`", "", f"**{verdict(changes)}**"]
    for title, group in (
        ("Breaking changes", [c for c in changes if c.breaking]),
        ("Non-breaking changes", [c for c in changes if not c.breaking]),
    ):
        if not group:
            continue
        lines += ["", f"### {title}", "", "| where | change | rule |", "|---|---|---|"]
        lines += [
            f"| {_md(c.location)} | {_md(c.message)} | `{c.rule}` |" for c in group
        ]
    return "\n".join(lines) + "\n"


def render(fmt: str, old: str, new: str, changes: list[Change]) -> str:
    """The report in ``fmt`` (``text``, ``json`` or ``markdown``)."""
    return {"text": render_text, "json": render_json, "markdown": render_markdown}[fmt](
        old, new, changes
    )

"""The docs-check report, as text for people and as JSON for tools."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .findings import GROUPS, DocFinding

_TITLES = {
    "match": "Matches: doc examples that agree with the spec",
    "drift": "Drift: where the spec no longer matches the docs",
    "defect": "Doc defects: sloppiness in the docs themselves (not the spec's fault)",
    "coverage": "Coverage: what the spec has and these docs do not show",
}
# drift kinds, in the report's order, under the headings the issue names
_DRIFT_KINDS = {
    "invalid": "examples invalid against the spec",
    "missing-required": "examples invalid against the spec",
    "undeclared-field": "examples invalid against the spec",
    "read-only-field": "examples invalid against the spec",
    "write-only-field": "examples invalid against the spec",
    "no-schema": "examples invalid against the spec",
    "table": "examples invalid against the spec",
    "example-changed": "examples changed since the spec recorded them",
    "endpoint-missing": "endpoints missing from the spec",
    "auth": "auth differs",
    "header": "headers, media types and parameters differ",
    "media": "headers, media types and parameters differ",
    "parameter": "headers, media types and parameters differ",
    "server": "servers differ",
}
_DRIFT_ORDER = list(dict.fromkeys(_DRIFT_KINDS.values()))


@dataclass
class DocsReport:
    """Everything docs-check found for one spec and its doc pages."""

    spec: str
    docs: list[str]
    findings: list[DocFinding] = field(default_factory=list)

    def group(self, name: str) -> list[DocFinding]:
        """The findings of one group, sorted by doc page (in command-line order) and line."""
        order = {d: i for i, d in enumerate(self.docs)}
        found = [f for f in self.findings if f.group == name]
        return sorted(
            found, key=lambda f: (order.get(f.doc or "", len(order)), f.line or 0)
        )

    @property
    def has_drift(self) -> bool:
        """Whether any finding is drift (docs-check then exits 1)."""
        return any(f.group == "drift" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """1 when there is drift, else 0."""
        return 1 if self.has_drift else 0

    def counts(self) -> dict[str, int]:
        """How many findings each group has."""
        return {g: len(self.group(g)) for g in GROUPS}


def render_text(report: DocsReport) -> str:
    """The report for a terminal: four groups, one finding per line, ``doc:line: pointer: message``."""
    out = [
        f"docs-check {report.spec} against {len(report.docs)} doc page(s): {', '.join(report.docs)}"
    ]
    for group in GROUPS:
        found = report.group(group)
        out.append("")
        out.append(f"{_TITLES[group]} ({len(found)})")
        if not found:
            out.append("  none")
            continue
        if group == "drift":
            for heading in _DRIFT_ORDER:
                sub = [f for f in found if _DRIFT_KINDS.get(f.kind, "other") == heading]
                if sub:
                    out.append(f"  {heading} ({len(sub)})")
                    out.extend(_lines(sub, "    "))
            other = [f for f in found if f.kind not in _DRIFT_KINDS]
            if other:
                out.append(f"  other ({len(other)})")
                out.extend(_lines(other, "    "))
        else:
            out.extend(_lines(found, "  ", tag=group == "defect"))
    counts = report.counts()
    verdict = "drift found (exit 1)" if report.has_drift else "no drift (exit 0)"
    out.append("")
    out.append(
        f"{counts['match']} matches, {counts['drift']} drift, {counts['defect']} doc defects, {counts['coverage']} coverage: {verdict}"
    )
    return "\n".join(out) + "\n"


def _lines(found: list[DocFinding], indent: str, tag: bool = False) -> list[str]:
    out = []
    for f in found:
        out.append(indent + f.format() + (f" [{f.kind}]" if tag else ""))
        if f.decision:
            out.append(indent + "  the spec records a decision at " + f.decision)
    return out


def render_json(report: DocsReport) -> str:
    """The report as one JSON document (``--format json``)."""
    doc: dict[str, Any] = {
        "spec": report.spec,
        "docs": report.docs,
        "exit_code": report.exit_code,
        "counts": report.counts(),
        "findings": {g: [f.to_json() for f in report.group(g)] for g in GROUPS},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

"""JSON bodies in a page (curl bodies, JSON blocks, SDK calls), checked against the operation's schemas.

A body is checked as the request or the response its label says (else the
one it fits best); every checked body is kept so that it can be paired with
the examples the spec recorded from the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..openapi import deref
from . import jsonish
from .bodies import BodyChecker
from .coverage import CheckedBody
from .curl import Curl
from .decisions import decision_near
from .findings import DocFinding
from .items import JsonItem, SdkCall
from .match import Operation, PageContext
from .targets import request_target, response_target

Add = Callable[..., DocFinding]


class BodyItems:
    """Checks the bodies of one spec's doc pages; findings go to ``add``."""

    def __init__(
        self,
        data: dict[str, Any],
        bodies: BodyChecker,
        add: Add,
        examples: dict[str, list[str]],
    ):
        self.data = data
        self.bodies = bodies
        self.add = add
        self.examples = examples  # op pointer -> "doc:line", shared with the page walk
        self.checked: list[CheckedBody] = []

    def curl_body(self, doc: str, op: Operation, c: Curl) -> None:
        """The body a curl command sends, as the request body of ``op``."""
        body = c.body
        if body is None:
            req, where = deref(
                self.data, op.data.get("requestBody"), op.pointer + "/requestBody"
            )
            if isinstance(req, dict) and req.get("required") is True:
                self.add(
                    "drift",
                    "invalid",
                    doc,
                    c.line,
                    where,
                    f"the curl sends no body, but {op.name} requires a request body",
                    op,
                )
            return
        if c.body_option not in ("data", "data-raw", "json"):
            return
        lines = body.lines or (body.line,)

        def line_of(offset: int) -> int:
            return lines[max(0, min(offset, len(lines) - 1))]

        try:
            parsed = jsonish.parse(body.value, line_of)
        except jsonish.JsonishError as exc:
            self.add(
                "defect",
                "unreadable-json",
                doc,
                exc.line,
                None,
                f"the curl's body is not JSON ({exc.message}); not checked",
            )
            return
        rest = body.value[parsed.end :].strip()
        if rest:
            self.add(
                "defect",
                "unreadable-json",
                doc,
                line_of(parsed.end),
                None,
                f"text follows the JSON in the curl's body: {rest[:30]!r}",
            )
        for r in parsed.repairs:
            self.add("defect", r.kind, doc, r.line, None, r.message)
        self.body(doc, body.line, op, "request", None, parsed)

    def json_item(self, doc: str, item: JsonItem, ctx: PageContext) -> None:
        """A JSON block: a request or response body of the operation the page is at."""
        if item.parsed is None:
            return
        role = item.role or ("response" if item.follows_curl else None)
        op = ctx.op
        if op is None and ctx.ambiguous:
            fitting = [
                o
                for o in ctx.ambiguous
                if (role == "request") == ("requestBody" in o.data)
            ]
            op = fitting[0] if len(fitting) == 1 else None
        if op is None:
            if ctx.missing:
                self.add(
                    "drift",
                    "endpoint-missing",
                    doc,
                    item.line,
                    "#/paths",
                    f"this {role or 'JSON'} example belongs to {ctx.missing} (line {ctx.missing_line}), which is not in the spec",
                )
            else:
                self.add(
                    "defect",
                    "unattached-example",
                    doc,
                    item.line,
                    None,
                    "no endpoint line, curl or heading before this JSON says which operation it is for; not checked",
                )
            return
        self.examples.setdefault(op.pointer, []).append(f"{doc}:{item.line}")
        if role is None:
            role = self.guess_role(op, item.parsed)
            self.add(
                "defect",
                "unlabelled-example",
                doc,
                item.line,
                None,
                f"nothing before this JSON says whether it is a request or a response; checked as the {role}, which it fits best",
            )
        self.body(doc, item.line, op, role, item.status, item.parsed)

    def guess_role(self, op: Operation, parsed: jsonish.Parsed) -> str:
        scores = {}
        for role in ("request", "response"):
            target, _ = (
                request_target(self.data, op.pointer, op.data, op.name)
                if role == "request"
                else response_target(self.data, op.pointer, op.data, op.name, None)
            )
            scores[role] = (
                len(
                    self.bodies.check(parsed.value, target.schema_pointer, parsed, role)
                )
                if target
                else 10**6
            )
        return "request" if scores["request"] < scores["response"] else "response"

    def sdk_call(self, doc: str, item: SdkCall, op: Operation) -> None:
        """An SDK call's literal arguments as the request body of ``op``."""
        self.examples.setdefault(op.pointer, []).append(f"{doc}:{item.line}")
        if not item.body and "requestBody" not in op.data:
            self.add(
                "match",
                "sdk",
                doc,
                item.line,
                op.pointer,
                f"{item.dotted}() is {op.name}",
                op,
            )
            return
        lines: dict[jsonish.Path, int] = {(): item.line}
        keys: dict[jsonish.Path, int] = {(k,): v for k, v in item.arg_lines.items()}
        parsed = jsonish.Parsed(item.body, 0, lines, keys)
        for name in item.skipped:
            self.add(
                "defect",
                "not-checked",
                doc,
                item.line,
                None,
                f"the argument {name} of {item.dotted}() is not a literal; it was not checked",
            )
        self.body(doc, item.line, op, "request", None, parsed)

    def body(
        self,
        doc: str,
        line: int,
        op: Operation,
        role: str,
        status: str | None,
        parsed: jsonish.Parsed,
    ) -> None:
        if role == "request":
            target, why = request_target(self.data, op.pointer, op.data, op.name)
            where = op.pointer + "/requestBody"
        else:
            target, why = response_target(
                self.data, op.pointer, op.data, op.name, status
            )
            where = op.pointer + "/responses"
        if target is None:
            self.add(
                "drift",
                "no-schema",
                doc,
                line,
                where,
                f"the doc shows a {role} body here, but {why}",
                op,
            )
            return
        problems = self.bodies.check(parsed.value, target.schema_pointer, parsed, role)
        for p in problems:
            self.add(
                "drift",
                p.kind,
                doc,
                parsed.line_of(p.path),
                p.schema_pointer,
                f"{target.what}: {p.message}",
                op,
                decision_near(self.data, p.schema_pointer),
            )
        self.checked.append(CheckedBody(doc, line, op, target, parsed, not problems))

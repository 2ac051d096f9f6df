"""Walk a page's items in order, match each to an operation, and check it.

The operation an item belongs to: its own method and URL (endpoint lines,
curl commands), its dotted name (SDK calls), else the nearest endpoint line,
curl or heading before it (JSON bodies, header tables). An endpoint the spec
does not have makes the bodies after it drift too, until the next endpoint.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from ..load import LoadedSpec
from ..openapi import deref, spec_version
from ..validate import example_validator
from .auth import SecurityIndex
from .bodies import BodyChecker
from .body_items import BodyItems
from .coverage import operations_without_examples, pair_examples
from .decisions import decision_near
from .extract import extract
from .findings import DocFinding
from .headers import HeaderChecker
from .items import (
    BaseUrl,
    CurlItem,
    Defect,
    Endpoint,
    HeaderItem,
    Heading,
    JsonItem,
    SdkCall,
    Table,
)
from .match import Operation, PageContext, SpecIndex, Target
from .tables import TableChecker


class DocsChecker:
    """Checks doc pages against one spec; call :meth:`check_doc` per page, then :meth:`finish`."""

    def __init__(self, spec: LoadedSpec):
        self.spec = spec
        self.data = spec.data
        self.index = SpecIndex(spec)
        self.security = SecurityIndex(spec.data)
        make = example_validator(spec, spec_version(spec.data) or "3.1")
        self.bodies = BodyChecker(spec.data, make)
        self.tables = TableChecker(self.bodies)
        self.headers = HeaderChecker(self.data, self.security, self.bodies, self.add)
        self.findings: list[DocFinding] = []
        self.examples: dict[str, list[str]] = {}  # op pointer -> "doc:line"
        self.body_items = BodyItems(self.data, self.bodies, self.add, self.examples)
        self.mentions: dict[str, list[str]] = {}
        self.doc_files: set[str] = set()

    # -- findings ----------------------------------------------------------------

    def add(
        self,
        group: str,
        kind: str,
        doc: str | None,
        line: int | None,
        pointer: str | None,
        message: str,
        op: Operation | None = None,
        decision: tuple[str, str] | None = None,
    ) -> DocFinding:
        finding = DocFinding(
            group,
            kind,
            message,
            doc,
            line,
            pointer,
            op.name if op else None,
            f"{decision[0]}: {decision[1]}" if decision else None,
        )
        self.findings.append(finding)
        return finding

    # -- pages -------------------------------------------------------------------

    def check_doc(self, doc: str, text: str) -> None:
        """Check every example of one page (``doc`` is how reports name it)."""
        self.doc_files.add(FsPath(doc).name)
        ctx = PageContext()
        for item in extract(text):
            handler = getattr(self, "_" + type(item).__name__.lower())
            handler(doc, item, ctx)

    def _heading(self, doc: str, item: Heading, ctx: PageContext) -> None:
        op = self.index.by_heading(item.text)
        if op is not None:
            ctx.set(op)

    def _defect(self, doc: str, item: Defect, ctx: PageContext) -> None:
        self.add("defect", item.kind, doc, item.line, None, item.message)

    def _endpoint(self, doc: str, item: Endpoint, ctx: PageContext) -> None:
        target = self.index.split(item.target)
        drift = self._server(doc, item.line, target)
        m, path = self.index.resolve(item.method, target)
        shown = f"{item.method or 'the URL'} {path}"
        if m.operation is not None:
            op = m.operation
            ctx.set(op)
            self.mentions.setdefault(op.pointer, []).append(f"{doc}:{item.line}")
            if not drift:
                self.add(
                    "match",
                    "endpoint",
                    doc,
                    item.line,
                    op.pointer,
                    f"{shown} is {op.name} ({op.method} {op.path}){self._via(op, m.via_doc_path)}",
                    op,
                )
        elif m.ambiguous:
            ctx.set(None)
            ctx.ambiguous = m.ambiguous
            names = ", ".join(o.name for o in m.ambiguous)
            self.add(
                "match",
                "endpoint",
                doc,
                item.line,
                self.index.path_pointer(m.ambiguous[0]),
                f"{shown} has several operations ({names}); the examples after it say which",
                m.ambiguous[0],
            )
        else:
            self._missing(doc, item.line, item.method, target, m.other_methods, ctx)

    def _via(self, op: Operation, via: str | None) -> str:
        if via is None:
            return ""
        return f", through its x-doc-paths entry {via} (the spec's path is {op.path})"

    def _missing(
        self,
        doc: str,
        line: int,
        method: str | None,
        target: Target,
        others: list[Operation],
        ctx: PageContext,
    ) -> None:
        shown = f"{method or 'the URL'} {target.path}"
        if others:
            methods = ", ".join(sorted({o.method for o in others}))
            self.add(
                "drift",
                "endpoint-missing",
                doc,
                line,
                self.index.path_pointer(others[0]),
                f"{shown} is not in the spec: the spec has {others[0].path} only for {methods}",
            )
        else:
            self.add(
                "drift",
                "endpoint-missing",
                doc,
                line,
                "#/paths",
                f"{shown} is not in the spec",
            )
        ctx.set(None)
        ctx.missing, ctx.missing_line = shown, line

    def _server(self, doc: str, line: int, target: Target) -> bool:
        if target.full_url and not target.under_server:
            urls = ", ".join(self.index.server_urls) or "none"
            self.add(
                "drift",
                "server",
                doc,
                line,
                "#/servers",
                f"{target.text} is under none of the spec's servers ({urls})",
            )
            return True
        return False

    def _baseurl(self, doc: str, item: BaseUrl, ctx: PageContext) -> None:
        if self.index.server_matches(item.url):
            self.add(
                "match",
                "server",
                doc,
                item.line,
                "#/servers",
                f"the base URL {item.url} is a server of the spec",
            )
        else:
            urls = ", ".join(self.index.server_urls) or "none"
            self.add(
                "drift",
                "server",
                doc,
                item.line,
                "#/servers",
                f"the base URL {item.url} is none of the spec's servers ({urls})",
            )

    # -- curl --------------------------------------------------------------------

    def _curlitem(self, doc: str, item: CurlItem, ctx: PageContext) -> None:
        c = item.curl
        if not c.url:
            self.add(
                "defect",
                "curl-option",
                doc,
                item.line,
                None,
                "this curl command has no URL; not checked",
            )
            return
        target = self.index.split(c.url)
        before = len(self._drift())
        self._server(doc, c.url_line, target)
        m, path = self.index.resolve(c.method, target)
        if m.operation is None:
            self._missing(doc, c.url_line, c.method, target, m.other_methods, ctx)
            return
        op = m.operation
        ctx.set(op)
        self.examples.setdefault(op.pointer, []).append(f"{doc}:{item.line}")
        self.headers.curl(doc, op, c, target.query)
        self._query(doc, c.url_line, op, target)
        self.body_items.curl_body(doc, op, c)
        if len(self._drift()) == before:
            self.add(
                "match",
                "curl",
                doc,
                item.line,
                op.pointer,
                f"curl {c.method} {path} is {op.name}{self._via(op, m.via_doc_path)}; its headers agree with the spec",
                op,
            )

    def _drift(self) -> list[DocFinding]:
        return [f for f in self.findings if f.group == "drift"]

    def _query(self, doc: str, line: int, op: Operation, target: Target) -> None:
        declared: dict[str, tuple[dict[str, Any], str]] = {}
        for params, base in (
            (op.item.get("parameters") or [], op.item_pointer + "/parameters"),
            (op.data.get("parameters") or [], op.pointer + "/parameters"),
        ):
            for i, param in enumerate(params):
                param, where = deref(self.data, param, f"{base}/{i}")
                if isinstance(param, dict) and param.get("in") == "query":
                    declared[str(param.get("name"))] = (param, where)
        keys = {s.query for s in self.security.schemes.values() if s.query}
        for name in target.query:
            if name not in declared and name not in keys:
                self.add(
                    "drift",
                    "parameter",
                    doc,
                    line,
                    op.pointer + "/parameters",
                    f"the query parameter {name} is not declared for {op.name}",
                    op,
                )
        for name, (param, where) in declared.items():
            if param.get("required") is True and name not in target.query:
                self.add(
                    "drift",
                    "parameter",
                    doc,
                    line,
                    where,
                    f"the required query parameter {name} is not in the doc's URL",
                    op,
                )

    def _headeritem(self, doc: str, item: HeaderItem, ctx: PageContext) -> None:
        self.headers.line(doc, item.header, ctx.op if item.header.from_table else None)

    def _table(self, doc: str, item: Table, ctx: PageContext) -> None:
        op = ctx.op
        if op is None:
            return
        found = self.tables.check(item, op, self.data)
        for group, kind, line, ptr, message in found:
            self.add(
                group,
                kind,
                doc,
                line,
                ptr,
                message,
                op,
                decision_near(self.data, ptr) if group == "drift" else None,
            )
        if not found and item.role is not None and item.rows:
            label = item.label.rstrip(":") or "untitled"
            self.add(
                "match",
                "table",
                doc,
                item.line,
                op.pointer,
                f"the doc's {label!r} table ({len(item.rows)} rows) agrees with {op.name} in the spec",
                op,
            )

    # -- JSON bodies and SDK calls -----------------------------------------------------

    def _jsonitem(self, doc: str, item: JsonItem, ctx: PageContext) -> None:
        self.body_items.json_item(doc, item, ctx)

    def _sdkcall(self, doc: str, item: SdkCall, ctx: PageContext) -> None:
        op = self.index.by_sdk_call(item.dotted)
        if op is None:
            return  # some other call of the sample (os.getenv, print, ...)
        ctx.set(op)
        self.body_items.sdk_call(doc, item, op)

    # -- after all pages -----------------------------------------------------------------

    def finish(self) -> list[DocFinding]:
        """Pair bodies with the spec's recorded examples, add coverage; every finding."""
        pair_examples(self.data, self.doc_files, self.body_items.checked, self.add)
        operations_without_examples(
            self.index, self.examples, self.mentions, self.data, self.add
        )
        return self.findings

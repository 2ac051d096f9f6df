"""Walk a page's items in order, match each to an operation, and check it.

The operation an item belongs to: its own method and URL (endpoint lines,
curl commands), its dotted name (SDK calls), else the nearest endpoint line,
curl or heading before it (JSON bodies, header tables). An endpoint the spec
does not have makes the bodies after it drift too, until the next endpoint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from ..errors import escape_pointer_token
from ..load import LoadedSpec
from ..validate import (
    _deref,
    _example_validator_factory,
    iter_media_types,
    resolve_pointer,
    spec_version,
)
from . import jsonish
from .auth import (
    STANDARD_HEADERS,
    SecurityIndex,
    _CREDENTIAL_NAME,
    header_params,
    media_matches,
    value_defects,
)
from .bodies import (
    BodyChecker,
    BodyTarget,
    Recorded,
    decision_near,
    diff,
    json_media,
    recorded_examples,
    request_target,
    response_target,
)
from .curl import Curl, Header
from .extract import extract
from .findings import DocFinding
from .items import (
    BaseUrl,
    CurlItem,
    Defect,
    Endpoint,
    Heading,
    HeaderItem,
    Item,
    JsonItem,
    SdkCall,
    Table,
)
from .match import Operation, SpecIndex, Target
from .tables import TableChecker


@dataclass
class _Context:
    """What the page is talking about at the current line."""

    op: Operation | None = None
    ambiguous: list[Operation] = field(default_factory=list)
    missing: str | None = (
        None  # "POST /v1/embeddings" when the last endpoint is not in the spec
    )
    missing_line: int = 0

    def set(self, op: Operation | None) -> None:
        self.op, self.ambiguous, self.missing = op, [], None


@dataclass
class _Body:
    """A doc body that was checked, kept for pairing with the spec's recorded examples."""

    doc: str
    line: int
    op: Operation
    target: BodyTarget
    parsed: jsonish.Parsed
    clean: bool  # no problem found against the schema


class DocsChecker:
    """Checks doc pages against one spec; call :meth:`check_doc` per page, then :meth:`finish`."""

    def __init__(self, spec: LoadedSpec):
        self.spec = spec
        self.data = spec.data
        self.index = SpecIndex(spec)
        self.security = SecurityIndex(spec.data)
        make = _example_validator_factory(spec, spec_version(spec.data) or "3.1")
        self.bodies = BodyChecker(spec.data, make)
        self.tables = TableChecker(self.bodies)
        self.findings: list[DocFinding] = []
        self.examples: dict[str, list[str]] = {}  # op pointer -> "doc:line"
        self.mentions: dict[str, list[str]] = {}
        self.checked_bodies: list[_Body] = []
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
        ctx = _Context()
        for item in extract(text):
            handler = getattr(self, "_" + type(item).__name__.lower())
            handler(doc, item, ctx)

    def _heading(self, doc: str, item: Heading, ctx: _Context) -> None:
        op = self.index.by_heading(item.text)
        if op is not None:
            ctx.set(op)

    def _defect(self, doc: str, item: Defect, ctx: _Context) -> None:
        self.add("defect", item.kind, doc, item.line, None, item.message)

    def _endpoint(self, doc: str, item: Endpoint, ctx: _Context) -> None:
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
        ctx: _Context,
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

    def _baseurl(self, doc: str, item: BaseUrl, ctx: _Context) -> None:
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

    def _curlitem(self, doc: str, item: CurlItem, ctx: _Context) -> None:
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
        self._curl_headers(doc, op, c, target.query)
        self._query(doc, c.url_line, op, target)
        self._curl_body(doc, op, c)
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

    def _curl_body(self, doc: str, op: Operation, c: Curl) -> None:
        body = c.body
        if body is None:
            req, where = _deref(
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
        self._body(doc, body.line, op, "request", None, parsed)

    def _query(self, doc: str, line: int, op: Operation, target: Target) -> None:
        declared: dict[str, tuple[dict[str, Any], str]] = {}
        item = self.data["paths"][op.path]
        for params, base in (
            (item.get("parameters") or [], self.index.path_pointer(op) + "/parameters"),
            (op.data.get("parameters") or [], op.pointer + "/parameters"),
        ):
            for i, param in enumerate(params):
                param, where = _deref(self.data, param, f"{base}/{i}")
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

    def _curl_headers(self, doc: str, op: Operation, c: Curl, query: list[str]) -> None:
        params = header_params(self.data, op, self.data["paths"][op.path])
        alternatives, sec_ptr = self.security.requirements(op)
        used: set[str] = set().union(*alternatives) if alternatives else set()
        sent: set[str] = set()
        names = {h.name.lower() for h in c.headers}
        strangers: list[Header] = []
        for h in c.headers:
            lname = h.name.lower()
            schemes, bad = self.security.for_header(h)
            if bad is not None:
                strangers.append(h)
                continue
            if schemes:
                # one header can carry several schemes (two bearer schemes):
                # it is the one the operation uses, when there is one
                mine = [s.name for s in schemes if s.name in used]
                sent.update(mine or [s.name for s in schemes])
                self._value_defects(doc, h, True)
                continue
            if self._known_header(doc, op, h, params, body=c.body is not None):
                continue
            if _CREDENTIAL_NAME.search(h.name):
                strangers.append(h)
                self._value_defects(doc, h, True)
                continue
            self.add(
                "drift",
                "header",
                doc,
                h.line,
                op.pointer + "/parameters",
                f"the curl sends the header {h.name}, which the spec does not declare for {op.name}",
                op,
            )
        # an API key in the query string counts as sent
        sent.update(
            n
            for n, sch in self.security.schemes.items()
            if sch.query and sch.query in query
        )
        needed = _minimal(alternatives)
        if needed and set() not in needed and not any(alt <= sent for alt in needed):
            expected = " or ".join(
                " + ".join(
                    self.security.schemes[n].describe()
                    for n in sorted(alt)
                    if n in self.security.schemes
                )
                for alt in needed
            )
            first = next(iter(sorted(needed[0])))
            ptr = (
                self.security.schemes[first].pointer
                if first in self.security.schemes
                else sec_ptr
            )
            if strangers:
                shown = ", ".join(_describe_header(h) for h in strangers)
                self.add(
                    "drift",
                    "auth",
                    doc,
                    strangers[0].line,
                    ptr,
                    f"the curl authenticates with {shown}, but the spec's {op.name} expects {expected}",
                    op,
                )
            else:
                self.add(
                    "drift",
                    "auth",
                    doc,
                    c.line,
                    ptr,
                    f"the curl sends no credential, but the spec's {op.name} expects {expected}",
                    op,
                )
        else:
            for h in strangers:
                self.add(
                    "drift",
                    "auth",
                    doc,
                    h.line,
                    "#/components/securitySchemes",
                    f"the curl also sends {_describe_header(h)}, which is none of the spec's security schemes",
                    op,
                )
        for name in sorted(sent - used) if alternatives else []:
            scheme = self.security.schemes[name]
            self.add(
                "drift",
                "auth",
                doc,
                c.line,
                sec_ptr,
                f"the curl sends {scheme.describe()}, which {op.name}'s security does not use",
                op,
            )
        for lname, (param, where) in params.items():
            if param.get("required") is True and lname not in names:
                schema = param.get("schema")
                schema = schema if isinstance(schema, dict) else {}
                fixed = f": {schema['const']}" if "const" in schema else ""
                self.add(
                    "drift",
                    "header",
                    doc,
                    c.line,
                    where,
                    f"the curl does not send {param.get('name')}{fixed}, which the spec requires for {op.name}",
                    op,
                )
        content_type = next(
            (h for h in c.headers if h.name.lower() == "content-type"), None
        )
        if (
            c.body is not None
            and content_type is None
            and c.body_option in ("data", "data-raw")
        ):
            body_ptr = op.pointer + "/requestBody"
            decision = _own_decision(self.data, body_ptr)
            self.add(
                "defect",
                "body-without-content-type",
                doc,
                c.body.line,
                body_ptr,
                "the curl sends a JSON body with -d but no Content-Type header, so curl labels it application/x-www-form-urlencoded",
                op,
                decision,
            )

    def _known_header(
        self,
        doc: str,
        op: Operation | None,
        h: Header,
        params: dict[str, tuple[dict[str, Any], str]],
        body: bool | None,
    ) -> bool:
        """Check a header that is not a credential; False when the spec does not know it."""
        lname = h.name.lower()
        if lname in params:
            param, where = params[lname]
            if (
                "schema" in param
                and not h.from_table
                or "schema" in param
                and h.from_table
                and h.value
            ):
                if not self.bodies._fits(where + "/schema", h.value):
                    schema = param.get("schema") or {}
                    fixed = (
                        f" (the spec fixes it to {schema['const']})"
                        if isinstance(schema, dict) and "const" in schema
                        else ""
                    )
                    self.add(
                        "drift",
                        "header",
                        doc,
                        h.line,
                        where + "/schema",
                        f"{h.name}: {h.value} does not match the spec's schema{fixed}",
                        op,
                    )
            return True
        if lname == "content-type":
            if op is None or h.implicit:
                return True
            if body is False:
                self.add(
                    "defect",
                    "content-type-without-body",
                    doc,
                    h.line,
                    None,
                    f"Content-Type: {h.value} is sent without a body",
                )
                return True
            req, where = _deref(
                self.data, op.data.get("requestBody"), op.pointer + "/requestBody"
            )
            content = req.get("content") if isinstance(req, dict) else None
            offered = list(content) if isinstance(content, dict) else []
            if body and offered and not media_matches(h.value, offered):
                self.add(
                    "drift",
                    "media",
                    doc,
                    h.line,
                    where + "/content",
                    f"Content-Type: {h.value}, but the spec's request body of {op.name} is {', '.join(offered)}",
                    op,
                )
            return True
        if lname == "accept":
            if op is None:
                return True
            offered = self._response_media(op)
            if offered and not media_matches(h.value, offered):
                self.add(
                    "drift",
                    "media",
                    doc,
                    h.line,
                    op.pointer + "/responses",
                    f"Accept: {h.value}, but {op.name} responds with {', '.join(offered)} in the spec",
                    op,
                )
            return True
        return lname in STANDARD_HEADERS

    def _response_media(self, op: Operation) -> list[str]:
        out: list[str] = []
        for status, resp in (op.data.get("responses") or {}).items():
            resp, _ = _deref(self.data, resp, "")
            if isinstance(resp, dict) and isinstance(resp.get("content"), dict):
                out.extend(k for k in resp["content"] if k not in out)
        return out

    def _value_defects(self, doc: str, h: Header, credential: bool) -> None:
        for p in value_defects(h, credential):
            self.add(p.group, p.kind, doc, p.line, None, p.message)

    # -- header lines and tables ---------------------------------------------------

    def _headeritem(self, doc: str, item: HeaderItem, ctx: _Context) -> None:
        h = item.header
        op = ctx.op if h.from_table else None
        schemes, bad = self.security.for_header(h)
        if bad is not None:
            ptr = next(
                (
                    s.pointer
                    for s in self.security.schemes.values()
                    if s.header == "authorization"
                ),
                "#/components/securitySchemes",
            )
            self.add(
                "drift",
                "auth",
                doc,
                h.line,
                ptr,
                f"the doc {bad.removeprefix('sends ')}",
                op,
            )
            return
        if schemes:
            self._value_defects(doc, h, True)
            self.add(
                "match",
                "auth",
                doc,
                h.line,
                schemes[0].pointer,
                f"the header {h.name} is the spec's {schemes[0].name} security scheme",
                op,
            )
            return
        params = header_params(self.data, op, self.data["paths"][op.path]) if op else {}
        if self._known_header(doc, op, h, params, body=None):
            return
        if op is None and self.security.header_anywhere(h.name.lower()):
            return
        if _CREDENTIAL_NAME.search(h.name):
            schemes_text = (
                ", ".join(s.describe() for s in self.security.schemes.values())
                or "none"
            )
            self.add(
                "drift",
                "auth",
                doc,
                h.line,
                "#/components/securitySchemes",
                f"the doc sends {h.name}, which is none of the spec's security schemes ({schemes_text})",
                op,
            )
            self._value_defects(doc, h, True)
            return
        where = op.pointer + "/parameters" if op else "#/paths"
        self.add(
            "drift",
            "header",
            doc,
            h.line,
            where,
            f"the doc sends the header {h.name}, which the spec does not declare{' for ' + op.name if op else ''}",
            op,
        )

    def _table(self, doc: str, item: Table, ctx: _Context) -> None:
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

    def _jsonitem(self, doc: str, item: JsonItem, ctx: _Context) -> None:
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
            role = self._guess_role(op, item.parsed)
            self.add(
                "defect",
                "unlabelled-example",
                doc,
                item.line,
                None,
                f"nothing before this JSON says whether it is a request or a response; checked as the {role}, which it fits best",
            )
        self._body(doc, item.line, op, role, item.status, item.parsed)

    def _guess_role(self, op: Operation, parsed: jsonish.Parsed) -> str:
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

    def _sdkcall(self, doc: str, item: SdkCall, ctx: _Context) -> None:
        op = self.index.by_sdk_call(item.dotted)
        if op is None:
            return  # some other call of the sample (os.getenv, print, ...)
        ctx.set(op)
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
        self._body(doc, item.line, op, "request", None, parsed)

    def _body(
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
        self.checked_bodies.append(_Body(doc, line, op, target, parsed, not problems))

    # -- after all pages -----------------------------------------------------------------

    def finish(self) -> list[DocFinding]:
        """Pair bodies with the spec's recorded examples, add coverage; every finding."""
        self._pair_examples()
        for op in self.index.operations:
            if op.pointer in self.examples:
                continue
            mentioned = self.mentions.get(op.pointer)
            extra = (
                f"; the docs only name it ({', '.join(mentioned)})" if mentioned else ""
            )
            self.add(
                "coverage",
                "no-example",
                None,
                None,
                op.pointer,
                f"{op.name} ({op.method} {op.path}) has no example in these docs{extra}",
                op,
                _own_decision(self.data, op.pointer),
            )
        return self.findings

    def _pair_examples(self) -> None:
        recorded: dict[str, list[Recorded]] = {}
        for media_ptr, _ctype, _media in iter_media_types(self.data):
            recorded[media_ptr] = [
                r
                for r in recorded_examples(self.data, media_ptr)
                if r.doc_file in self.doc_files
            ]
        paired: set[str] = set()
        same: dict[int, Recorded] = {}
        for n, body in enumerate(self.checked_bodies):
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
        for n, body in enumerate(self.checked_bodies):
            if n in same:
                continue
            for rec in recorded.get(body.target.media_pointer, []):
                if rec.pointer not in paired and rec.doc_file == FsPath(body.doc).name:
                    candidates.append((len(diff(body.parsed.value, rec.value)), n, rec))
        for _, n, rec in sorted(candidates, key=lambda c: (c[0], c[1])):
            if n in changed or rec.pointer in paired:
                continue
            paired.add(rec.pointer)
            changed[n] = (rec, diff(body_value(self.checked_bodies[n]), rec.value))
        for n, body in enumerate(self.checked_bodies):
            if n in changed:
                rec, changes = changed[n]
                shown = "; ".join(text for _, text in changes[:4]) + (
                    f"; and {len(changes) - 4} more" if len(changes) > 4 else ""
                )
                first_line = (
                    body.parsed.line_of(changes[0][0]) if changes else body.line
                )
                self.add(
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
                self.add(
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
                    self.add(
                        "coverage",
                        "example-not-in-doc",
                        None,
                        None,
                        rec.pointer,
                        f"the spec's example {rec.name} says it comes from {rec.doc_file}, which no longer shows it",
                    )


def body_value(body: _Body) -> Any:
    return body.parsed.value


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (so 1 and 1.0 differ, and True and 1 differ)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _minimal(alternatives: list[set[str]]) -> list[set[str]]:
    """Security alternatives without the ones that merely add optional credentials."""
    return [a for a in alternatives if not any(b < a for b in alternatives)]


def _describe_header(h: Header) -> str:
    if h.name.lower() == "authorization" and h.value.strip():
        return f"Authorization: {h.value.split(None, 1)[0]} ..."
    return h.name


def _own_decision(data: dict[str, Any], ptr: str) -> tuple[str, str] | None:
    node, where = _deref(data, _get(data, ptr), ptr)
    if isinstance(node, dict) and isinstance(node.get("x-doc-decision"), str):
        return where, " ".join(node["x-doc-decision"].split())
    return None


def _get(data: dict[str, Any], ptr: str) -> Any:
    try:
        return resolve_pointer(data, ptr)
    except KeyError:
        return None


__all__ = ["DocsChecker", "escape_pointer_token", "json_media"]

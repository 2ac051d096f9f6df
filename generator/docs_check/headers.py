"""The headers of a doc's curl, header lines and HEADERS tables against the spec.

A header is one of:

- a credential of a security scheme (an ``apiKey`` header, ``Authorization``
  with the scheme's ``Bearer``/``Basic`` prefix; an API key in the query
  string counts too). One that fits two schemes (two bearer schemes) is the
  one the operation uses;
- a header parameter of the operation; a fixed one (``required`` with a
  ``const``) must carry exactly that value, and a curl that leaves it out
  drifts from the spec;
- ``Content-Type``: must be a media type of the operation's request body when
  a body is sent; with no body it is harmless sloppiness (a doc defect); a
  JSON body sent with ``-d`` and no ``Content-Type`` is a doc defect too
  (curl labels it ``application/x-www-form-urlencoded``), and the spec's
  recorded decision about it is quoted;
- ``Accept``: must accept one of the operation's response media types (the
  spec declares no ``Accept`` parameter: generated clients derive it from
  the responses);
- another standard HTTP header (``User-Agent``, ...), which is fine;
- anything else: drift (a header the spec does not know), reported as an
  auth difference when its name looks like a credential.

Credential values never appear in messages, except recognised placeholders
(``YOUR_API_KEY``, ``<api_key>``, ``$API_KEY``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..openapi import deref
from .auth import (
    CREDENTIAL_NAME,
    STANDARD_HEADERS,
    SecurityIndex,
    header_params,
    media_matches,
    value_defects,
)
from .bodies import BodyChecker
from .curl import Curl, Header
from .decisions import decision_at
from .findings import DocFinding
from .match import Operation

Add = Callable[..., DocFinding]


class HeaderChecker:
    """Checks headers against one spec's security schemes and header parameters."""

    def __init__(
        self,
        data: dict[str, Any],
        security: SecurityIndex,
        bodies: BodyChecker,
        add: Add,
    ):
        self.data = data
        self.security = security
        self.bodies = bodies
        self.add = add

    def curl(self, doc: str, op: Operation, c: Curl, query: list[str]) -> None:
        """The headers (and query credentials) of a curl command for ``op``."""
        params = header_params(self.data, op)
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
            if self._known(doc, op, h, params, body=c.body is not None):
                continue
            if CREDENTIAL_NAME.search(h.name):
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
            decision = decision_at(self.data, body_ptr)
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

    def _known(
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
            ) and not self.bodies._fits(where + "/schema", h.value):
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
            req, where = deref(
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
        for resp in (op.data.get("responses") or {}).values():
            resp, _ = deref(self.data, resp, "")
            if isinstance(resp, dict) and isinstance(resp.get("content"), dict):
                out.extend(k for k in resp["content"] if k not in out)
        return out

    def _value_defects(self, doc: str, h: Header, credential: bool) -> None:
        for p in value_defects(h, credential):
            self.add(p.group, p.kind, doc, p.line, None, p.message)

    # -- header lines and tables ---------------------------------------------------

    def line(self, doc: str, h: Header, op: Operation | None) -> None:
        """A header on a line of its own (``op`` is None) or in a HEADERS table of ``op``."""
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
        params = header_params(self.data, op) if op else {}
        if self._known(doc, op, h, params, body=None):
            return
        if op is None and self.security.header_anywhere(h.name.lower()):
            return
        if CREDENTIAL_NAME.search(h.name):
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


def _minimal(alternatives: list[set[str]]) -> list[set[str]]:
    """Security alternatives without the ones that merely add optional credentials."""
    return [a for a in alternatives if not any(b < a for b in alternatives)]


def _describe_header(h: Header) -> str:
    """How a report names a credential header without showing its value."""
    if h.name.lower() == "authorization" and h.value.strip():
        return f"Authorization: {h.value.split(None, 1)[0]} ..."
    return h.name

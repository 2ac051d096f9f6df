"""Security schemes by the header (or query parameter) that carries them, and header helpers.

Used by :mod:`.headers`, which has the rules a doc's headers are checked by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..openapi import deref, escape_pointer_token, iter_parameters
from .curl import Header
from .match import Operation

STANDARD_HEADERS = {
    "accept-encoding",
    "accept-language",
    "cache-control",
    "connection",
    "content-length",
    "host",
    "origin",
    "referer",
    "user-agent",
    "pragma",
    "if-none-match",
    "if-match",
    "if-modified-since",
    "expect",
    "te",
}
# Header names that look like they carry a credential.
CREDENTIAL_NAME = re.compile(
    r"auth|token|key|secret|session|bearer|signature|credential", re.IGNORECASE
)
_PLACEHOLDER = re.compile(
    r"^(?:YOUR[_-][A-Z0-9_-]+|<[^<>]+>|\{\{?[^{}]+\}\}?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\[[^\]]+\]|x{3,}|\*{3,}|\.\.\.|api_key|api_token|token|key)$",
    re.IGNORECASE,
)
_SHELL_VAR = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


@dataclass(frozen=True)
class HeaderProblem:
    """One finding about a header: ``group`` is ``drift``, ``defect`` or ``match``."""

    group: str
    kind: str
    line: int
    message: str
    pointer: str


@dataclass(frozen=True)
class Scheme:
    name: str
    pointer: str
    header: str | None  # lower-case header name
    prefix: str | None  # "bearer"/"basic" for Authorization
    query: str | None
    header_name: str = ""  # as the spec spells it

    def describe(self) -> str:
        """``X-Api-Key (ApiKeyAuth)``, ``Authorization: Bearer (BearerAuth)``."""
        if self.prefix:
            return f"Authorization: {self.prefix.capitalize()} ({self.name})"
        if self.header:
            return f"{self.header_name} ({self.name})"
        if self.query:
            return f"the query parameter {self.query} ({self.name})"
        return self.name


class SecurityIndex:
    """The spec's security schemes, by the header (or query parameter) they use."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.schemes: dict[str, Scheme] = {}
        comps = (
            data.get("components") if isinstance(data.get("components"), dict) else {}
        )
        for name, scheme in ((comps or {}).get("securitySchemes") or {}).items():
            where = f"#/components/securitySchemes/{escape_pointer_token(name)}"
            scheme, where = deref(data, scheme, where)
            if not isinstance(scheme, dict):
                continue
            kind = scheme.get("type")
            header = prefix = query = None
            display = ""
            if kind == "apiKey" and scheme.get("in") == "header":
                display = str(scheme.get("name"))
                header = display.lower()
            elif kind == "apiKey" and scheme.get("in") == "query":
                query = str(scheme.get("name"))
            elif kind == "apiKey" and scheme.get("in") == "cookie":
                header = "cookie"
                display = "Cookie"
            elif kind == "http":
                header, display = "authorization", "Authorization"
                prefix = str(scheme.get("scheme") or "bearer").lower()
            elif kind in ("oauth2", "openIdConnect"):
                header, display, prefix = "authorization", "Authorization", "bearer"
            self.schemes[name] = Scheme(name, where, header, prefix, query, display)

    def requirements(self, op: Operation) -> tuple[list[set[str]], str]:
        """The operation's security alternatives (sets of scheme names) and where they are."""
        if "security" in op.data:
            sec, where = op.data["security"], op.pointer + "/security"
        else:
            sec, where = self.data.get("security") or [], "#/security"
        alternatives = [set(req) for req in sec if isinstance(req, dict)]
        return alternatives, where

    def for_header(self, header: Header) -> tuple[list[Scheme], str | None]:
        """The schemes this header carries, and a problem when ``Authorization`` has another prefix."""
        lname = header.name.lower()
        found = [s for s in self.schemes.values() if s.header == lname]
        if lname != "authorization" or not found:
            return found, None
        prefix = header.value.split(None, 1)[0].lower() if header.value.strip() else ""
        same = [s for s in found if s.prefix == prefix]
        if same:
            return same, None
        wanted = " or ".join(sorted({(s.prefix or "").capitalize() for s in found}))
        return (
            [],
            f"sends Authorization: {prefix.capitalize() or '(empty)'} ..., but the spec's {found[0].name} expects {wanted}",
        )

    def header_anywhere(self, lname: str) -> bool:
        """Whether any operation declares a header parameter with this name."""
        return any(
            param.get("in") == "header" and str(param.get("name", "")).lower() == lname
            for param, _ in iter_parameters(self.data)
        )


def header_params(
    data: dict[str, Any], op: Operation
) -> dict[str, tuple[dict[str, Any], str]]:
    """The operation's header parameters by lower-case name: (parameter, pointer)."""
    out: dict[str, tuple[dict[str, Any], str]] = {}
    lists = [
        (op.item.get("parameters") or [], op.item_pointer + "/parameters"),
        (op.data.get("parameters") or [], op.pointer + "/parameters"),
    ]
    for params, base in lists:
        for i, param in enumerate(params):
            param, where = deref(data, param, f"{base}/{i}")
            if isinstance(param, dict) and param.get("in") == "header":
                out[str(param.get("name", "")).lower()] = (param, where)
    return out


def value_defects(header: Header, credential: bool) -> list[HeaderProblem]:
    """Placeholders, empty keys and unexpanded shell variables in a header value (doc defects)."""
    if header.from_table or header.implicit:
        return []
    value = header.value.strip()
    token = (
        value.split(None, 1)[1]
        if header.name.lower() == "authorization" and " " in value
        else value
    )
    if (
        header.name.lower() == "authorization"
        and " " not in value
        and value.lower() in ("bearer", "basic")
    ):
        token = ""
    out: list[HeaderProblem] = []
    if credential and not token:
        out.append(
            HeaderProblem(
                "defect",
                "empty-credential",
                header.line,
                f"{header.name} is sent with an empty value: there is no key in it",
                "",
            )
        )
        return out
    if header.single_quoted and _SHELL_VAR.search(token):
        out.append(
            HeaderProblem(
                "defect",
                "unexpanded-variable",
                header.line,
                f"{header.name} uses {_SHELL_VAR.search(token).group()} inside single quotes, so the shell sends those characters, not the variable's value",  # type: ignore[union-attr]
                "",
            )
        )
    elif credential and _PLACEHOLDER.match(token):
        out.append(
            HeaderProblem(
                "defect",
                "placeholder",
                header.line,
                f"{header.name} carries the placeholder {token}: replace it with a real value to run this",
                "",
            )
        )
    return out


def media_matches(wanted: str, offered: list[str]) -> bool:
    """Whether an Accept/Content-Type value covers one of the spec's media types."""
    ranges = [w.split(";")[0].strip().lower() for w in wanted.split(",") if w.strip()]
    for r in ranges:
        rtype, _, rsub = r.partition("/")
        for media in offered:
            mtype, _, msub = media.split(";")[0].strip().lower().partition("/")
            if (rtype in ("*", mtype)) and (rsub in ("*", msub)):
                return True
    return False

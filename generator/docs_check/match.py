"""Which spec operation a doc's method and URL (or heading, or SDK call) means.

Doc URLs are full (``https://api.x.com/v1/models``) or start at the host
(``/api/v1/models``); either way the spec's server URL, or just its base path,
is stripped before matching against the spec's path templates. A template
segment matches any one segment (several with ``x-allow-slash``), a doc
placeholder segment (``{model}``, ``<model>``, ``:model``) matches only a
template segment, and a path with more literal segments beats one with fewer
(``/models/getmodels`` before ``/models/{id}``). An operation's
``x-doc-paths`` lists other paths the docs use for it; those match too, and
the match says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import Pattern
from typing import Any
from urllib.parse import urlsplit

from ..load import LoadedSpec
from ..openapi import deref, iter_operations, path_item

_PARAM_SEGMENT = re.compile(r"^(?:\{\{?[^{}/]+\}\}?|<[^<>/]+>|:[A-Za-z_]\w*)$")
_DOC_PARAM = "\x00"  # stands for a doc placeholder segment while matching
_ARTICLES = {"a", "an", "the", "of", "for", "by"}
_METHOD_WORDS = {"get", "post", "put", "patch", "delete", "head", "options"}


@dataclass
class Operation:
    """One operation of the spec, ready to be matched."""

    method: str  # upper case
    path: str
    pointer: str
    data: dict[str, Any] = field(repr=False)
    item: dict[str, Any] = field(repr=False)  # the path item, a $ref followed
    item_pointer: str  # where the path item's content is
    op_id: str | None
    regex: Pattern[str]
    literals: int
    doc_paths: list[tuple[str, Pattern[str], int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """How reports name it: the operationId, else method and path."""
        return self.op_id or f"{self.method} {self.path}"


@dataclass
class Match:
    """The result of matching a method and path."""

    operation: Operation | None = None
    via_doc_path: str | None = None  # the x-doc-paths entry that matched
    ambiguous: list[Operation] = field(
        default_factory=list
    )  # no method given, several fit
    other_methods: list[Operation] = field(
        default_factory=list
    )  # the path exists, the method does not


@dataclass
class Target:
    """A doc URL or path, split into what the spec's paths are matched against."""

    text: str
    path: str  # with the server or base path stripped, no query
    query: list[str]
    full_url: bool
    under_server: bool  # False: a full URL under none of the spec's servers
    guesses: list[str] = field(
        default_factory=list
    )  # other readings of the path, when not under a server


@dataclass
class PageContext:
    """What a doc page is talking about at the current line: the operation its items belong to."""

    op: Operation | None = None
    ambiguous: list[Operation] = field(default_factory=list)
    # "POST /v1/embeddings" when the last endpoint is not in the spec
    missing: str | None = None
    missing_line: int = 0

    def set(self, op: Operation | None) -> None:
        self.op, self.ambiguous, self.missing = op, [], None


class SpecIndex:
    """The operations and servers of a spec, for matching doc examples."""

    def __init__(self, spec: LoadedSpec):
        self.spec = spec
        self.data = spec.data
        self.operations: list[Operation] = []
        self.server_urls: list[str] = []
        self._servers: list[tuple[Pattern[str], str]] = (
            []
        )  # (full-URL regex, base path)
        self._add_servers(self.data.get("servers"))
        for path, method, op, where in iter_operations(self.data):
            item, item_where = path_item(self.data, path)
            self._add_servers(item.get("servers"))
            self._add_servers(op.get("servers"))
            regex, literals = self._path_regex(path, self._slash_params(item, op))
            operation = Operation(
                method.upper(),
                path,
                where,
                op,
                item,
                item_where,
                _str(op.get("operationId")),
                regex,
                literals,
            )
            for doc_path in op.get("x-doc-paths") or []:
                if isinstance(doc_path, str):
                    dregex, dlit = self._path_regex(self._strip_base(doc_path), set())
                    operation.doc_paths.append((doc_path, dregex, dlit))
            self.operations.append(operation)
        if not self._servers:
            self._servers.append((re.compile(""), ""))

    # -- servers ---------------------------------------------------------------

    def _add_servers(self, servers: Any) -> None:
        for server in servers or []:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            url = server["url"].rstrip("/")
            if url in self.server_urls:
                continue
            self.server_urls.append(url)
            parts = urlsplit(url)
            base = parts.path.rstrip("/")
            # server variables ({region}) match any one segment
            regex = re.compile(
                re.sub(r"\\\{[^}]*\\\}", "[^/]*", re.escape(url)), re.IGNORECASE
            )
            self._servers.append(
                (regex, re.sub(r"\{[^}]*\}", "", base) if "{" in base else base)
            )

    def _strip_base(self, path: str) -> str:
        for _, base in self._servers:
            if base and (path == base or path.startswith(base + "/")):
                return path[len(base) :] or "/"
        return path

    def split(self, text: str) -> Target:
        """Strip the server URL (or base path) and the query from a doc URL or path."""
        if re.match(r"^https?://", text, re.IGNORECASE):
            parts = urlsplit(text)
            query = [q.split("=", 1)[0] for q in parts.query.split("&") if q]
            no_query = text.split("?", 1)[0].split("#", 1)[0]
            for regex, _ in self._servers:
                if not regex.pattern:
                    continue
                m = regex.match(no_query)
                if m and (m.end() == len(no_query) or no_query[m.end()] == "/"):
                    return Target(text, _clean(no_query[m.end() :]), query, True, True)
            relative_servers = any(
                not u.lower().startswith("http") for u in self.server_urls
            )
            path = _clean(self._strip_base(parts.path))
            # A moved server (/oaiv1 -> /oaiv2, another host): also try the path
            # without as many leading segments as a server's base path has.
            guesses = []
            for _, base in self._servers:
                depth = len([s for s in base.split("/") if s])
                guess = "/" + "/".join(path.split("/")[1 + depth :])
                if depth and guess not in guesses and guess != path:
                    guesses.append(_clean(guess))
            return Target(text, path, query, True, relative_servers, guesses)
        path, _, q = text.partition("?")
        query = [p.split("=", 1)[0] for p in q.split("&") if p]
        return Target(
            text, _clean(self._strip_base(path.split("#", 1)[0])), query, False, True
        )

    def server_matches(self, url: str) -> bool:
        """Whether ``url`` is one of the spec's server URLs (a doc's base URL)."""
        url = url.rstrip("/")
        return any(regex.pattern and regex.fullmatch(url) for regex, _ in self._servers)

    # -- paths -----------------------------------------------------------------

    def _slash_params(self, item: dict[str, Any], op: dict[str, Any]) -> set[str]:
        names: set[str] = set()
        for param in list(item.get("parameters") or []) + list(
            op.get("parameters") or []
        ):
            param, _ = deref(self.data, param, "")
            if (
                isinstance(param, dict)
                and param.get("in") == "path"
                and param.get("x-allow-slash")
            ):
                names.add(str(param.get("name")))
        return names

    @staticmethod
    def _path_regex(path: str, slash: set[str]) -> tuple[Pattern[str], int]:
        out: list[str] = []
        literals = 0
        for segment in _clean(path).split("/")[1:]:
            if _PARAM_SEGMENT.match(segment):
                name = segment.strip("{}<>:")
                out.append(".+" if name in slash else "[^/]+")
                continue
            pieces = re.split(r"(\{[^{}]+\})", segment)
            regex = ""
            for piece in pieces:
                if piece.startswith("{") and piece.endswith("}"):
                    regex += "[^/]+"
                else:
                    regex += re.escape(piece)
            if regex == re.escape(segment):
                literals += 1
            out.append(regex)
        return re.compile("/" + "/".join(out) if out else "/"), literals

    def resolve(self, method: str | None, target: Target) -> tuple[Match, str]:
        """Match a target's path, else (for a URL under no server) its other readings."""
        first = self.match(method, target.path)
        if first.operation is not None or first.ambiguous:
            return first, target.path
        for guess in target.guesses:
            m = self.match(method, guess)
            if m.operation is not None:
                return m, guess
        return first, target.path

    def match(self, method: str | None, path: str) -> Match:
        """The operation for ``method`` (``None``: any) and a stripped doc path."""
        probe = "/".join(
            _DOC_PARAM if _PARAM_SEGMENT.match(s) else s for s in path.split("/")
        )
        direct = [op for op in self.operations if op.regex.fullmatch(probe)]
        via: list[tuple[Operation, str, int]] = []
        for op in self.operations:
            for text, regex, literals in op.doc_paths:
                if regex.fullmatch(probe):
                    via.append((op, text, literals))
        want = [op for op in direct if method is None or op.method == method.upper()]
        if want:
            best = max(op.literals for op in want)
            top = [op for op in want if op.literals == best]
            if len(top) == 1 or method is not None:
                return Match(top[0])
            return Match(ambiguous=top)
        want_via = [v for v in via if method is None or v[0].method == method.upper()]
        if want_via:
            want_via.sort(key=lambda v: -v[2])
            if len({id(v[0]) for v in want_via}) == 1 or method is not None:
                return Match(want_via[0][0], via_doc_path=want_via[0][1])
            return Match(ambiguous=[v[0] for v in want_via])
        return Match(other_methods=direct + [v[0] for v in via])

    # -- other ways of naming an operation -------------------------------------

    def by_sdk_call(self, dotted: str) -> Operation | None:
        """The operation whose dotted operationId ends the call (``client.models.list``)."""
        parts = dotted.split(".")
        best: Operation | None = None
        best_len = 0
        for op in self.operations:
            if not op.op_id or "." not in op.op_id:
                continue
            want = op.op_id.split(".")
            # the longest operationId that ends the call: chat.completions.create, not completions.create
            if parts[-len(want) :] == want and len(want) > best_len:
                best, best_len = op, len(want)
        return best

    def by_heading(self, text: str) -> Operation | None:
        """The operation whose summary a heading repeats (``List models``, ``GET List Models``)."""
        key = _words(text)
        if not key:
            return None
        found = [
            op
            for op in self.operations
            if _words(_str(op.data.get("summary")) or "") == key
        ]
        return found[0] if len(found) == 1 else None

    def path_pointer(self, op: Operation) -> str:
        """The JSON pointer of an operation's path item (where its content is)."""
        return op.item_pointer


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _clean(path: str) -> str:
    path = "/" + path.strip().lstrip("/")
    if len(path) > 1:
        path = path.rstrip("/")
    return path


def _words(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    if words and words[0] in _METHOD_WORDS:
        words = words[1:]
    return tuple(
        w[:-1] if w.endswith("s") and len(w) > 3 else w
        for w in words
        if w not in _ARTICLES
    )

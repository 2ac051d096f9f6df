"""Find the HTTP examples in a doc page, as people copy pages: Markdown or pasted text.

The page is read line by line. Fenced blocks (```` ``` ````/``~~~``) are
honoured when there are any: ``json`` fences are JSON, ``python`` fences are
SDK samples, shell and text fences are read like the prose around them. Plain
text pasted from a web page has no fences, so everything is found by its
shape: a line starting with ``curl``, a line starting a JSON object, a
``GET https://...`` line, a URL alone on its line, a ``Name: value`` header,
a ``200 - Success`` status line, a table.

Whether a JSON document is a request or a response, and for which status,
comes from the text before it ("Request body:", "Example response",
"200 - Success", a Chinese 响应, ...): the last such word wins, so "This
request ... You should get a response back" introduces a response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import jsonish
from .curl import Header, ShellError, parse_curl, split_command
from .items import (
    BaseUrl,
    CurlItem,
    Defect,
    Endpoint,
    HeaderItem,
    Heading,
    Item,
    JsonItem,
    Table,
    TableRow,
)
from .python_samples import python_items

METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^\s`{]*)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_CURL = re.compile(r"^\s*(?:[$>]\s+)?curl(?=\s|$)")
_ENDPOINT = re.compile(
    rf"^[\s>*_`#-]*\b({METHODS})\b[\s`*]+(https?://[^\s`*]+|/[^\s`*]*)(?:\s+HTTP/[\d.]+)?[\s`*_]*$"
)
_BARE_URL = re.compile(r"^[\s`<*]*(https?://[^\s`>*]+)[\s`>*]*$")
_BASE_URL = re.compile(
    r"base[\s_-]*url|base[\s_-]*path|基础\s*URL|基本\s*URL", re.IGNORECASE
)
_URL = re.compile(r"https?://[^\s`'\")>\]*]+")
# "200 - Success", "400: Bad Request", "HTTP/1.1 200 OK", "Status: 404", "201 Created"
_STATUS = re.compile(
    r"^[\s#*_`>]*(?:(?:HTTP/[\d.]+\s+|status(?:\s+code)?:?\s*)([1-5]\d\d)\b.*"
    r"|([1-5]\d\d)\s*[-\u2013\u2014:]\s*\S.*"
    r"|([1-5]\d\d)\s+[A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*){0,3}\s*)$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(
    r"^\s*(Authorization|Cookie|Accept|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)\s*:\s*(.*?)\s*$"
)
_SHELL_COMMENT = re.compile(r"\s+#.*$")
_RESPONSE_WORDS = re.compile(
    r"\bresponses?\b|\breply\b|\breturns?\b|响应|返回|回应", re.IGNORECASE
)
_REQUEST_WORDS = re.compile(r"\brequests?\b|\bbody\b|\bpayload\b|请求", re.IGNORECASE)
# a JSON document starts with {, [ or [..., followed by what JSON puts there
_JSON_START = re.compile(
    r"""^\s*(?:[{\[]\s*$|\{\s*["'}]|\[\s*[\[{"'\d-]|\[\s*\]|\[\s*\.\.\.\s*\]$)"""
)
_LINK = re.compile(r"\]\(|\]:\s")  # [text](url) and [1]: url are links, not JSON
_SPACE = re.compile(r"\s*")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")

# how far a JSON document or a curl command may run (keeps the scan linear on long pages)
_MAX_BLOCK_LINES = 2000
_SHELL_LANGS = {
    "",
    "bash",
    "sh",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "curl",
    "text",
    "txt",
    "plaintext",
    "http",
    "none",
}
_JSON_LANGS = {"json", "jsonc", "json5"}
_PYTHON_LANGS = {"python", "py", "python3"}


@dataclass
class _Label:
    """What the text so far says the next JSON or table is."""

    role: str | None = None
    status: str | None = None


class _Scanner:
    def __init__(self, text: str):
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.items: list[Item] = []
        self.label = _Label()
        self.last_status: str | None = None
        self.table_role: str | None = None
        self.last_was_curl = False

    # -- the page ----------------------------------------------------------------

    def run(self) -> list[Item]:
        lines = self.lines
        i = 0
        prose_start = 0
        while i < len(lines):
            m = _FENCE.match(lines[i])
            if not m:
                i += 1
                continue
            self.scan(prose_start, i, fence=None)
            marker, lang = m.group(1), m.group(2).lower()
            close = re.compile(
                r"^\s{0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$"
            )
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            if j == len(lines):
                self.defect(
                    i + 1,
                    "unclosed-fence",
                    f"the {marker} block opened here is never closed",
                )
            self.fenced(lang, i + 1, j)
            i = j + 1
            prose_start = i
        self.scan(prose_start, len(lines), fence=None)
        return self.items

    def fenced(self, lang: str, start: int, end: int) -> None:
        if lang in _JSON_LANGS:
            self.json_block(start, end)
        elif lang in _PYTHON_LANGS:
            self.python_block(start, end)
        elif lang in _SHELL_LANGS:
            self.scan(start, end, fence=lang)
        # other languages (javascript, go, ...) are SDK samples we do not read

    # -- items -----------------------------------------------------------------

    def add(self, item: Item) -> None:
        self.items.append(item)

    def defect(self, line: int, kind: str, message: str) -> None:
        self.add(Defect(line, kind, message))

    def take_label(self) -> _Label:
        label, self.label = self.label, _Label()
        return label

    # -- prose and shell/text fences -------------------------------------------

    def scan(self, start: int, end: int, fence: str | None) -> None:
        lines = self.lines
        i = start
        while i < end:
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
            if fence is None:
                hm = _HEADING.match(line)
                if hm:
                    self.heading(i + 1, len(hm.group(1)), hm.group(2))
                    i += 1
                    continue
            cm = _CURL.match(line)
            if cm:
                i = self.curl(i, end, cm.end() - 4)
                continue
            if _JSON_START.match(line) and not _LINK.search(line):
                i = self.json_in_text(i, end)
                continue
            if "|" in stripped and (
                stripped.startswith("|")
                or stripped.endswith("|")
                or stripped.count("|") >= 2
            ):
                i = self.table(i, end)
                continue
            self.single_line(stripped, i + 1, fence)
            i += 1

    def heading(self, line: int, level: int, text: str) -> None:
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](link) -> label
        self.add(Heading(line, level, text))
        self.label = _Label()
        self.table_role = None
        em = _ENDPOINT.match(text)
        if em:
            self.add(Endpoint(line, em.group(1), em.group(2)))
            return
        self.words(text)

    def single_line(self, text: str, line: int, fence: str | None) -> None:
        em = _ENDPOINT.match(text)
        if em:
            self.add(Endpoint(line, em.group(1), em.group(2)))
            self.label = _Label()
            self.table_role = None
            self.last_was_curl = False
            return
        um = _BARE_URL.match(text)
        if um:
            self.add(Endpoint(line, None, um.group(1)))
            self.label = _Label()
            self.table_role = None
            self.last_was_curl = False
            return
        if _BASE_URL.search(text):
            url = _URL.search(text)
            if url:
                self.add(BaseUrl(line, url.group().rstrip(".,;:")))
                return
        sm = _STATUS.match(text)
        if sm and len(text) < 120:
            code = next(g for g in sm.groups() if g)
            self.label = _Label("response", code)
            self.last_status = code
            return
        hm = _HEADER_LINE.match(text)
        if hm:
            value = hm.group(2)
            if fence is not None:
                value = _SHELL_COMMENT.sub("", value)
            self.add(HeaderItem(line, Header(hm.group(1), value, line)))
            return
        self.words(text)

    def words(self, text: str) -> None:
        """Let request/response words in a line say what the next body is."""
        last_req = max((m.end() for m in _REQUEST_WORDS.finditer(text)), default=-1)
        last_resp = max((m.end() for m in _RESPONSE_WORDS.finditer(text)), default=-1)
        if last_resp < 0 and last_req < 0:
            return
        if last_resp > last_req:
            self.label = _Label("response", None)
            self.table_role = "response"
        else:
            self.label = _Label("request", None)
            self.table_role = "request"
            self.last_status = None

    # -- curl ------------------------------------------------------------------

    def curl(self, i: int, end: int, col: int) -> int:
        line_no = i + 1
        window = self.lines[i : min(end, i + _MAX_BLOCK_LINES)]
        try:
            tokens, used, problems = split_command(window, line_no, max(col, 0))
        except ShellError as exc:
            self.defect(
                exc.line,
                "unclosed-quote",
                f"{exc.message}; only the first line of the curl command was read",
            )
            try:
                tokens, used, problems = split_command(window[:1], line_no, max(col, 0))
            except ShellError:
                return i + 1
        if not tokens or tokens[0].value != "curl":
            self.single_line(self.lines[i].strip(), line_no, "bash")
            return i + 1
        curl = parse_curl(tokens, line_no, line_no + used - 1)
        for line, kind, message in problems + curl.problems:
            self.defect(line, kind, message)
        self.add(CurlItem(line_no, curl))
        self.label = _Label()
        self.last_was_curl = True
        return i + used

    # -- JSON ------------------------------------------------------------------

    def json_item(
        self,
        line: int,
        end_line: int,
        parsed: jsonish.Parsed | None,
        error: jsonish.JsonishError | None,
    ) -> None:
        label = self.take_label()
        if label.role == "response" and label.status:
            self.last_status = label.status
        self.add(
            JsonItem(
                line,
                end_line=end_line,
                parsed=parsed,
                error=error,
                role=label.role,
                status=label.status,
                follows_curl=self.last_was_curl,
            )
        )
        self.last_was_curl = False
        if parsed is not None:
            for r in parsed.repairs:
                self.defect(r.line, r.kind, r.message)

    def json_block(self, start: int, end: int) -> None:
        text = "\n".join(self.lines[start:end])
        line_of = jsonish.line_mapper(text, start + 1)
        pos = 0
        while text[pos:].strip():
            first = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            try:
                parsed = jsonish.parse(text, line_of, first)
            except jsonish.JsonishError as exc:
                self.defect(
                    exc.line,
                    "unreadable-json",
                    f"not JSON even with the usual repairs ({exc.message}); not checked",
                )
                self.json_item(line_of(first), line_of(len(text) - 1), None, exc)
                return
            self.json_item(
                line_of(first), line_of(max(parsed.end - 1, first)), parsed, None
            )
            pos = parsed.end

    def json_in_text(self, i: int, end: int) -> int:
        """A JSON document starting on line ``i`` of prose; returns the next line to scan."""
        text = "\n".join(self.lines[i : min(end, i + _MAX_BLOCK_LINES)])
        line_of = jsonish.line_mapper(text, i + 1)
        first = len(text) - len(text.lstrip())
        try:
            parsed = jsonish.parse(text, line_of, first)
        except jsonish.JsonishError as exc:
            stop = _balanced_end(text, first)
            if stop is None:  # never closed: say so where it starts
                self.defect(
                    i + 1, "unreadable-json", "this JSON is never closed; not checked"
                )
                self.json_item(i + 1, i + 1, None, exc)
                return i + 1
            self.defect(
                exc.line,
                "unreadable-json",
                f"this JSON cannot be read even with the usual repairs ({exc.message}); not checked",
            )
            self.json_item(i + 1, line_of(stop - 1), None, exc)
            return line_of(stop - 1)  # 1-based last line == 0-based index of the next
        last_line = line_of(max(parsed.end - 1, first))
        self.json_item(i + 1, last_line, parsed, None)
        rest_of_line = text[parsed.end :].split("\n", 1)[0].strip()
        if rest_of_line:
            self.defect(
                last_line,
                "glued-text",
                f"text is glued to the end of the JSON: {_short(rest_of_line)!r} (read as the next line)",
            )
            self.single_line(rest_of_line, last_line, None)
        return last_line  # the 0-based index of the line after the JSON

    # -- tables ----------------------------------------------------------------

    def table(self, i: int, end: int) -> int:
        lines = self.lines
        rows: list[TableRow] = []
        j = i
        while j < end:
            s = lines[j].strip()
            if not s or "|" not in s:
                break
            if not _TABLE_SEPARATOR.match(s):
                cells = [c.strip() for c in s.strip("|").split("|")]
                rows.append(TableRow(j + 1, cells))
            j += 1
        if not rows:
            return j
        header, body = rows[0], rows[1:]
        label_line = self._previous_text(i)
        label = label_line.strip() if label_line else ""
        if (
            re.match(r"^\W*headers?\W*$", label, re.IGNORECASE)
            or re.search(r"\bheaders?\b", label, re.IGNORECASE)
            and not re.search(r"schema|body", label, re.IGNORECASE)
        ):
            for row in body:
                if row.cells and row.cells[0]:
                    value = row.cells[1] if len(row.cells) > 1 else ""
                    self.add(
                        HeaderItem(
                            row.line,
                            Header(row.cells[0], value, row.line, from_table=True),
                        )
                    )
            return j
        role, status = self.table_role, None
        if re.search(r"path\s+param|路径参数", label, re.IGNORECASE):
            role = "path"
        elif re.search(r"query\s+param|查询参数", label, re.IGNORECASE):
            role = "query"
        elif re.search(r"\brequest\b|请求", label, re.IGNORECASE):
            role = "request"
        elif re.search(r"\bresponses?\b|响应", label, re.IGNORECASE):
            role = "response"
        if role == "response":
            status = self.last_status
        if role in ("request", "response"):
            self.table_role = role
        self.add(
            Table(
                i + 1,
                label=label,
                header=header.cells,
                rows=body,
                role=role,
                status=status,
            )
        )
        return j

    def _previous_text(self, i: int) -> str | None:
        for k in range(i - 1, max(i - 4, -1), -1):
            s = self.lines[k].strip()
            if s and not _FENCE.match(s):
                # text glued after JSON on the same line ("}RESPONSE SCHEMA: ...")
                m = re.match(r"^[\]}]+(.+)$", s)
                return m.group(1) if m else s.lstrip("#").strip()
        return None

    # -- Python samples ----------------------------------------------------------

    def python_block(self, start: int, end: int) -> None:
        self.items.extend(python_items(self.lines, start, end))


def _balanced_end(text: str, start: int) -> int | None:
    """The offset after the bracket that closes the one at ``start`` (strings skipped)."""
    depth = 0
    in_string = False
    k = start
    while k < len(text):
        c = text[k]
        if in_string:
            if c == "\\":
                k += 1
            elif c == '"' or c == "\n":
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return None


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def extract(text: str) -> list[Item]:
    """Every HTTP example, endpoint line, header, table and doc defect in a page, in page order."""
    return _Scanner(text).run()

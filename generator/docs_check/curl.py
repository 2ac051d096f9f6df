"""curl commands as doc pages print them: split like a POSIX shell, read like curl.

The tokenizer keeps the doc line of every character it keeps, so a JSON body
given with ``--data-raw '{...}'`` over many lines can still be reported line
by line. It understands what doc pages use: single and double quotes,
backslash escapes, ``\\`` line continuations, comments, and stops at the end
of the command (an unquoted newline, ``|``, ``;``, ``&`` or ``>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# curl options that take an argument (the others are flags); short ones are
# one letter. Only the ones whose argument matters are interpreted below, but
# all must be known so that an argument is not mistaken for the URL.
_SHORT_WITH_ARG = set("XHduoAebcFTxKwmEQrYyzCDt")
_LONG_WITH_ARG = {
    "request",
    "header",
    "data",
    "data-raw",
    "data-binary",
    "data-ascii",
    "data-urlencode",
    "json",
    "user",
    "output",
    "user-agent",
    "referer",
    "cookie",
    "cookie-jar",
    "form",
    "form-string",
    "url",
    "max-time",
    "connect-timeout",
    "retry",
    "proxy",
    "cert",
    "cacert",
    "key",
    "write-out",
    "upload-file",
    "oauth2-bearer",
    "config",
    "range",
    "limit-rate",
    "dump-header",
    "continue-at",
    "resolve",
    "connect-to",
    "interface",
    "aws-sigv4",
    "variable",
    "expand-data",
}
_DATA_OPTIONS = {
    "d": "data",
    "data": "data",
    "data-ascii": "data",
    "data-binary": "data",
    "data-raw": "data-raw",
    "data-urlencode": "data-urlencode",
    "json": "json",
}


@dataclass(frozen=True)
class Token:
    """One shell word: its value, the doc line of each character, and its quoting."""

    value: str
    lines: tuple[int, ...]
    line: int
    single_quoted: bool  # some part of it was inside '...'


@dataclass(frozen=True)
class Header:
    """A header sent by a curl command, or written on a line of its own."""

    name: str
    value: str
    line: int
    single_quoted: bool = False
    from_table: bool = False
    implicit: bool = False  # added by curl itself (--json, -u), not written in the doc


@dataclass
class Curl:
    """What a curl command sends."""

    line: int
    end_line: int
    method: str
    method_explicit: bool
    url: str | None
    url_line: int
    headers: list[Header] = field(default_factory=list)
    body: Token | None = None
    body_option: str | None = None  # data, data-raw, data-urlencode, json, form
    problems: list[tuple[int, str, str]] = field(
        default_factory=list
    )  # (line, kind, message)


class ShellError(ValueError):
    """The command cannot be split (an unclosed quote)."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


_CONTINUES = re.compile(r"""\s*(?:-|'|"|\$|https?://|[\w.-]+\.[a-z]{2,}/)""")


def split_command(
    lines: list[str], first_line: int, start_col: int = 0
) -> tuple[list[Token], int, list[tuple[int, str, str]]]:
    """Split the shell command starting at ``lines[0][start_col:]``.

    Returns the words, the number of lines consumed, and problems found on the
    way as ``(line, kind, message)``. A ``\\`` continuation followed by a
    blank line or by text that cannot be part of a curl command (doc pages
    glue the next paragraph on) ends the command there.
    """
    text = "\n".join(lines) + "\n"
    line_starts = [0]
    for ln in lines:
        line_starts.append(line_starts[-1] + len(ln) + 1)
    problems: list[tuple[int, str, str]] = []
    tokens: list[Token] = []
    pos = start_col
    row = 0
    cur: list[str] = []
    cur_lines: list[int] = []
    cur_line = first_line
    single = False
    in_word = False

    def doc_line() -> int:
        return first_line + row

    def finish() -> None:
        nonlocal cur, cur_lines, single, in_word
        if in_word:
            tokens.append(Token("".join(cur), tuple(cur_lines), cur_line, single))
        cur, cur_lines, single, in_word = [], [], False, False

    def add(ch: str) -> None:
        nonlocal in_word, cur_line
        if not in_word:
            in_word = True
            cur_line = doc_line()
        cur.append(ch)
        cur_lines.append(doc_line())

    while pos < len(text):
        c = text[pos]
        if c == "\n":
            row += 1
            finish()
            break
        if c in " \t\r":
            finish()
            pos += 1
            continue
        if c == "\\" and text[pos + 1 : pos + 2] == "\n":
            # a line continuation: the command goes on if the next line looks like more of it
            nxt = lines[row + 1] if row + 1 < len(lines) else ""
            if not nxt.strip() or not _CONTINUES.match(nxt):
                problems.append(
                    (
                        doc_line(),
                        "dangling-continuation",
                        "the command ends with a \\ line continuation, but the next line is not part of it",
                    )
                )
                finish()
                row += 1
                break
            finish()
            row += 1
            pos += 2
            continue
        if c == "#" and not in_word:
            end = text.find("\n", pos)
            pos = end
            continue
        if c in "|;&>":  # a pipe, a list or a redirection ends the curl command
            finish()
            row += 1
            break
        if c == "'":
            if not in_word:
                in_word = True
                cur_line = doc_line()
            single = True
            end = text.find("'", pos + 1)
            if end < 0:
                raise ShellError("a single quote is never closed", doc_line())
            for ch in text[pos + 1 : end]:
                cur.append(ch)
                cur_lines.append(doc_line())
                if ch == "\n":
                    row += 1
            pos = end + 1
            continue
        if c == '"':
            if not in_word:
                in_word = True
                cur_line = doc_line()
            pos += 1
            while True:
                if pos >= len(text):
                    raise ShellError("a double quote is never closed", cur_line)
                ch = text[pos]
                if ch == '"':
                    pos += 1
                    break
                if ch == "\\" and text[pos + 1 : pos + 2] in ('"', "\\", "$", "`"):
                    cur.append(text[pos + 1])
                    cur_lines.append(doc_line())
                    pos += 2
                    continue
                if ch == "\\" and text[pos + 1 : pos + 2] == "\n":
                    row += 1
                    pos += 2
                    continue
                cur.append(ch)
                cur_lines.append(doc_line())
                if ch == "\n":
                    row += 1
                pos += 1
            continue
        if c == "\\" and pos + 1 < len(text):
            add(text[pos + 1])
            pos += 2
            continue
        add(c)
        pos += 1
    else:
        finish()
    finish()
    return tokens, max(row, 1), problems


def parse_curl(tokens: list[Token], line: int, end_line: int) -> Curl:
    """Interpret the words of a ``curl ...`` command (``tokens[0]`` is ``curl``)."""
    curl = Curl(
        line=line,
        end_line=end_line,
        method="GET",
        method_explicit=False,
        url=None,
        url_line=line,
    )
    data: list[Token] = []
    get = head = False
    args = list(tokens[1:])
    i = 0

    def take(opt: str, tok: Token) -> Token | None:
        nonlocal i
        if i < len(args):
            arg = args[i]
            i += 1
            return arg
        curl.problems.append(
            (tok.line, "curl-option", f"curl option {opt} has no argument")
        )
        return None

    while i < len(args):
        tok = args[i]
        i += 1
        word = tok.value
        if word.startswith("--") and len(word) > 2:
            name, eq, inline = word[2:].partition("=")
            arg: Token | None = None
            if name in _LONG_WITH_ARG:
                if eq:
                    arg = Token(
                        inline, tok.lines[len(name) + 3 :], tok.line, tok.single_quoted
                    )
                else:
                    arg = take("--" + name, tok)
                if arg is None:
                    continue
            _apply(curl, name, arg, data)
            if name == "get":
                get = True
            elif name == "head":
                head = True
            continue
        if word.startswith("-") and len(word) > 1:
            j = 1
            while j < len(word):
                ch = word[j]
                if ch in _SHORT_WITH_ARG:
                    if j + 1 < len(word):
                        arg = Token(
                            word[j + 1 :],
                            tok.lines[j + 1 :],
                            tok.line,
                            tok.single_quoted,
                        )
                    else:
                        arg = take("-" + ch, tok)
                    if arg is not None:
                        _apply(curl, ch, arg, data)
                    break
                if ch == "G":
                    get = True
                elif ch == "I":
                    head = True
                j += 1
            continue
        if curl.url is None:
            curl.url = word
            curl.url_line = tok.line
        else:
            curl.problems.append(
                (
                    tok.line,
                    "curl-option",
                    f"a second URL {word!r} in one curl command was ignored",
                )
            )
    if data:
        if len(data) == 1:
            curl.body = data[0]
        else:  # curl joins several -d values with &
            value = "&".join(t.value for t in data)
            lines: list[int] = []
            for k, t in enumerate(data):
                lines.extend(t.lines)
                if k < len(data) - 1:
                    lines.append(t.lines[-1] if t.lines else t.line)
            curl.body = Token(
                value, tuple(lines), data[0].line, any(t.single_quoted for t in data)
            )
    if not curl.method_explicit:
        if head:
            curl.method = "HEAD"
        elif data and not get:
            curl.method = "POST"
    if get and curl.body is not None:
        curl.problems.append(
            (
                curl.body.line,
                "not-checked",
                "with -G the data is sent in the query string; it was not checked",
            )
        )
        curl.body = None
    return curl


def _apply(curl: Curl, name: str, arg: Token | None, data: list[Token]) -> None:
    if arg is None:
        return
    if name in ("X", "request"):
        curl.method = arg.value.upper()
        curl.method_explicit = True
    elif name in ("H", "header"):
        hname, colon, value = arg.value.partition(":")
        if not colon:
            if hname.endswith(";"):  # -H 'Name;' sends an empty header
                curl.headers.append(
                    Header(hname[:-1].strip(), "", arg.line, arg.single_quoted)
                )
            else:
                curl.problems.append(
                    (
                        arg.line,
                        "curl-option",
                        f"-H {arg.value!r} is not a Name: value header",
                    )
                )
            return
        curl.headers.append(
            Header(hname.strip(), value.strip(), arg.line, arg.single_quoted)
        )
    elif name in _DATA_OPTIONS:
        kind = _DATA_OPTIONS[name]
        if kind == "json":
            curl.headers.append(
                Header("Content-Type", "application/json", arg.line, implicit=True)
            )
            curl.headers.append(
                Header("Accept", "application/json", arg.line, implicit=True)
            )
        if arg.value.startswith("@") and kind != "data-raw":
            curl.problems.append(
                (
                    arg.line,
                    "not-checked",
                    f"the body is read from the file {arg.value[1:]!r}; it was not checked",
                )
            )
            return
        curl.body_option = kind
        data.append(arg)
    elif name in ("F", "form", "form-string"):
        curl.body_option = "form"
        curl.problems.append(
            (arg.line, "not-checked", "a multipart form body (-F) was not checked")
        )
        data.append(arg)
    elif name in ("u", "user"):
        curl.headers.append(
            Header("Authorization", "Basic <from -u>", arg.line, arg.single_quoted)
        )
    elif name == "oauth2-bearer":
        curl.headers.append(
            Header("Authorization", "Bearer " + arg.value, arg.line, arg.single_quoted)
        )
    elif name in ("url",):
        if curl.url is None:
            curl.url = arg.value
            curl.url_line = arg.line
    elif name in ("A", "user-agent"):
        curl.headers.append(
            Header("User-Agent", arg.value, arg.line, arg.single_quoted)
        )

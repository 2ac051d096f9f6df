"""docs-check's readers one by one: the forgiving JSON reader, curl, and the page scanner."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.docs_check.check import DocsChecker
from generator.docs_check.curl import ShellError, parse_curl, split_command
from generator.docs_check.extract import extract
from generator.docs_check.items import (
    CurlItem,
    Defect,
    Endpoint,
    HeaderItem,
    JsonItem,
    SdkCall,
    Table,
)
from generator.docs_check.jsonish import JsonishError, line_mapper, parse
from generator.load import load_spec
from tests.support.packages import SPECS

# --- the forgiving JSON reader ------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(json_values, st.sampled_from([None, 0, 2, 4]), st.booleans())
@settings(max_examples=150, deadline=None)
def test_strict_json_reads_exactly_as_json_loads(
    value: object, indent: int | None, ascii_only: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    parsed = parse(text, line_mapper(text, 1))
    assert json.dumps(parsed.value) == json.dumps(json.loads(text))
    assert parsed.end == len(text) and parsed.repairs == [] and parsed.elided == set()


def read(text: str, first_line: int = 1):  # type: ignore[no-untyped-def]
    return parse(text, line_mapper(text, first_line))


def test_repairs_are_made_and_located() -> None:
    text = '{\n  "a": [...],\n  "b": [1, 2,\n  ...\n  ],\n  // why\n  \'c\': True,\n  d: {...},\n  "e": ...\n}'
    parsed = read(text, first_line=10)
    assert parsed.value == {"a": [], "b": [1, 2], "c": True, "d": {}}
    kinds = {(r.line, r.kind) for r in parsed.repairs}
    assert {
        (11, "placeholder"),
        (13, "placeholder"),
        (15, "comment"),
        (16, "single-quotes"),
        (16, "python-literal"),
        (17, "unquoted-key"),
        (17, "placeholder"),
        (18, "placeholder"),
    } <= kinds
    assert ("a",) in parsed.elided and ("b",) in parsed.elided and () in parsed.elided
    assert parsed.line_of(("c",)) == 16 and parsed.line_of(("b", 1)) == 12


def test_trailing_and_missing_commas() -> None:
    parsed = read('{"a": 1,\n "b": [1,],\n "c": 2\n "d": 3,\n}')
    assert parsed.value == {"a": 1, "b": [1], "c": 2, "d": 3}
    assert [(r.line, r.kind) for r in parsed.repairs] == [
        (2, "trailing-comma"),
        (4, "missing-comma"),
        (4, "trailing-comma"),
    ]


@pytest.mark.parametrize(
    "text, line",
    [
        ('{"a": 1,\n "b": }', 2),
        ('{"a": "x\n"}', 1),
        ('{"a" 1}', 1),
        ("[1, 2", 1),
        ('{"a": tru}', 1),
    ],
)
def test_unreadable_json_says_where(text: str, line: int) -> None:
    with pytest.raises(JsonishError) as info:
        read(text)
    assert info.value.line == line


# --- curl -------------------------------------------------------------------------------


def curl_of(text: str, first_line: int = 1):  # type: ignore[no-untyped-def]
    lines = text.split("\n")
    tokens, used, problems = split_command(lines, first_line)
    return parse_curl(tokens, first_line, first_line + used - 1), used, problems


def test_implicit_post_headers_and_continuations() -> None:
    curl, used, problems = curl_of(
        'curl https://x.test/v1/c \\\n-H "X-Api-Key: K" \\\n-d \'{"a": 1}\'\nnext paragraph'
    )
    assert (curl.method, curl.url, used, problems) == (
        "POST",
        "https://x.test/v1/c",
        3,
        [],
    )
    assert [(h.name, h.value, h.line) for h in curl.headers] == [("X-Api-Key", "K", 2)]
    assert (
        curl.body is not None
        and curl.body.value == '{"a": 1}'
        and set(curl.body.lines) == {3}
    )


def test_multi_line_quoted_body_keeps_each_line() -> None:
    curl, used, _ = curl_of(
        "curl --location --request PUT 'https://x.test/a' \\\n--data-raw '{\n\"a\": 1,\n\"b\": 2\n}'",
        first_line=40,
    )
    assert curl.method == "PUT" and used == 5
    body = curl.body
    assert body is not None
    assert body.lines[body.value.index('"b"')] == 43


@pytest.mark.parametrize(
    "command, method, url, headers",
    [
        ("curl -XDELETE https://x.test/a", "DELETE", "https://x.test/a", []),
        (
            "curl -sSL -X POST https://x.test/a --header=Accept:\\ text/plain",
            "POST",
            "https://x.test/a",
            [("Accept", "text/plain")],
        ),
        (
            "curl https://x.test/a -u user:pass",
            "GET",
            "https://x.test/a",
            [("Authorization", "Basic <from -u>")],
        ),
        (
            "curl https://x.test/a --json '{}' | jq .",
            "POST",
            "https://x.test/a",
            [("Content-Type", "application/json"), ("Accept", "application/json")],
        ),
        ("curl -G https://x.test/a -d q=1", "GET", "https://x.test/a", []),
        (
            'curl "https://x.test/a?b=1" -H "Authorization: Bearer \\"t\\""',
            "GET",
            "https://x.test/a?b=1",
            [("Authorization", 'Bearer "t"')],
        ),
    ],
)
def test_curl_options(
    command: str, method: str, url: str, headers: list[tuple[str, str]]
) -> None:
    curl, _, _ = curl_of(command)
    assert (curl.method, curl.url) == (method, url)
    assert [(h.name, h.value) for h in curl.headers] == headers


def test_dangling_continuation_stops_the_command() -> None:
    curl, used, problems = curl_of(
        "curl https://x.test/a \\\n--header 'A: b' \\\nResponse samples"
    )
    assert used == 2 and [h.name for h in curl.headers] == ["A"]
    assert problems == [
        (
            2,
            "dangling-continuation",
            "the command ends with a \\ line continuation, but the next line is not part of it",
        )
    ]


def test_unclosed_quote_is_an_error_with_a_line() -> None:
    with pytest.raises(ShellError) as info:
        split_command(["curl https://x.test \\", '-d \'{"a": 1}'], 7)
    assert info.value.line == 8


# --- the page scanner -----------------------------------------------------------------


def test_plain_text_shapes() -> None:
    page = 'Create thing\nhttps://api.x.test/v1/things\nHEADERS\nKey | Value |\nApi-token | your token |\nREQUEST BODY SCHEMA: application/json\nKey | Value |\nname | string The name |\n200 - Success\n{\n"id": 1\n}400 - Bad Request\n{"error": "x"}\n[Docs](https://x.test) say more'
    items = extract(page)
    kinds = [(type(i).__name__, i.line) for i in items]
    assert (
        ("Endpoint", 2) in kinds
        and ("HeaderItem", 5) in kinds
        and ("Table", 7) in kinds
    )
    jsons = [i for i in items if isinstance(i, JsonItem)]
    assert [(j.line, j.role, j.status) for j in jsons] == [
        (10, "response", "200"),
        (13, "response", "400"),
    ]
    assert any(
        isinstance(i, Defect) and i.kind == "glued-text" and i.line == 12 for i in items
    )
    endpoint = next(i for i in items if isinstance(i, Endpoint))
    assert endpoint.method is None and endpoint.target == "https://api.x.test/v1/things"
    table = next(i for i in items if isinstance(i, Table))
    assert table.role == "request" and table.rows[0].cells[:2] == [
        "name",
        "string The name",
    ]
    header = next(i for i in items if isinstance(i, HeaderItem))
    assert header.header.from_table and header.header.name == "Api-token"


def test_markdown_fences_and_labels() -> None:
    page = '## 创建\n```http\nPOST /v1/things HTTP/1.1\n```\n请求体：\n```json\n{"name": "a"}\n```\nThis request ... you should get a response back:\n```\n{"id": 1}\n```\n```python\nclient = X(base_url=\'https://api.x.test/v1\')\nclient.things.create(name=\'a\', tags=make_tags())\n```\n```javascript\ncurl_is_not_here()\n```'
    items = extract(page)
    endpoint = next(i for i in items if isinstance(i, Endpoint))
    assert (endpoint.line, endpoint.method, endpoint.target) == (
        3,
        "POST",
        "/v1/things",
    )
    jsons = [i for i in items if isinstance(i, JsonItem)]
    assert [(j.line, j.role) for j in jsons] == [(7, "request"), (11, "response")]
    call = next(
        i
        for i in items
        if isinstance(i, SdkCall) and i.dotted == "client.things.create"
    )
    assert call.body == {"name": "a"} and call.skipped == ["tags"] and call.line == 15
    assert not any(isinstance(i, CurlItem) for i in items)


# --- never a crash -------------------------------------------------------------------------

_FRAGMENTS = [
    "curl https://api.peakprivacy.ch/v1/ai/models \\",
    "curl -X POST 'https://api.peakprivacy.ch/v1/ai/completions' -d '{\"model\": 1}'",
    "--header 'Api-token: ' \\",
    "-d '{",
    '{"model": [...], "messages": [',
    "...",
    "}",
    "]",
    "```json",
    "```",
    "```python",
    "client.chat.completions.create(model='m', messages=[",
    "200 - Success",
    "GET /ai/models",
    "POST https://api.peakprivacy.ch/v1/ai/nothing",
    "https://api.peakprivacy.ch/v1/ai/completions",
    "Key | Value |",
    "model | string or null |",
    "messages SCHEMA:",
    "Api-token: <token>",
    "Authorization: Bearer",
    "## Heading",
    "Request body:",
    "Response:",
    "",
]


@given(
    st.lists(
        st.sampled_from(_FRAGMENTS)
        | st.text(alphabet=string.printable + "{}[]\"'\\|响应", max_size=30),
        max_size=25,
    )
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_page_gives_a_report_never_a_crash(lines: list[str]) -> None:
    checker = DocsChecker(_PEAK)
    checker.check_doc("page.txt", "\n".join(lines))
    for finding in checker.finish():
        assert finding.group in ("match", "drift", "defect", "coverage")
        assert finding.line is None or finding.line >= 1


_PEAK = load_spec(SPECS / "peakprivacy.yaml")


# --- matching and schema shapes (a fixture spec with what our four specs do not use) ----

SHAPES = SPECS.parent / "tests" / "fixtures" / "docs_check" / "shapes.yaml"


def test_matching_rules() -> None:
    from generator.docs_check.match import SpecIndex

    index = SpecIndex(load_spec(SHAPES))

    def name(method: str | None, text: str) -> str | None:
        m, _ = index.resolve(method, index.split(text))
        return m.operation.name if m.operation else None

    assert (
        name("GET", "https://api.shapes.test/v1/things/special") == "things.special"
    )  # literal beats {id}
    assert name("GET", "https://api.shapes.test/v1/things/abc") == "things.retrieve"
    assert (
        name("GET", "/v1/things/<thing_id>") == "things.retrieve"
    )  # base path stripped, placeholder segment
    assert name("GET", "/v1/things/a/b") is None  # no x-allow-slash: one segment only
    assert (
        name("GET", "https://api.shapes.test/v2/things") == "things.list"
    )  # moved server: still recognised
    assert not index.split("https://api.shapes.test/v2/things").under_server
    assert name(None, "https://api.shapes.test/v1/completions") == "completions.create"
    ambiguous, _ = index.resolve(None, index.split("https://api.shapes.test/v1/things"))
    assert sorted(o.name for o in ambiguous.ambiguous) == [
        "things.create",
        "things.list",
    ]
    call = index.by_sdk_call("client.chat.completions.create")
    assert call is not None and call.name == "chat.completions.create"
    heading = index.by_heading("GET Things List")
    assert heading is None  # no summary says so: headings only match summaries


def test_schema_shapes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from generator.docs_check import docs_check

    page = tmp_path / "shapes.md"
    page.write_text(
        '```bash\ncurl \'https://api.shapes.test/v1/things?key=K&limit=2&sort=asc\'\n```\n```bash\ncurl https://api.shapes.test/v1/things?key=K \\\n  -H \'Content-Type: application/json\' \\\n  -d \'{"name": "a", "id": "t1", "shape": {"radius": 1, "color": "red"},\n        "labels": {"any": "thing"}, "extra": {"free": true}, "size": 3}\'\n```\nResponse:\n```json\n{"shape": {"side": "wide"}}\n```',
        encoding="utf-8",
    )
    report = docs_check(SHAPES, [page])
    drift = {(f.kind, f.line, f.pointer): f.message for f in report.group("drift")}
    assert (
        drift[("parameter", 2, "#/paths/~1things/get/parameters")]
        == "the query parameter sort is not declared for things.list"
    )
    assert not any(
        kind == "auth" for kind, _, _ in drift
    )  # ?key= is the QueryKey credential
    assert (
        "id is readOnly in the spec"
        in drift[
            (
                "read-only-field",
                7,
                "#/components/schemas/NewThing/allOf/1/properties/id",
            )
        ]
    )
    # shape.color: undeclared in the oneOf branch the value fits; size: in NewThing, made of allOf parts
    assert (
        "shape.color is not declared by the spec's schema Circle"
        in drift[("undeclared-field", 7, "#/components/schemas/Circle")]
    )
    assert (
        "size is not declared by the spec's schema NewThing"
        in drift[("undeclared-field", 8, "#/components/schemas/NewThing")]
    )
    assert not any(
        word in message
        for message in drift.values()
        for word in ("labels", "extra", "free")
    )  # a map, a free-form object
    shape = drift[
        ("invalid", 12, "#/components/schemas/NewThing/allOf/1/properties/shape")
    ]
    assert (
        "not valid under any of the given schemas (closest: shape.side: 'wide' is not of type 'number')"
        in shape
    )
    assert (
        "lacks the required field 'name'"
        in drift[("missing-required", 12, "#/components/schemas/Base")]
    )
    assert len(drift) == 6 and report.exit_code == 1


def test_one_bearer_header_for_two_bearer_schemes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The official OpenAI spec has ApiKeyAuth and AdminApiKeyAuth, both bearer: a Bearer header is the one the operation uses."""
    from generator.docs_check import docs_check

    page = tmp_path / "p.md"
    page.write_text(
        "curl https://api.shapes.test/v1/things/special -H 'Authorization: Bearer $KEY'\n",
        encoding="utf-8",
    )
    report = docs_check(SHAPES, [page])
    assert report.group("drift") == []
    assert [f.kind for f in report.group("match")] == ["curl"]
    page.write_text(
        "curl https://api.shapes.test/v1/things/special -H 'X-Key: k'\n",
        encoding="utf-8",
    )
    (auth,) = docs_check(SHAPES, [page]).group("drift")
    assert auth.kind == "auth" and auth.pointer == "#/components/securitySchemes/Bearer"
    assert (
        auth.message
        == "the curl authenticates with X-Key, but the spec's things.special expects Authorization: Bearer (Bearer)"
    )

"""docs-check end to end: our four specs against the providers' real doc pages, and edited copies.

The real pages must give no drift (the specs were written from them), with
the report naming what matched, the pages' own defects and what the pages do
not cover. Each edited copy (made here, in tmp_path, under the page's own
name) changes one thing a provider might change, and docs-check must exit 1
and name the change: the doc line (found by searching the edited text, never
hard-coded) and the spec pointer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.docs_check import DocFinding, DocsReport, docs_check
from tests.support.packages import PROVIDER_DOCS, SPECS

PIENTEGER_MD = "pienteger-api-reference.md"
PIENTEGER_TXT = "pienteger-api-reference-full.txt"
PRIME_MD = "prime-intellect-inference-api.md"
OPENAI_MD = "openai-api-reference-zh.md"
PEAK_TXT = "peakprivacy-api.txt"

PROVIDERS = {
    "pienteger": ("pienteger.yaml", [PIENTEGER_MD, PIENTEGER_TXT]),
    "prime_intellect": ("prime_intellect.yaml", [PRIME_MD]),
    "openai": ("openai.yaml", [OPENAI_MD]),
    "peakprivacy": ("peakprivacy.yaml", [PEAK_TXT]),
}


def check(spec: str | Path, *docs: Path) -> DocsReport:
    return docs_check(SPECS / spec if isinstance(spec, str) else spec, list(docs))


def real(*names: str) -> list[Path]:
    return [PROVIDER_DOCS / n for n in names]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    seen = 0
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of a real doc page, under its own name, with ``old`` replaced once by ``new``."""
    text = (PROVIDER_DOCS / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {name}"
    out = tmp_path / name
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def found(
    report: DocsReport,
    group: str,
    *,
    line: int | None = None,
    kind: str | None = None,
    pointer: str | None = None,
    text: str = "",
    doc: Path | None = None,
) -> list[DocFinding]:
    return [
        f
        for f in report.group(group)
        if (line is None or f.line == line)
        and (doc is None or (f.doc is not None and Path(f.doc).name == doc.name))
        and (kind is None or f.kind == kind)
        and (pointer is None or f.pointer == pointer)
        and text in f.message
    ]


def one(report: DocsReport, group: str, **kw: object) -> DocFinding:
    hits = found(report, group, **kw)  # type: ignore[arg-type]
    assert (
        len(hits) == 1
    ), f"expected one {group} finding {kw}, got {hits}\n\nall {group}: {report.group(group)}"
    return hits[0]


# --- the real doc pages -------------------------------------------------------------


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_real_docs_have_no_drift(
    provider: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec, docs = PROVIDERS[provider]
    code = main(["docs-check", str(SPECS / spec), *map(str, real(*docs))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "no drift (exit 0)" in out
    report = check(spec, *real(*docs))
    assert report.group("drift") == []
    # every example the spec says it took from these pages is still in them
    assert found(report, "coverage", kind="example-not-in-doc") == []
    # every doc example was matched and checked: each body example is one the spec recorded
    examples = found(report, "match", kind="example")
    assert examples and all("it is the spec's example" in f.message for f in examples)


def test_pienteger_report(tmp_path: Path) -> None:
    md, txt = real(PIENTEGER_MD, PIENTEGER_TXT)
    report = check("pienteger.yaml", md, txt)
    # the decided contradiction: /models in one curl is models.list through x-doc-paths
    m = one(
        report,
        "match",
        kind="curl",
        line=line_of(txt, "curl https://api.pienteger.com/oaiv1/models \\"),
        doc=txt,
    )
    assert "models.list" in m.message and "x-doc-paths entry /models" in m.message
    assert m.pointer == "#/paths/~1getmodels/get"
    one(
        report,
        "match",
        kind="endpoint",
        line=line_of(md, "GET https://api.pienteger.com/oaiv1/getmodels"),
        doc=md,
        text="models.list",
    )
    one(
        report,
        "match",
        kind="example",
        line=line_of(txt, "You should get a response back") + 1,
        doc=txt,
        text="the 200 response of completions.create fits its schema; it is the spec's example MakingRequestsFull",
    )
    one(
        report,
        "match",
        kind="table",
        line=line_of(txt, "| Name | Type | Status | Description | Default |"),
        doc=txt,
        text="'Request body' table (5 rows)",
    )
    # the doc's sloppiness, each at its line
    for n in range(1, 4):
        one(
            report,
            "defect",
            kind="placeholder",
            line=line_of(md, '"permission": [...]', n),
            doc=md,
            text="[...]",
        )
    # the trailing comma ends the line before the "data" list's "],"
    comma = line_of(md, '"object": "list"') - 2
    assert md.read_text(encoding="utf-8").splitlines()[comma - 1].strip() == "},"
    one(report, "defect", kind="trailing-comma", line=comma, doc=md)
    defect = one(
        report,
        "defect",
        kind="body-without-content-type",
        line=line_of(md, '-d \'{"model"'),
        doc=md,
    )
    assert defect.decision and defect.decision.startswith(
        "#/paths/~1completions/post/requestBody: The docs' curl sends"
    )
    assert found(report, "defect", kind="placeholder", text="YOUR_API_KEY")
    assert report.group("coverage") == []
    # the Markdown page alone does not show models.retrieve
    alone = check("pienteger.yaml", md)
    gap = one(alone, "coverage", kind="no-example")
    assert (
        gap.pointer == "#/paths/~1models~1{model}/get"
        and "models.retrieve" in gap.message
    )


def test_pienteger_without_its_decision_reports_the_contradiction(
    tmp_path: Path,
) -> None:
    """x-doc-paths is what keeps the /models curl from being drift: take it away and it is."""
    text = (SPECS / "pienteger.yaml").read_text(encoding="utf-8")
    assert text.count("      x-doc-paths:\n        - /models\n") == 1
    spec = tmp_path / "pienteger.yaml"
    spec.write_text(
        text.replace("      x-doc-paths:\n        - /models\n", ""), encoding="utf-8"
    )
    txt = PROVIDER_DOCS / PIENTEGER_TXT
    report = check(spec, txt)
    drift = one(
        report,
        "drift",
        kind="endpoint-missing",
        line=line_of(txt, "curl https://api.pienteger.com/oaiv1/models \\"),
    )
    assert (
        drift.message == "GET /models is not in the spec" and drift.pointer == "#/paths"
    )
    assert report.exit_code == 1


def test_prime_intellect_report() -> None:
    (md,) = real(PRIME_MD)
    report = check("prime_intellect.yaml", md)
    # /api/v1 in the doc's paths is the server's base path
    one(
        report,
        "match",
        kind="endpoint",
        line=line_of(md, "GET /api/v1/models"),
        text="GET /models is models.list",
    )
    one(
        report,
        "match",
        kind="endpoint",
        line=line_of(md, "GET /api/v1/models/{model_id}"),
        text="models.retrieve",
    )
    one(
        report,
        "match",
        kind="curl",
        line=line_of(md, "curl -X GET"),
        text="curl GET /models/meta-llama/llama-3.1-70b-instruct is models.retrieve",
    )
    one(report, "match", kind="server", line=line_of(md, "**Base URL:**"))
    one(
        report,
        "match",
        kind="auth",
        line=line_of(md, "X-Prime-Team-ID: <team_id>"),
        pointer="#/components/securitySchemes/TeamId",
    )
    # the Python SDK samples are request examples too
    one(
        report,
        "match",
        kind="example",
        line=line_of(md, "stream = client.chat.completions.create("),
        text="it is the spec's example Streaming",
    )
    one(
        report,
        "match",
        kind="example",
        line=line_of(md, "response = client.chat.completions.create("),
        text="it is the spec's example SdkCompatibility",
    )
    one(
        report,
        "match",
        kind="table",
        line=line_of(md, "| Parameter | Type | Required | Description |"),
    )
    one(
        report,
        "defect",
        kind="unexpanded-variable",
        line=line_of(md, "Bearer $API_KEY"),
        text="$API_KEY inside single quotes",
    )
    assert [f.kind for f in report.group("defect")].count(
        "placeholder"
    ) == 2  # <api_key>, <team_id>


def test_openai_chinese_report() -> None:
    (md,) = real(OPENAI_MD)
    report = check("openai.yaml", md)
    one(
        report,
        "match",
        kind="curl",
        line=line_of(md, "curl https://api.openai.com/v1/models"),
        text="models.list",
    )
    # the response is introduced by Chinese prose ("...响应：")
    one(
        report,
        "match",
        kind="example",
        line=line_of(md, '"id": "cmpl-GERzeJQ4lvqPk8SkZu4XMIuR"') - 1,
        text="the 200 response of completions.create fits its schema; it is the spec's example MakingRequests",
    )
    one(
        report,
        "defect",
        kind="placeholder",
        line=line_of(md, "OpenAI-Organization: YOUR_ORG_ID"),
    )
    coverage = {f.operation: f for f in report.group("coverage")}
    assert set(coverage) == {"models.retrieve", "chat.completions.create"}
    assert (
        coverage["chat.completions.create"].decision
        and "not in our doc excerpt" in coverage["chat.completions.create"].decision
    )


def test_peakprivacy_plain_text_report() -> None:
    (txt,) = real(PEAK_TXT)
    report = check("peakprivacy.yaml", txt)
    # a URL alone on its line names the operation (its path has one method)
    one(
        report,
        "match",
        kind="endpoint",
        line=line_of(txt, "https://api.peakprivacy.ch/v1/ai/completions", 1),
        text="chat.completions.create",
    )
    # responses after "NNN - ..." status lines, even when glued to the previous JSON
    for status, name in (
        ("200", "Success"),
        ("400", "ValidationError"),
        ("401", "Unauthenticated"),
        ("403", "SubscriptionLimit"),
    ):
        hits = found(
            report,
            "match",
            kind="example",
            text=f"the {status} response of chat.completions.create fits its schema; it is the spec's example {name}",
        )
        assert len(hits) == 1, (status, report.group("match"))
    one(
        report,
        "match",
        kind="example",
        line=line_of(txt, "BODY raw") + 1,
        text="it is the spec's example BodyRaw",
    )
    one(
        report,
        "match",
        kind="table",
        line=line_of(txt, "usage SCHEMA") + 1,
        text="'usage SCHEMA: application/json' table (3 rows)",
    )
    one(
        report, "defect", kind="glued-text", line=line_of(txt, "}401 - Unauthenticated")
    )
    one(
        report,
        "defect",
        kind="empty-credential",
        line=line_of(txt, "--header 'Api-token: '"),
    )
    one(
        report,
        "defect",
        kind="dangling-continuation",
        line=line_of(txt, "Response samples") - 1,
    )
    one(report, "defect", kind="placeholder", line=line_of(txt, "..."), text="... item")
    assert report.group("coverage") == []


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "docs-check",
            "--format",
            "json",
            str(SPECS / "peakprivacy.yaml"),
            str(PROVIDER_DOCS / PEAK_TXT),
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["exit_code"] == 0
    assert set(doc["findings"]) == {"match", "drift", "defect", "coverage"}
    assert doc["counts"]["match"] == len(doc["findings"]["match"]) > 0
    first = doc["findings"]["defect"][0]
    assert {"group", "kind", "message", "doc", "line"} <= set(first)
    assert first["doc"].endswith(PEAK_TXT)


# --- edited copies: each change is drift, named by doc line and spec pointer ---------


def test_response_field_renamed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = edited(tmp_path, PRIME_MD, '"owned_by": "meta"', '"owner": "meta"')
    code = main(["docs-check", str(SPECS / "prime_intellect.yaml"), str(doc)])
    out = capsys.readouterr().out
    assert code == 1, out
    line = line_of(doc, '"owner": "meta"')
    assert (
        f"{doc.name}:{line}: #/components/schemas/Model: the 200 response of models.list: data[0].owner is not declared"
        in out
    )
    report = check("prime_intellect.yaml", doc)
    changed = one(report, "drift", kind="example-changed", line=line)
    assert "data[0].owner is new; data[0].owned_by is gone" in changed.message
    assert (
        changed.pointer
        == "#/paths/~1models/get/responses/200/content/application~1json/examples/ListModels/value"
    )


def test_required_response_field_renamed_in_plain_text(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PIENTEGER_TXT,
        '"id": "text-davinci-003",',
        '"model_id": "text-davinci-003",',
    )
    report = check("pienteger.yaml", doc)
    line = line_of(doc, '"model_id"')
    one(
        report,
        "drift",
        kind="undeclared-field",
        line=line,
        pointer="#/components/schemas/Model",
        text="model_id",
    )
    missing = one(report, "drift", kind="missing-required", text="'id'")
    assert (
        missing.pointer == "#/components/schemas/Model" and missing.line == line - 1
    )  # the object's opening brace
    assert report.exit_code == 1


def test_field_type_changed(tmp_path: Path) -> None:
    doc = edited(
        tmp_path, PEAK_TXT, '"created": 1705942239', '"created": "2024-01-22T16:50:39Z"'
    )
    report = check("peakprivacy.yaml", doc)
    bad = one(report, "drift", kind="invalid", line=line_of(doc, '"created": "2024'))
    assert bad.pointer == "#/components/schemas/ChatCompletion/properties/created"
    assert (
        "is not of type 'integer'" in bad.message
        and bad.operation == "chat.completions.create"
    )


def test_field_type_changed_in_a_table(tmp_path: Path) -> None:
    doc = edited(
        tmp_path, PEAK_TXT, "temperature | number or null |", "temperature | string |"
    )
    report = check("peakprivacy.yaml", doc)
    bad = one(
        report, "drift", kind="table", line=line_of(doc, "temperature | string |")
    )
    assert (
        bad.pointer
        == "#/components/schemas/CreateChatCompletionRequest/properties/temperature"
    )
    assert "does not accept string" in bad.message


def test_new_endpoint_with_example(tmp_path: Path) -> None:
    section = (
        "### POST Embeddings\n```\nPOST /api/v1/embeddings\n```\n\nRequest body:\n```json\n"
        '{"model": "nomic-embed", "input": "hello"}\n```\n\n## Streaming'
    )
    doc = edited(tmp_path, PRIME_MD, "## Streaming", section)
    report = check("prime_intellect.yaml", doc)
    endpoint = one(
        report,
        "drift",
        kind="endpoint-missing",
        line=line_of(doc, "POST /api/v1/embeddings"),
    )
    assert (
        endpoint.message == "POST /embeddings is not in the spec"
        and endpoint.pointer == "#/paths"
    )
    example = one(
        report,
        "drift",
        kind="endpoint-missing",
        line=line_of(doc, '"model": "nomic-embed"'),
    )
    assert "request example belongs to POST /embeddings" in example.message
    assert report.exit_code == 1


def test_new_endpoint_curl_in_plain_text(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PEAK_TXT,
        "Get supported models list\n",
        "Delete a model\ncurl --location --request DELETE 'https://api.peakprivacy.ch/v1/ai/models' \\\n--header 'Api-token: api_token'\nGet supported models list\n",
    )
    report = check("peakprivacy.yaml", doc)
    drift = one(
        report, "drift", kind="endpoint-missing", line=line_of(doc, "--request DELETE")
    )
    assert (
        drift.message
        == "DELETE /ai/models is not in the spec: the spec has /ai/models only for GET"
    )
    assert drift.pointer == "#/paths/~1ai~1models"


def test_different_auth_header_in_curl(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        OPENAI_MD,
        "-H 'Authorization: Bearer YOUR_API_KEY'",
        "-H 'api-key: YOUR_API_KEY'",
    )
    report = check("openai.yaml", doc)
    auth = one(report, "drift", kind="auth", line=line_of(doc, "api-key: YOUR_API_KEY"))
    assert auth.pointer == "#/components/securitySchemes/BearerAuth"
    assert (
        "authenticates with api-key" in auth.message
        and "expects Authorization: Bearer (BearerAuth)" in auth.message
    )


def test_different_auth_header_line(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PIENTEGER_MD,
        "```text\nX-Api-Key: YOUR_API_KEY\n```",
        "```text\nAuthorization: Bearer YOUR_API_KEY\n```",
    )
    report = check("pienteger.yaml", doc)
    auth = one(
        report,
        "drift",
        kind="auth",
        line=line_of(doc, "Authorization: Bearer YOUR_API_KEY"),
    )
    assert (
        "Authorization, which is none of the spec's security schemes (X-Api-Key (ApiKeyAuth))"
        in auth.message
    )


def test_bearer_becomes_another_scheme(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PRIME_MD,
        "-H 'Authorization: Bearer $API_KEY'",
        "-H 'Authorization: Token $API_KEY'",
    )
    report = check("prime_intellect.yaml", doc)
    auth = one(report, "drift", kind="auth", line=line_of(doc, "Authorization: Token"))
    assert (
        "Authorization: Token ..." in auth.message
        and auth.pointer == "#/components/securitySchemes/BearerAuth"
    )


def test_fixed_header_changed_and_dropped(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PEAK_TXT,
        "--header 'X-Requested-With: XMLHttpRequest' \\\n--header 'Accept: application/json' \\\n--header 'Content-Type: application/json' \\\n--data-raw",
        "--header 'X-Requested-With: fetch' \\\n--header 'Accept: text/html' \\\n--header 'Content-Type: application/json' \\\n--data-raw",
    )
    report = check("peakprivacy.yaml", doc)
    fixed = one(
        report, "drift", kind="header", line=line_of(doc, "X-Requested-With: fetch")
    )
    assert (
        fixed.pointer == "#/components/parameters/XRequestedWith/schema"
        and "XMLHttpRequest" in fixed.message
    )
    accept = one(report, "drift", kind="media", line=line_of(doc, "Accept: text/html"))
    assert "responds with application/json, text/event-stream" in accept.message
    dropped = edited(
        tmp_path,
        PEAK_TXT,
        "--header 'X-Requested-With: XMLHttpRequest' \\\n--header 'Accept: application/json' \\\n--header 'Content-Type: application/json' \\\nResponse",
        "--header 'Accept: application/json' \\\nResponse",
    )
    report = check("peakprivacy.yaml", dropped)
    missing = one(
        report,
        "drift",
        kind="header",
        text="does not send X-Requested-With: XMLHttpRequest",
    )
    assert (
        missing.line == line_of(dropped, "--request GET")
        and missing.pointer == "#/components/parameters/XRequestedWith"
    )


def test_new_required_request_field(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PRIME_MD,
        '  "stop": ["END"]\n}',
        '  "stop": ["END"],\n  "reasoning_effort": "low"\n}',
    )
    text = doc.read_text(encoding="utf-8").replace(
        "| stop | string/array | No | Stop sequences |",
        "| stop | string/array | No | Stop sequences |\n| reasoning_effort | string | Yes | How hard to think |",
    )
    doc.write_text(text, encoding="utf-8")
    report = check("prime_intellect.yaml", doc)
    body = one(
        report,
        "drift",
        kind="undeclared-field",
        line=line_of(doc, '"reasoning_effort": "low"'),
    )
    assert (
        body.pointer == "#/components/schemas/CreateChatCompletionRequest"
        and "reasoning_effort" in body.message
    )
    row = one(
        report,
        "drift",
        kind="undeclared-field",
        line=line_of(doc, "| reasoning_effort |"),
    )
    assert (
        row.pointer == "#/components/schemas/CreateChatCompletionRequest"
        and "table lists 'reasoning_effort'" in row.message
    )


def test_field_becomes_required_in_a_table(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PIENTEGER_TXT,
        "| max_tokens | integer | Optional |",
        "| max_tokens | integer | Required |",
    )
    report = check("pienteger.yaml", doc)
    drift = one(
        report,
        "drift",
        kind="table",
        line=line_of(doc, "| max_tokens | integer | Required |"),
    )
    assert drift.pointer == "#/components/schemas/CreateCompletionRequest"
    assert "marks 'max_tokens' required" in drift.message


def test_example_lacks_a_required_field(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PEAK_TXT,
        'BODY raw\n{\n"model": "gpt-4-1106-preview",\n',
        "BODY raw\n{\n",
    )
    report = check("peakprivacy.yaml", doc)
    missing = one(
        report, "drift", kind="missing-required", line=line_of(doc, "BODY raw") + 1
    )
    assert "lacks the required field 'model'" in missing.message
    assert missing.pointer == "#/components/schemas/CreateChatCompletionRequest"


def test_server_moved(tmp_path: Path) -> None:
    doc = edited(
        tmp_path,
        PIENTEGER_MD,
        "curl https://api.pienteger.com/oaiv1/completions",
        "curl https://api.pienteger.com/oaiv2/completions",
    )
    report = check("pienteger.yaml", doc)
    server = one(report, "drift", kind="server", line=line_of(doc, "oaiv2"))
    assert (
        server.pointer == "#/servers"
        and "https://api.pienteger.com/oaiv1" in server.message
    )
    # the operation is still recognised, so its body is still checked and matched
    assert found(report, "drift", kind="endpoint-missing") == []
    one(
        report,
        "match",
        kind="example",
        line=line_of(doc, "oaiv2") + 2,
        text="request body of completions.create",
    )


# --- input that cannot be read -------------------------------------------------------


def test_unreadable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "page.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    code = main(
        [
            "docs-check",
            str(SPECS / "openai.yaml"),
            str(tmp_path / "missing.md"),
            str(binary),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "missing.md: no such file" in err and "page.txt: not UTF-8 text" in err
    assert "Traceback" not in err
    broken = tmp_path / "spec.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    assert main(["docs-check", str(broken), str(PROVIDER_DOCS / OPENAI_MD)]) == 2
    assert "invalid YAML" in capsys.readouterr().err


def test_report_never_shows_a_credential(tmp_path: Path) -> None:
    secret = "sk-live-4f9a8b7c6d5e4f3a2b1c"
    doc = edited(
        tmp_path,
        OPENAI_MD,
        "-H 'Authorization: Bearer YOUR_API_KEY' \\\n  -H 'OpenAI-Organization: YOUR_ORG_ID'",
        f"-H 'Authorization: Token {secret}' \\\n  -H 'X-Secret-Key: {secret}'",
    )
    report = check("openai.yaml", doc)
    assert report.exit_code == 1
    assert all(secret not in f.message for f in report.findings)


def test_copy_keeps_name(tmp_path: Path) -> None:
    """The recorded examples are matched by page name, so a renamed page is not paired."""
    renamed = tmp_path / "prime-v2.md"
    shutil.copy(PROVIDER_DOCS / PRIME_MD, renamed)
    report = check("prime_intellect.yaml", renamed)
    assert report.group("drift") == []
    assert not any(
        "it is the spec's example" in f.message for f in report.group("match")
    )


def test_a_decision_is_quoted_but_never_silences_new_drift(tmp_path: Path) -> None:
    """owned_by is decided (string or object); a number is new drift, shown with the decision."""
    doc = edited(tmp_path, PEAK_TXT, '"owned_by": "OpenAI"', '"owned_by": 42')
    report = check("peakprivacy.yaml", doc)
    drift = one(report, "drift", kind="invalid", line=line_of(doc, '"owned_by": 42'))
    assert drift.pointer == "#/components/schemas/Model/properties/owned_by"
    assert drift.decision is not None and drift.decision.startswith(
        "#/components/schemas/Model/properties/owned_by: The schema table says owned_by is an object"
    )
    assert "closest: data[0].owned_by: 42 is not of type" in drift.message

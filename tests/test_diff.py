"""``diff OLD NEW``: one fixture pair per rule, the verdict and where it is reported.

Each directory in ``tests/fixtures/diff/`` holds ``old.yaml`` and
``new.yaml``: the same small spec with one edit. CASES says, for each, every
change the diff must report (rule, breaking, location, pointer) and nothing
else, so a rule that fires where it should not fails too.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.diff import diff_specs, load_side
from generator.errors import SpecError
from generator.load import load_spec
from tests.support.packages import default_specs

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
REAL_OPENAI = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "real-specs"
    / "openai-openapi.yaml"
)

B, NB = True, False
CHAT_JSON = "POST /chat request body (application/json)"
CHAT_200 = "POST /chat response 200 (application/json)"
REQ = "#/components/schemas/ChatRequest/properties"

CASES: dict[str, list[tuple[str, bool, str, str]]] = {
    # operations
    "operation-removed": [
        ("operation-removed", B, "GET /models/{model}", "#/paths/~1models~1{model}/get")
    ],
    "operation-added": [
        ("operation-added", NB, "POST /embeddings", "#/paths/~1embeddings/post")
    ],
    "operation-path-changed": [
        (
            "operation-path-changed",
            B,
            "GET /models/{model}",
            "#/paths/~1model~1{model}/get",
        )
    ],
    "operation-id-changed": [
        (
            "operation-id-changed",
            B,
            "GET /models/{model}",
            "#/paths/~1models~1{model}/get/operationId",
        )
    ],
    "operation-deprecated": [
        (
            "operation-deprecated",
            NB,
            "GET /models/{model}",
            "#/paths/~1models~1{model}/get/deprecated",
        )
    ],
    # parameters
    "parameter-removed": [
        (
            "parameter-removed",
            B,
            "GET /models query parameter 'limit'",
            "#/paths/~1models/get/parameters/0",
        )
    ],
    "parameter-added": [
        (
            "parameter-added",
            NB,
            "GET /models query parameter 'order'",
            "#/paths/~1models/get/parameters/2",
        )
    ],
    "parameter-added-required": [
        (
            "parameter-added-required",
            B,
            "GET /models query parameter 'project'",
            "#/paths/~1models/get/parameters/2",
        )
    ],
    "parameter-made-required": [
        (
            "parameter-made-required",
            B,
            "GET /models query parameter 'limit'",
            "#/paths/~1models/get/parameters/0/required",
        )
    ],
    "parameter-made-optional": [
        (
            "parameter-made-optional",
            NB,
            "GET /models query parameter 'region'",
            "#/paths/~1models/get/parameters/1/required",
        )
    ],
    "parameter-renamed": [
        (
            "parameter-renamed",
            B,
            "GET /models/{model_id} path parameter 'model_id'",
            "#/paths/~1models~1{model_id}/get/parameters/0",
        )
    ],
    "parameter-type-changed": [
        (
            "request-type-changed",
            B,
            "GET /models query parameter 'limit'",
            "#/paths/~1models/get/parameters/0/schema",
        )
    ],
    "parameter-type-widened": [
        (
            "request-type-widened",
            NB,
            "GET /models query parameter 'limit'",
            "#/paths/~1models/get/parameters/0/schema",
        )
    ],
    "parameter-enum-value-removed": [
        (
            "request-enum-value-removed",
            B,
            "GET /models query parameter 'region'",
            "#/paths/~1models/get/parameters/1/schema",
        )
    ],
    "parameter-enum-value-added": [
        (
            "request-enum-value-added",
            NB,
            "GET /models query parameter 'region'",
            "#/paths/~1models/get/parameters/1/schema",
        )
    ],
    # request bodies
    "request-body-removed": [
        (
            "request-body-removed",
            B,
            "POST /chat request body",
            "#/paths/~1chat/post/requestBody",
        )
    ],
    "request-body-made-optional": [
        (
            "request-body-made-optional",
            NB,
            "POST /chat request body",
            "#/paths/~1chat/post/requestBody/required",
        )
    ],
    "request-media-type-removed": [
        (
            "request-media-type-removed",
            B,
            CHAT_JSON,
            "#/paths/~1chat/post/requestBody/content/application~1json",
        ),
        (
            "request-media-type-added",
            NB,
            "POST /chat request body (application/x-www-form-urlencoded)",
            "#/paths/~1chat/post/requestBody/content/application~1x-www-form-urlencoded",
        ),
    ],
    "request-property-removed": [
        (
            "request-property-removed",
            B,
            f"{CHAT_JSON} .temperature",
            f"{REQ}/temperature",
        )
    ],
    "request-property-added": [
        ("request-property-added", NB, f"{CHAT_JSON} .top_p", f"{REQ}/top_p")
    ],
    "request-required-property-added": [
        ("request-required-property-added", B, f"{CHAT_JSON} .user", f"{REQ}/user")
    ],
    "request-property-made-required": [
        (
            "request-property-made-required",
            B,
            f"{CHAT_JSON} .temperature",
            f"{REQ}/temperature",
        )
    ],
    "request-property-made-optional": [
        (
            "request-property-made-optional",
            NB,
            f"{CHAT_JSON} .messages",
            f"{REQ}/messages",
        )
    ],
    "request-nullable-added": [
        (
            "request-nullable-added",
            NB,
            f"{CHAT_JSON} .temperature",
            f"{REQ}/temperature",
        )
    ],
    "request-nullable-removed": [
        ("request-nullable-removed", B, f"{CHAT_JSON} .suffix", f"{REQ}/suffix")
    ],
    "request-type-narrowed": [
        ("request-type-narrowed", B, f"{CHAT_JSON} .temperature", f"{REQ}/temperature")
    ],
    "request-enum-added": [
        ("request-enum-added", B, f"{CHAT_JSON} .model", f"{REQ}/model")
    ],
    "request-enum-removed": [
        (
            "request-enum-removed",
            NB,
            f"{CHAT_JSON} .messages[].role",
            "#/components/schemas/Message/properties/role",
        )
    ],
    "request-variant-removed": [
        ("request-variant-removed", B, f"{CHAT_JSON} .stop", f"{REQ}/stop/anyOf/1")
    ],
    "request-variant-added": [
        ("request-variant-added", NB, f"{CHAT_JSON} .stop", f"{REQ}/stop/anyOf/2")
    ],
    "request-limit-tightened": [
        ("request-limit-tightened", B, f"{CHAT_JSON} .max_tokens", f"{REQ}/max_tokens")
    ],
    "request-limit-relaxed": [
        ("request-limit-relaxed", NB, f"{CHAT_JSON} .max_tokens", f"{REQ}/max_tokens")
    ],
    "request-default-changed": [
        ("request-default-changed", NB, f"{CHAT_JSON} .max_tokens", f"{REQ}/max_tokens")
    ],
    "request-additional-properties-closed": [
        (
            "request-additional-properties-closed",
            B,
            CHAT_JSON,
            "#/components/schemas/ChatRequest",
        )
    ],
    # responses
    "response-property-removed": [
        (
            "response-property-removed",
            B,
            f"{CHAT_200} .usage",
            "#/components/schemas/ChatResponse/properties/usage",
        )
    ],
    "response-property-added": [
        (
            "response-property-added",
            NB,
            f"{CHAT_200} .created",
            "#/components/schemas/ChatResponse/properties/created",
        )
    ],
    "response-property-made-optional": [
        (
            "response-property-made-optional",
            B,
            f"{CHAT_200} .id",
            "#/components/schemas/ChatResponse/properties/id",
        )
    ],
    "response-property-made-required": [
        (
            "response-property-made-required",
            NB,
            f"{CHAT_200} .usage",
            "#/components/schemas/ChatResponse/properties/usage",
        )
    ],
    "response-nullable-added": [
        (
            "response-nullable-added",
            B,
            f"{CHAT_200} .choices[].text",
            "#/components/schemas/Choice/properties/text",
        )
    ],
    "response-nullable-removed": [
        (
            "response-nullable-removed",
            NB,
            f"{CHAT_200} .choices[].logprobs",
            "#/components/schemas/Choice/properties/logprobs",
        )
    ],
    "response-enum-value-added": [
        (
            "response-enum-value-added",
            B,
            f"{CHAT_200} .choices[].finish_reason",
            "#/components/schemas/Choice/properties/finish_reason",
        )
    ],
    "response-enum-value-removed": [
        (
            "response-enum-value-removed",
            B,
            f"{CHAT_200} .choices[].finish_reason",
            "#/components/schemas/Choice/properties/finish_reason",
        )
    ],
    "response-enum-removed": [
        (
            "response-enum-removed",
            B,
            f"{CHAT_200} .choices[].finish_reason",
            "#/components/schemas/Choice/properties/finish_reason",
        )
    ],
    "response-type-widened": [
        (
            "response-type-widened",
            B,
            f"{CHAT_200} .usage.total_tokens",
            "#/components/schemas/Usage/properties/total_tokens",
        )
    ],
    "response-type-narrowed": [
        (
            "response-type-narrowed",
            NB,
            f"{CHAT_200} .usage.cost",
            "#/components/schemas/Usage/properties/cost",
        )
    ],
    "response-type-changed": [
        (
            "response-type-changed",
            B,
            f"{CHAT_200} .id",
            "#/components/schemas/ChatResponse/properties/id",
        )
    ],
    "response-format-changed": [
        (
            "response-format-changed",
            B,
            f"{CHAT_200} .id",
            "#/components/schemas/ChatResponse/properties/id",
        )
    ],
    "response-media-type-removed": [
        (
            "response-media-type-removed",
            B,
            "POST /chat response 200 (text/event-stream)",
            "#/paths/~1chat/post/responses/200/content/text~1event-stream",
        )
    ],
    "response-status-removed": [
        (
            "response-status-removed",
            B,
            "POST /chat response 200",
            "#/paths/~1chat/post/responses/200",
        ),
        (
            "response-status-added",
            NB,
            "POST /chat response 201",
            "#/paths/~1chat/post/responses/201",
        ),
    ],
    "error-response-removed": [
        (
            "error-response-removed",
            NB,
            "POST /chat response 400",
            "#/paths/~1chat/post/responses/400",
        )
    ],
    # streams
    "stream-terminator-changed": [
        (
            "stream-terminator-changed",
            B,
            "POST /chat response 200 (text/event-stream)",
            "#/paths/~1chat/post/responses/200/content/text~1event-stream/x-stream-terminator",
        )
    ],
    "stream-chunk-field-removed": [
        (
            "response-property-removed",
            B,
            "POST /chat response 200 (text/event-stream) chunks .delta",
            "#/components/schemas/ChatChunk/properties/delta",
        )
    ],
    # auth, servers, names
    "security-scheme-changed": [
        (
            "security-scheme-changed",
            B,
            "security scheme ApiKey",
            "#/components/securitySchemes/ApiKey/name",
        )
    ],
    "security-scheme-removed": [
        (
            "security-scheme-removed",
            B,
            "security scheme ApiKey",
            "#/components/securitySchemes/ApiKey",
        ),
        ("security-requirement-relaxed", NB, "security", "#/security"),
    ],
    "security-requirement-added": [
        ("security-requirement-added", B, "security", "#/security"),
        (
            "security-scheme-added",
            NB,
            "security scheme Project",
            "#/components/securitySchemes/Project",
        ),
    ],
    "security-optional-credential-added": [
        ("security-optional-credential-added", NB, "security", "#/security"),
        (
            "security-scheme-added",
            NB,
            "security scheme Project",
            "#/components/securitySchemes/Project",
        ),
    ],
    "credential-renamed": [
        (
            "credential-renamed",
            B,
            "security scheme ApiKey",
            "#/components/securitySchemes/ApiKey/x-env-var",
        )
    ],
    "server-url-changed": [("server-url-changed", B, "servers[0]", "#/servers/0")],
    "server-added": [("server-added", NB, "servers", "#/servers")],
    "package-name-changed": [
        ("package-name-changed", B, "info.x-package-name", "#/info/x-package-name")
    ],
    "client-name-changed": [
        ("client-name-changed", B, "info.x-client-name", "#/info/x-client-name")
    ],
    "version-changed": [("version-changed", NB, "info.version", "#/info/version")],
    # documentation only
    "descriptions-changed": [
        ("description-changed", NB, "POST /chat", "#/paths/~1chat/post/summary"),
        ("description-changed", NB, "POST /chat", "#/paths/~1chat/post/description"),
        ("description-changed", NB, f"{CHAT_JSON} .model", f"{REQ}/model"),
        (
            "description-changed",
            NB,
            f"{CHAT_JSON} .messages[].content",
            "#/components/schemas/Message/properties/content",
        ),
    ],
    # structure, not spelling: a recursive schema, and refs inlined or renamed
    "recursive-schema-changed": [
        (
            "response-type-changed",
            B,
            "GET /models response 200 (application/json) .data[].owned_by",
            "#/components/schemas/Model/properties/owned_by",
        ),
        (
            "response-type-changed",
            B,
            "GET /models/{model} response 200 (application/json) .owned_by",
            "#/components/schemas/Model/properties/owned_by",
        ),
    ],
    "ref-inlined-and-renamed": [],
}


def test_every_fixture_pair_has_a_case_and_back() -> None:
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_pair(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = FIXTURES / case / "old.yaml", FIXTURES / case / "new.yaml"
    code = cli.main(["diff", "--format", "json", str(old), str(new)])
    report = json.loads(capsys.readouterr().out)
    found = sorted(
        (c["rule"], c["breaking"], c["location"], c["pointer"])
        for c in report["changes"]
    )
    assert found == sorted(CASES[case])
    breaking = any(b for _, b, _, _ in CASES[case])
    assert code == (1 if breaking else 0)
    assert report["breaking"] == sum(1 for _, b, _, _ in CASES[case] if b)


def test_the_fixture_base_is_a_valid_spec() -> None:
    from generator.validate import check_spec

    for side in ("old", "new"):
        spec = load_spec(FIXTURES / "operation-added" / f"{side}.yaml")
        assert check_spec(spec, strict=False).errors == []


@pytest.mark.parametrize("spec", default_specs(), ids=lambda p: p.stem)
def test_a_spec_against_itself_has_no_changes(spec: Path) -> None:
    data = load_spec(spec).data
    assert diff_specs(data, copy.deepcopy(data)) == []


def test_the_official_openai_spec_deep_change_is_found_everywhere_it_is_used() -> None:
    """A large real spec with recursive schemas: the diff ends and finds a deep change."""
    data = load_spec(REAL_OPENAI).data
    new = copy.deepcopy(data)
    usage = new["components"]["schemas"]["CompletionUsage"]
    del usage["properties"]["total_tokens"]
    changes = diff_specs(data, new)
    removed = [c for c in changes if c.rule == "response-property-removed"]
    assert removed and all(c.breaking for c in removed)
    assert {c.pointer for c in removed} == {
        "#/components/schemas/CompletionUsage/properties/total_tokens"
    }
    assert any(
        c.location.startswith("POST /chat/completions response 200 (application/json)")
        and c.location.endswith(".usage.total_tokens")
        for c in removed
    )
    assert diff_specs(data, copy.deepcopy(data)) == []


def test_text_and_markdown_reports(capsys: pytest.CaptureFixture[str]) -> None:
    pair = FIXTURES / "request-media-type-removed"
    args = [str(pair / "old.yaml"), str(pair / "new.yaml")]
    assert cli.main(["diff", *args]) == 1
    text = capsys.readouterr().out
    assert "BREAKING: 1 breaking, 1 non-breaking" in text.splitlines()[0]
    breaking_at, other_at = text.index("Breaking (1):"), text.index("Non-breaking (1):")
    assert breaking_at < text.index("[request-media-type-removed]") < other_at
    assert "at #/paths/~1chat/post/requestBody/content/application~1json" in text
    assert cli.main(["diff", "--format", "markdown", *args]) == 1
    md = capsys.readouterr().out
    assert md.startswith("## Spec diff:")
    assert (
        "| POST /chat request body (application/json) | media type application/json removed | `request-media-type-removed` |"
        in md
    )
    assert "### Non-breaking changes" in md


def test_no_changes_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(default_specs()[0])
    assert cli.main(["diff", spec, spec]) == 0
    assert "no changes" in capsys.readouterr().out


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_a_side_can_come_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pair = FIXTURES / "response-property-removed"
    spec = tmp_path / "specs" / "api.yaml"
    spec.parent.mkdir()
    _git(tmp_path, "init", "-q")
    spec.write_text((pair / "old.yaml").read_text())
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "v1")
    spec.write_text((pair / "new.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    assert cli.main(["diff", "HEAD:specs/api.yaml", "specs/api.yaml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("HEAD:specs/api.yaml -> specs/api.yaml: BREAKING")
    assert "[response-property-removed]" in out
    assert cli.main(["diff", "HEAD:specs/api.yaml", "HEAD:specs/api.yaml"]) == 0


@pytest.mark.parametrize(
    "side, message",
    [
        ("HEAD:specs/missing.yaml", "git show HEAD:specs/missing.yaml failed"),
        ("no-such-rev:specs/api.yaml", "git show no-such-rev:specs/api.yaml failed"),
        ("missing.yaml", "no such file"),
    ],
)
def test_unreadable_sides_exit_2_with_a_clear_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    side: str,
    message: str,
) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "api.yaml").write_text(
        (FIXTURES / "operation-added" / "old.yaml").read_text()
    )
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "v1")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["diff", side, "specs/api.yaml"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_invalid_yaml_and_dangling_refs_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = FIXTURES / "operation-added" / "old.yaml"
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: [unclosed\n")
    assert cli.main(["diff", str(good), str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml:" in err and ": #: invalid YAML" in err
    dangling = tmp_path / "dangling.yaml"
    data = yaml.safe_load(good.read_text())
    data["paths"]["/chat"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "#/components/schemas/Nope"}
    dangling.write_text(yaml.safe_dump(data))
    assert cli.main(["diff", str(good), str(dangling)]) == 2
    assert "#/components/schemas/Nope" in capsys.readouterr().err


def test_load_side_outside_a_git_repository(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_side("HEAD:api.yaml", cwd=tmp_path)
    assert "git show HEAD:api.yaml failed" in info.value.findings[0].message

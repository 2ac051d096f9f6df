"""``publish``: bundled specs, Redocly reference pages and the index, checked as a reader sees them.

The pages are opened in headless Chromium with the network switched off,
and the assertions are about the rendered page (what JavaScript produced),
not about the HTML file's bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import cli
from generator.bundle import bundle
from generator.errors import SpecError
from generator.load import load_spec, load_text
from generator.openapi import HTTP_METHODS, iter_refs, resolve_pointer
from generator.publish import MARKER, PublishError, publish, to_json, to_yaml
from generator.validate import check_spec
from tests.support.browser import Browser, file_url
from tests.support.packages import default_specs

FIXTURES = Path(__file__).parent / "fixtures" / "publish"


def expected_operations(spec_path: Path) -> list[tuple[str, str, str]]:
    """(METHOD, path, summary) of every operation, read straight from the file."""
    data = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return [
        (method.upper(), path, op.get("summary", ""))
        for path, item in data["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def is_local(url: str) -> bool:
    """A URL served from the page itself or the disk (workers load as blob:)."""
    return url.startswith(("file:", "data:", "blob:"))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    code = cli.main(["publish", "--out", str(out)])
    assert code == 0
    return out


def test_every_spec_is_published_as_yaml_json_and_html(published: Path) -> None:
    for spec_path in default_specs():
        stem = spec_path.stem
        source = load_spec(spec_path)
        from_yaml = load_text((published / f"{stem}.yaml").read_text("utf-8"), "y")
        from_json = json.loads((published / f"{stem}.json").read_text("utf-8"))
        # Our specs are single files: bundling must not change a thing.
        assert from_yaml.data == source.data
        assert from_json == source.data
        assert yaml.safe_load((published / f"{stem}.yaml").read_text("utf-8")) == (
            source.data
        ), "the YAML must read the same under YAML 1.1 too"
        assert all(ref.startswith("#/") for _, ref in iter_refs(from_json))
        assert (published / f"{stem}.html").stat().st_size > 100_000
    assert (published / MARKER).is_file()
    assert not list(published.parent.glob(".clientgen-publish-*")), "staging left"


def test_index_lists_every_provider_with_its_facts(published: Path) -> None:
    with Browser() as browser:
        browser.open(file_url(published / "index.html"))
        rows = browser.wait_for(
            """Array.from(document.querySelectorAll('#providers tr.provider')).map(r => ({
                stem: r.dataset.stem,
                title: r.querySelector('.title').innerText,
                version: r.querySelector('.version').innerText,
                servers: r.querySelector('.servers').innerText,
                auth: r.querySelector('.auth').innerText,
                count: r.querySelector('.operations').innerText,
                sha256: r.querySelector('.sha256').innerText,
                links: Array.from(r.querySelectorAll('a')).map(a => a.getAttribute('href')),
            }))""",
            lambda rows: bool(rows),
        )
        assert not [u for u in browser.requested_urls() if not is_local(u)]
    by_stem = {row["stem"]: row for row in rows}
    specs = default_specs()
    assert sorted(by_stem) == sorted(p.stem for p in specs)
    for spec_path in specs:
        row = by_stem[spec_path.stem]
        data = yaml.safe_load(spec_path.read_text("utf-8"))
        assert row["title"] == data["info"]["title"]
        assert row["version"] == data["info"]["version"]
        assert row["servers"].split() == [s["url"] for s in data["servers"]]
        assert int(row["count"]) == len(expected_operations(spec_path))
        assert row["sha256"] == hashlib.sha256(spec_path.read_bytes()).hexdigest()
        for scheme in data["components"]["securitySchemes"]:
            assert scheme in row["auth"]
        for link in set(row["links"]):
            assert (published / link).is_file(), link
        assert {f"{spec_path.stem}.{ext}" for ext in ("html", "yaml", "json")} <= set(
            row["links"]
        )
    # A credential in only some security alternatives is optional.
    assert "TeamId" in by_stem["prime_intellect"]["auth"]
    assert "(optional)" in by_stem["prime_intellect"]["auth"]
    assert "(optional)" not in by_stem["pienteger"]["auth"]


_SHOW_BUTTONS = """Array.from(document.querySelectorAll('button')).filter(
    b => b.innerText && b.innerText.trim() === '+ Show')"""


def expand_sections(browser: Browser, summaries: list[str]) -> str:
    """Open each collapsed tag section in turn; the page text seen along the way.

    Sections behave as an accordion: opening one (which navigates to it,
    ``#/models``) closes the one open before, whose button comes back. With
    section ``i - 1`` open, section ``i``'s button is the ``i - 1``-th. The
    section renders a while after the click (longer on a busy machine): its
    text is taken once it shows a summary the page did not show before and
    has then stayed the same for two polls.
    """
    text = "document.body.innerText"
    seen = [browser.evaluate(text)]
    total = browser.evaluate(f"{_SHOW_BUTTONS}.length")
    for i in range(total):
        before = browser.evaluate(text)
        browser.evaluate(f"{_SHOW_BUTTONS}[{max(i - 1, 0)}].click()")
        fresh = [s for s in summaries if s not in before]
        last = [before, before]

        def settled(
            now: str,
            before: str = before,
            last: list[str] = last,
            fresh: list[str] = fresh,
        ) -> bool:
            done = (
                now != before
                and now == last[0] == last[1]
                and (not fresh or any(s in now for s in fresh))
            )
            last[1], last[0] = last[0], now
            return done

        seen.append(browser.wait_for(text, settled, timeout=30))
    return "\n".join(seen)


@pytest.mark.parametrize("spec_path", default_specs(), ids=lambda p: p.stem)
def test_reference_page_renders_every_operation_offline(
    published: Path, spec_path: Path
) -> None:
    ops = expected_operations(spec_path)
    listed = [f"{method}\n{path}" for method, path, _ in ops]
    with Browser() as browser:
        browser.open(file_url(published / f"{spec_path.stem}.html"))
        # Redoc renders sections after the load event, one by one.
        text = browser.wait_for(
            "document.body ? document.body.innerText : ''",
            lambda t: all(entry in t for entry in listed),
        )
        missing = [entry for entry in listed if entry not in text]
        assert not missing, f"operations not on the rendered page: {missing}"
        # Opening the tag sections shows each operation in full, summary first.
        seen = expand_sections(browser, [s for _, _, s in ops])
        assert [s for _, _, s in ops if s not in seen] == []
        outside = [u for u in browser.requested_urls() if not is_local(u)]
        assert outside == [], "the page must not need the network"


def test_publish_to_a_previous_output_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("")
    (out / "old-spec.html").write_text("from an earlier run")
    pienteger = [p for p in default_specs() if p.stem == "pienteger"]
    items, _ = publish(pienteger, out)
    assert [i.stem for i in items] == ["pienteger"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MARKER, "index.html", "pienteger.html", "pienteger.json", "pienteger.yaml"]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _fake_redocly(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "fake-redocly"
    script.write_text(f"#!{sys.executable}\nimport sys\n{body}\n")
    script.chmod(0o755)
    return [str(script)]


def test_a_failed_render_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("")
    (out / "index.html").write_text("previous")
    failing = _fake_redocly(
        tmp_path, "print('Something went wrong in build-docs'); sys.exit(1)"
    )
    with pytest.raises(PublishError, match="Something went wrong in build-docs"):
        publish(default_specs(), out, redocly=failing)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "index.html"]
    assert (out / "index.html").read_text() == "previous"
    assert not list(tmp_path.glob(".clientgen-publish-*"))


def test_missing_redocly_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLIENTGEN_REDOCLY", str(tmp_path / "no-such-redocly"))
    out = tmp_path / "site"
    assert cli.main(["publish", "--out", str(out)]) == cli.EXIT_SPEC_ERROR
    err = capsys.readouterr().err
    assert "Redocly CLI" in err and "npm install @redocly/cli@" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_node_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on it
    assert cli.main(["publish", "--out", str(tmp_path / "site")]) == 2
    assert "Node.js" in capsys.readouterr().err


def test_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="was not written by publish"):
        publish(default_specs(), tmp_path, redocly=["unused"])
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_invalid_spec_publishes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "openapi: 3.1.0\ninfo: {title: Bad, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      responses:\n        '200':\n          $ref: '#/components/responses/Nope'\n"
    )
    out = tmp_path / "site"
    assert cli.main(["publish", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:8: #/paths/~1x/get/responses/200/$ref" in err
    assert not out.exists()


def test_bundling_pulls_other_files_in() -> None:
    bundled = bundle(FIXTURES / "multi" / "api.yaml")
    assert [Path(f).name for f in bundled.files] == [
        "api.yaml",
        "paths.yaml",
        "common.yaml",
    ]
    data = bundled.data
    refs = [ref for _, ref in iter_refs(data)]
    assert refs and all(ref.startswith("#/") for ref in refs)
    for ref in refs:
        resolve_pointer(data, ref)
    schemas = data["components"]["schemas"]
    # The root's own Error stays; the other file's Error comes in under another name.
    assert schemas["Error"]["properties"] == {"code": {"type": "integer"}}
    assert schemas["common_Error"]["properties"] == {"message": {"type": "string"}}
    # Recursion survives: Node's children are Nodes, by reference.
    assert schemas["Node"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/Node"
    }
    # A path item in another file is copied in place.
    assert data["paths"]["/trees"]["get"]["operationId"] == "trees.list"
    assert check_spec(load_text(to_yaml(data), "bundled")).errors == []


def test_bundling_names_the_reference_it_cannot_follow(tmp_path: Path) -> None:
    root = tmp_path / "api.yaml"
    root.write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n"
        "    $ref: 'missing.yaml#/a'\n  /b:\n    $ref: 'https://example.com/b.yaml'\n"
    )
    with pytest.raises(SpecError) as info:
        bundle(root)
    messages = [f.format() for f in info.value.findings]
    assert any("#/paths/~1a/$ref" in m and "does not exist" in m for m in messages)
    assert any("#/paths/~1b/$ref" in m and "remote reference" in m for m in messages)


@pytest.mark.parametrize(
    "value",
    [
        "1e3",
        "0o17",
        "0x1F",
        ".5",
        "+1",
        "yes",
        "on",
        "null",
        "~",
        "10:30",
        "2024-01-01",
        "true",
        "line one\nline two\n",
        "trailing space \n",
        "data: [DONE]\n\n",
        "",
    ],
)
def test_yaml_output_keeps_strings_strings(value: str) -> None:
    data: dict[str, Any] = {"example": value, value or "empty": [value]}
    assert load_text(to_yaml(data), "t").data == data
    assert yaml.safe_load(to_yaml(data)) == data
    assert json.loads(to_json(data)) == data

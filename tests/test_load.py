"""Stage 1: reading spec files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load import load_spec, load_text


def test_yaml_12_core_schema_keeps_strings_strings() -> None:
    spec = load_text(
        "a: yes\nb: on\nc: 10:30\nd: 2024-01-01\ne: 0x1F\nf: 0o17\ng: 1.5e3\nh: ~\ni: true\n",
        "x.yaml",
    )
    assert spec.data == {
        "a": "yes",
        "b": "on",
        "c": "10:30",
        "d": "2024-01-01",
        "e": 31,
        "f": 15,
        "g": 1500.0,
        "h": None,
        "i": True,
    }


def test_mapping_keys_are_strings() -> None:
    spec = load_text(
        "responses:\n  200: {description: ok}\n  true: x\n  null: y\n", "x.yaml"
    )
    assert list(spec.data["responses"]) == ["200", "true", "null"]


def test_merge_keys_still_work() -> None:
    spec = load_text("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n", "x.yaml")
    assert spec.data["derived"] == {"x": 1, "y": 2}


def test_line_of_pointer(tmp_path: Path) -> None:
    text = "openapi: 3.1.0\npaths:\n  /models:\n    get:\n      responses: {}\n"
    spec = load_text(text, "x.yaml")
    assert spec.line_of("#/paths/~1models/get/responses") == 5
    assert spec.line_of("#/paths/~1models/nothing/here") == 3  # nearest existing parent


def test_sha256_is_of_the_file_bytes(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_bytes(b"openapi: 3.1.0\n")
    assert load_spec(p).sha256 == hashlib.sha256(b"openapi: 3.1.0\n").hexdigest()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"a: [1,\n", "invalid YAML"),
        (b"- just\n- a list\n", "must be a mapping"),
        (b"", "must be a mapping"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_specs_raise_located_errors(
    tmp_path: Path, content: bytes, message: str
) -> None:
    p = tmp_path / "bad.yaml"
    p.write_bytes(content)
    with pytest.raises(SpecError) as info:
        load_spec(p)
    (finding,) = info.value.findings
    assert message in finding.message
    assert str(p) in finding.format() or "bad.yaml" in finding.format()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yaml")
    assert "no such file" in str(info.value)


def test_yaml_error_has_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: '1'\n")
    with pytest.raises(SpecError) as info:
        load_spec(p)
    assert info.value.findings[0].line == 4


def _all_paths(node: object, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    import yaml

    yield path
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                yield from _all_paths(v, path + (k.value,))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            yield from _all_paths(v, path + (str(i),))


def _spec_files() -> list[Path]:
    from tests.support.packages import REAL_SPECS, ROOT

    fixtures = [
        p
        for p in sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))
        if p.name != "bad_yaml.yaml"
    ]
    files = sorted((ROOT / "specs").glob("*.yaml")) + fixtures
    return files + [REAL_SPECS / "openai-openapi.yaml"]


@pytest.mark.parametrize("path", _spec_files(), ids=lambda p: p.name)
def test_fast_line_index_agrees_with_the_composed_tree(path: Path) -> None:
    from generator import load
    from generator.openapi import pointer

    text = path.read_text(encoding="utf-8")
    root = load._compose(text)
    assert root is not None
    paths = list(_all_paths(root))
    step = max(1, len(paths) // 5000)  # the official spec has 61k nodes: sample it
    for p in paths[::step]:
        assert load.line_of(text, pointer(p)) == load._composed_line_of(text, p), (
            path.name,
            p,
        )

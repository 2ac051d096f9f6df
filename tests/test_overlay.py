"""Overlays (Overlay Specification 1.0.0): what each action does, and each error, located."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator import overlay
from generator.errors import SpecError
from generator.load import load_spec
from generator.pipeline import check_spec
from tests.support.packages import default_specs

SPEC = """\
openapi: 3.1.0
info:
  title: Small API
  version: 1.0.0
paths:
  /models:
    get:
      operationId: models.list
      tags: [models, public]
      parameters:
        - name: limit
          in: query
          schema:
            type: integer
        - name: legacy
          in: query
          deprecated: true
          schema:
            type: boolean
      responses:
        "200":
          description: The models.
          content:
            application/json:
              schema:
                type: object
  /old:
    get:
      responses:
        "200":
          description: Gone soon.
"""

HEAD = "overlay: 1.0.0\ninfo:\n  title: Fixes\n  version: 1.0.0\n"


def files(tmp_path: Path, *overlays: str, spec: str = SPEC) -> tuple[Path, list[Path]]:
    """The spec as api.yaml and each overlay as fix<N>.yaml (not beside it)."""
    spec_path = tmp_path / "api.yaml"
    spec_path.write_text(spec)
    paths = [tmp_path / f"fix{i}.yaml" for i in range(len(overlays))]
    for path, text in zip(paths, overlays, strict=True):
        path.write_text(text)
    return spec_path, paths


def overlaid(tmp_path: Path, *overlays: str, spec: str = SPEC) -> Any:
    return overlay.load(*files(tmp_path, *overlays, spec=spec))


def problems(tmp_path: Path, *overlays: str, spec: str = SPEC) -> list[str]:
    with pytest.raises(SpecError) as info:
        overlaid(tmp_path, *overlays, spec=spec)
    return [f.format() for f in info.value.findings]


def models_get(spec: Any) -> Any:
    return spec.data["paths"]["/models"]["get"]


# -- what actions do ---------------------------------------------------------------


def test_update_merges_objects_recursively(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths['/models'].get
    update:
      summary: List models
      operationId: models.all
      responses:
        "200":
          description: Every model.
          content:
            application/json:
              schema:
                properties: {data: {type: array}}
""",
    )
    op = models_get(spec)
    assert op["summary"] == "List models"  # added
    assert op["operationId"] == "models.all"  # a primitive replaced
    reply = op["responses"]["200"]
    assert reply["description"] == "Every model."
    assert reply["content"]["application/json"]["schema"] == {
        "type": "object",  # kept
        "properties": {"data": {"type": "array"}},  # merged in
    }
    assert op["tags"] == ["models", "public"]  # untouched


def test_arrays_are_appended_to(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths['/models'].get.parameters
    update: {name: page, in: query, schema: {type: integer}}
  - target: $.paths['/models'].get.tags
    update: [beta, gamma]
  - target: $.paths['/models'].get
    update:
      tags: [delta]
""",
    )
    op = models_get(spec)
    assert [p["name"] for p in op["parameters"]] == ["limit", "legacy", "page"]
    # An array update is concatenated, inside a merge as on a targeted array.
    assert op["tags"] == ["models", "public", "beta", "gamma", "delta"]


def test_remove_from_objects_and_arrays(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths['/old']
    remove: true
  - target: $.paths['/models'].get.parameters[?@.deprecated == true]
    remove: true
  - target: $.paths['/models'].get.tags[?@ == 'public']
    remove: true
""",
    )
    assert list(spec.data["paths"]) == ["/models"]
    assert [p["name"] for p in models_get(spec)["parameters"]] == ["limit"]
    assert models_get(spec)["tags"] == ["models"]


def test_removing_several_items_of_one_array(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + "actions:\n  - target: $.paths['/models'].get.parameters[*]\n"
        "    remove: true\n",
    )
    assert models_get(spec)["parameters"] == []


def test_actions_apply_in_order_each_to_the_result_of_the_last(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths['/models'].get.tags
    remove: true
  - target: $.paths['/models'].get
    update: {tags: [fresh]}
  - target: $.paths['/models'].get.tags
    update: again
""",
    )
    assert models_get(spec)["tags"] == ["fresh", "again"]


def test_several_overlays_apply_in_order(tmp_path: Path) -> None:
    first = HEAD + "actions:\n  - target: $.info\n    update: {title: First}\n"
    second = (
        HEAD + "actions:\n  - target: $.info\n    update: {title: Second, x-a: 1}\n"
    )
    assert overlaid(tmp_path, first, second).data["info"]["title"] == "Second"
    assert overlaid(tmp_path, second, first).data["info"] == {
        "title": "First",
        "version": "1.0.0",
        "x-a": 1,
    }


def test_wildcards_update_every_node_and_a_node_selected_twice_once(
    tmp_path: Path,
) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths.*.get
    update: {x-safe: true}
  - target: $.paths['/models','/models'].get.tags
    update: twice
""",
    )
    assert {item["get"]["x-safe"] for item in spec.data["paths"].values()} == {True}
    assert len(spec.data["paths"]) == 2
    assert models_get(spec)["tags"] == ["models", "public", "twice"]


def test_the_spec_and_yaml_aliases_are_left_alone(tmp_path: Path) -> None:
    aliased = SPEC.replace(
        "          schema:\n            type: integer\n",
        "          schema: &int\n            type: integer\n",
    ).replace(
        "          schema:\n            type: boolean\n",
        "          schema: *int\n",
    )
    spec_path, (fix,) = files(
        tmp_path,
        HEAD + "actions:\n  - target: $.paths['/models'].get.parameters[0].schema\n"
        "    update: {minimum: 1}\n",
        spec=aliased,
    )
    plain = load_spec(spec_path)
    spec = overlay.apply_overlays(plain, overlay.read_overlays([fix]))
    params = models_get(spec)["parameters"]
    assert params[0]["schema"] == {"type": "integer", "minimum": 1}
    assert params[1]["schema"] == {"type": "integer"}  # the alias is its own node
    assert "minimum" not in str(plain.data)  # the spec as loaded is unchanged


def test_no_overlay_means_the_spec_as_loaded(tmp_path: Path) -> None:
    spec_path, _ = files(tmp_path)
    spec = overlay.load(spec_path)
    assert type(spec) is type(load_spec(spec_path))
    assert spec.sha256 == hashlib.sha256(spec_path.read_bytes()).hexdigest()


# -- where overlays come from ------------------------------------------------------


def test_the_overlay_beside_a_spec_applies_first(tmp_path: Path) -> None:
    spec_path, (extra,) = files(
        tmp_path, HEAD + "actions:\n  - target: $.info\n    update: {title: Extra}\n"
    )
    beside = tmp_path / "api.overlay.yaml"
    beside.write_text(
        HEAD + "actions:\n  - target: $.info\n    update: {title: Beside, x-b: 1}\n"
    )
    assert overlay.overlay_files(spec_path) == [beside]
    assert overlay.load(spec_path).data["info"]["title"] == "Beside"
    spec = overlay.load(spec_path, [extra, beside])  # named again: applied once
    assert spec.data["info"] == {"title": "Extra", "version": "1.0.0", "x-b": 1}
    assert overlay.overlay_names(spec) == (beside.as_posix(), extra.as_posix())


def test_two_overlays_beside_one_spec_is_an_error(tmp_path: Path) -> None:
    spec_path, _ = files(tmp_path)
    for name in ("api.overlay.yaml", "api.overlay.json"):
        (tmp_path / name).write_text(HEAD + "actions: []\n")
    with pytest.raises(SpecError, match="api.overlay.yaml and api.overlay.json"):
        overlay.load(spec_path)


def test_overlay_files_are_never_specs() -> None:
    assert overlay.is_overlay_file("specs/openai.overlay.yaml")
    assert overlay.is_overlay_file("x/OPENAI.Overlay.YML")
    assert not overlay.is_overlay_file("specs/openai.yaml")
    assert not [p for p in default_specs() if overlay.is_overlay_file(p)]


def test_an_overlay_given_as_the_spec_says_so(tmp_path: Path) -> None:
    path = tmp_path / "fix.yaml"
    path.write_text(HEAD + "actions:\n  - target: $\n    update: {}\n")
    with pytest.raises(SpecError, match="this is an overlay, not a spec"):
        overlay.load(path)


def test_the_digest_covers_spec_and_overlays_like_sha256sum(tmp_path: Path) -> None:
    fix = HEAD + "actions:\n  - target: $.info\n    update: {title: T}\n"
    spec_path, (fix_path,) = files(tmp_path, fix)
    spec = overlay.load(spec_path, [fix_path])
    shell = subprocess.run(
        f"sha256sum {spec_path.name} {fix_path.name} | cut -c1-64 | sha256sum",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert spec.sha256 == shell.stdout.split()[0]
    fix_path.write_text(fix.replace("title: T", "title: U"))
    assert overlay.load(spec_path, [fix_path]).sha256 != spec.sha256
    assert isinstance(spec, overlay.OverlaidSpec)
    assert spec.source_names == "api.yaml + fix0.yaml"


# -- findings keep their places ----------------------------------------------------


def test_findings_in_the_spec_keep_its_lines_after_items_move(tmp_path: Path) -> None:
    broken = SPEC.replace("            type: boolean", "            type: bolean")
    spec = overlaid(
        tmp_path,
        HEAD + "actions:\n  - target: $.paths['/models'].get.parameters[0]\n"
        "    remove: true\n",
        spec=broken,
    )
    # legacy moved from parameters/1 to parameters/0; its line is still line 19.
    assert broken.splitlines()[18].strip() == "type: bolean"
    found = [
        f.format()
        for f in check_spec(spec).errors
        if f.pointer.startswith("#/paths/~1models/get/parameters")
    ]
    assert any(
        f.startswith(f"{spec.display}:19: #/paths/~1models/get/parameters/0/schema")
        for f in found
    ), found


def test_findings_in_what_an_overlay_wrote_point_into_the_overlay(
    tmp_path: Path,
) -> None:
    spec = overlaid(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths['/models'].get.parameters
    update:
      name: page
      in: query
      schema: {type: strin}
""",
    )
    (finding,) = [
        f for f in check_spec(spec).errors if "/parameters/2/schema" in f.pointer
    ]
    assert finding.file.endswith("fix0.yaml") and finding.line == 10
    # Asked for the spec's line, the nearest node from the spec answers.
    assert (
        spec.line_of(finding.pointer)
        == SPEC.splitlines().index("      parameters:") + 1
    )


# -- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "openapi: 3.1.0\ninfo: {}\n",
            "fix0.yaml:1: #: not an overlay: an OpenAPI spec",
        ),
        ("[1, 2]\n", "fix0.yaml: #: an overlay must be a mapping"),
        (
            HEAD.replace("1.0.0\ninfo", "2.0.0\ninfo") + "actions:\n  - target: $\n"
            "    update: {}\n",
            "fix0.yaml:1: #/overlay: unsupported Overlay version '2.0.0'",
        ),
        (
            HEAD.replace("overlay: 1.0.0", "overlay: 1.0")
            + "actions:\n  - target: $\n    update: {}\n",
            "fix0.yaml:1: #/overlay: the overlay version must be a string",
        ),
        (HEAD, "fix0.yaml:1: #/actions: an overlay needs a non-empty list of actions"),
        (
            HEAD + "actions: []\n",
            "fix0.yaml:5: #/actions: an overlay needs a non-empty list of actions",
        ),
        (
            "overlay: 1.0.0\nactions:\n  - target: $\n    update: {}\n",
            "fix0.yaml:1: #/info: info must be an object",
        ),
        (
            HEAD + "actions:\n  - target: $.paths[\n    update: {}\n",
            (
                "fix0.yaml:6: #/actions/0/target: actions[0]: target $.paths[ is not "
                "RFC 9535 JSONPath"
            ),
        ),
        (
            HEAD + "actions:\n  - target: paths.x\n    update: {}\n",
            "#/actions/0/target: actions[0]: target paths.x is not RFC 9535 JSONPath",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n    update: {}\n    remove: true\n",
            "fix0.yaml:6: #/actions/0: actions[0] has both update and remove: true",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n",
            "fix0.yaml:6: #/actions/0: actions[0] has neither update nor remove: true",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n    remove: false\n",
            "actions[0] has neither update nor remove: true",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n    remove: 'yes'\n",
            "fix0.yaml:7: #/actions/0/remove: actions[0]: remove must be true or false",
        ),
        (
            HEAD + "actions:\n  - update: {}\n",
            "#/actions/0/target: actions[0] needs a target",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n    copy: $.x\n",
            "#/actions/0/copy: actions[0]: unknown field 'copy' (copy is Overlay 1.1)",
        ),
    ],
)
def test_a_bad_overlay_document(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(expected in f for f in found), found


def test_every_problem_of_every_overlay_is_reported(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        HEAD + "actions:\n  - target: $[\n    update: {}\n  - target: $\n",
        "overlay: 9.9.9\n",
    )
    assert [f.split(": ", 2)[1] for f in found] == [
        "#/actions/0/target",
        "#/actions/1",
        "#/overlay",
        "#/info",
        "#/actions",
    ]


def test_a_target_that_matches_nothing(tmp_path: Path) -> None:
    (found,) = problems(
        tmp_path,
        HEAD + "actions:\n  - target: $.info\n    update: {x-ok: 1}\n"
        "  - target: $.paths['/gone'].get\n    update: {summary: S}\n",
    )
    assert found == (
        f"{(tmp_path / 'fix0.yaml').as_posix()}:8: #/actions/1/target: "
        f"actions[1]: target $.paths['/gone'].get matches nothing in "
        f"{(tmp_path / 'api.yaml').as_posix()}"
    )


@pytest.mark.parametrize(
    "action, expected",
    [
        (
            "  - target: $.info.title\n    update: {a: 1}\n",
            (
                "fix0.yaml:6: #/actions/0/target: actions[0]: target $.info.title selects "
                "a string ($['info']['title']); updates apply to objects and arrays"
            ),
        ),
        (
            "  - target: $.info\n    update: New title\n",
            (
                "fix0.yaml:7: #/actions/0/update: actions[0]: update is a string, but "
                "target $.info selects an object ($['info'])"
            ),
        ),
        (
            "  - target: $.info\n    update: [1]\n",
            "update is an array, but target $.info selects an object",
        ),
        (
            "  - target: $.paths['/models'].get\n    update:\n      tags: {a: 1}\n",
            (
                "fix0.yaml:8: #/actions/0/update/tags: actions[0]: update gives an object "
                "for $['paths']['/models']['get']['tags'], which is an array"
            ),
        ),
        (
            "  - target: $.paths['/models'].get\n    update:\n      responses: five\n",
            (
                "update gives a string for $['paths']['/models']['get']['responses'], "
                "which is an object"
            ),
        ),
        (
            "  - target: $\n    remove: true\n",
            "actions[0]: target $ selects the whole document, which cannot be removed",
        ),
    ],
)
def test_an_update_of_the_wrong_kind(
    tmp_path: Path, action: str, expected: str
) -> None:
    found = problems(tmp_path, HEAD + "actions:\n" + action)
    assert any(expected in f for f in found), found


def test_an_action_applies_whole_or_not_at_all(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        HEAD + """\
actions:
  - target: $.paths.*.get
    update:
      operationId: {bad: 1}
  - target: $.paths['/old'].get.operationId
    remove: true
""",
    )
    # The first action conflicts at /models only; had it been applied at /old,
    # the second would have found an operationId there to remove.
    assert len(found) == 2, found
    assert (
        "#/actions/0/update/operationId: actions[0]: update gives an object" in found[0]
    )
    assert "#/actions/1/target: actions[1]: target" in found[1]
    assert "matches nothing" in found[1]

"""``diff OLD NEW``: every change between two versions of a spec, breaking or not, for a client user.

Each side is a spec file or ``REV:path`` (the file as it was at a git
revision, read with ``git show``). See :mod:`.spec` and :mod:`.schema` for
the rules and :mod:`.report` for the output formats.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ..bundle import bundle
from ..errors import Code, Finding, SpecError
from ..load import load_text
from ..openapi import iter_refs, pointer, resolve_pointer
from ..overlay import (
    SUFFIXES,
    Overlay,
    apply_overlays,
    describe,
    overlay_files,
    read_overlay_text,
    read_overlays,
)
from .model import Change
from .report import render
from .spec import diff_specs

__all__ = ["Change", "diff_specs", "load_side", "render"]


def _check_refs(data: dict[str, object], shown: str) -> None:
    """A dangling or external reference makes a side unreadable: say which."""
    problems = []
    for where, ref in iter_refs(data):
        at = pointer(where) + "/$ref"
        if not ref.startswith("#"):
            problems.append(
                Finding(
                    shown,
                    at,
                    f"external reference {ref!r}: give the spec as a file so it can be bundled",
                    code=Code.REF_EXTERNAL,
                )
            )
            continue
        try:
            resolve_pointer(data, ref)
        except KeyError:
            problems.append(
                Finding(
                    shown,
                    at,
                    f"reference {ref!r} does not resolve",
                    code=Code.REF_UNRESOLVED,
                )
            )
    if problems:
        raise SpecError(problems)


def _unreadable(shown: str, message: str, code: Code) -> SpecError:
    return SpecError([Finding(shown, "#", message, code=code)])


def load_side(
    arg: str, cwd: Path | None = None, overlays: Sequence[str | Path] = ()
) -> tuple[str, dict[str, object]]:
    """The spec named by ``arg`` (a file, or ``REV:path`` from git) and how to show it.

    Its overlays apply first: ``<stem>.overlay.yaml`` beside it (for
    ``REV:path``, as it was at that revision), then ``overlays``. Raises
    :class:`SpecError` with a clear message when it cannot be read.
    """
    here = cwd or Path.cwd()
    path = here / arg
    if path.exists() or ":" not in arg:
        bundled = bundle(path if path.exists() else Path(arg))
        files = overlay_files(bundled.root.path, overlays)
        spec = apply_overlays(
            replace(bundled.root, data=bundled.data), read_overlays(files)
        )
        _check_refs(spec.data, spec.display)
        return describe(spec), spec.data
    rev, _, rel = arg.partition(":")
    shown = f"{rev}:{rel}"
    if not rev or not rel:
        raise _unreadable(
            shown,
            "expected REV:path, e.g. HEAD~1:specs/openai.yaml",
            Code.ARGUMENT_INVALID,
        )
    text, reason = _git_show(shown, here)
    if text is None:
        raise _unreadable(
            shown, f"git show {rev}:{rel} failed: {reason}", Code.GIT_FAILED
        )
    spec = load_text(text, shown)
    found = _beside_at(rev, rel, here)
    found += read_overlays(overlays)
    spec = apply_overlays(spec, found)
    _check_refs(spec.data, shown)
    return describe(spec), spec.data


def _beside_at(rev: str, rel: str, here: Path) -> list[Overlay]:
    """The overlay beside ``rel`` as it was at ``rev``, if there was one."""
    for suffix in SUFFIXES:
        name = PurePosixPath(rel).with_name(PurePosixPath(rel).stem + suffix)
        shown = f"{rev}:{name}"
        text, _ = _git_show(shown, here)
        if text is not None:
            return [read_overlay_text(text, shown)]
    return []


def _git_show(shown: str, here: Path) -> tuple[str | None, str]:
    """The text of ``git show REV:path``, or None and git's reason when it has none."""
    try:
        proc = subprocess.run(
            ["git", "show", shown],
            cwd=here,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise _unreadable(
            shown, "git is not installed (needed to read REV:path)", Code.GIT_FAILED
        ) from None
    except subprocess.TimeoutExpired:
        raise _unreadable(
            shown, "git show did not answer in 60 s", Code.GIT_FAILED
        ) from None
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, reason[-1] if reason else "no output"
    try:
        return proc.stdout.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        raise _unreadable(
            shown, f"not UTF-8 text (byte {exc.start})", Code.FILE_UNREADABLE
        ) from None

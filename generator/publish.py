"""``publish``: the specs as documents for people and tools.

For each spec: the bundled spec as YAML and as JSON (one self-contained file
each), an HTML reference rendered by Redocly CLI's ``build-docs`` with Redoc
inlined (so it renders from disk with no network), and one ``index.html``
that lists every provider. Everything is written to a staging directory
first and swapped in only when all of it succeeded, like ``generate``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .bundle import Bundled, bundle
from .errors import Code, Finding, SpecError
from .load import YAML12_IMPLICIT, load_text
from .openapi import iter_operations
from .overlay import apply_overlays, overlay_files, overlay_names, read_overlays
from .template_files import TemplateLoader
from .validate import check_spec

MARKER = ".clientgen-publish"
TEMPLATE = "publish_index.html.j2"
REDOCLY_VERSION = "2.77.0"  # the version package.json pins and the tests run
REDOCLY_VARIABLE = "CLIENTGEN_REDOCLY"
REDOCLY_ENV = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
}
RENDER_TIMEOUT = 600  # seconds per spec; the four specs take ~1-2 s each


class PublishError(Exception):
    """Publishing cannot go ahead (a missing tool, a bad output directory, a failed render)."""


@dataclass(frozen=True)
class Published:
    """One spec as published: the facts the index shows and the files written."""

    stem: str
    title: str
    version: str
    description: str
    servers: tuple[str, ...]
    auth: tuple[str, ...]
    operations: tuple[tuple[str, str, str, str], ...]  # method, path, id, summary
    source: str
    source_files: tuple[str, ...]
    sha256: str  # of the spec file as written by hand
    files: dict[str, str]  # kind ("yaml", "json", "html") -> file name
    file_sha256: dict[str, str]


# -- serialisation -------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """SafeDumper that quotes every string a YAML 1.2 *or* 1.1 reader would not read as a string.

    PyYAML decides whether a string needs quotes with YAML 1.1's rules, under
    which ``1e3`` and ``0o17`` are strings; our loader (and most OpenAPI
    tools) read YAML 1.2, where they are numbers. Adding the 1.2 patterns to
    the resolvers consulted when dumping makes the emitter quote them.
    """


for _tag, _regexp, _first in YAML12_IMPLICIT:
    if _tag.endswith((":int", ":float")):  # 1.1 already quotes 1.2's nulls and bools
        _Dumper.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Block style keeps multi-line descriptions and SSE examples readable; the
    # emitter falls back to quoting by itself when a string cannot be a block.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data: Any) -> str:
    """``data`` as YAML that reads back equal under YAML 1.2 and 1.1 alike."""
    text: str = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return text


def to_json(data: Any) -> str:
    """``data`` as indented JSON, keys in the spec's order."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# -- facts for the index ---------------------------------------------------------


def operations(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(METHOD, path, operationId, summary) for every operation, in spec order."""
    return [
        (
            method.upper(),
            path,
            str(op.get("operationId", "")),
            str(op.get("summary", "")),
        )
        for path, method, op, _ in iter_operations(data)
    ]


def _first_sentence(text: object) -> str:
    if not isinstance(text, str):
        return ""
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def _scheme_text(name: str, scheme: dict[str, Any]) -> str:
    kind = scheme.get("type")
    if kind == "http":
        how = f"HTTP {scheme.get('scheme', '')} (Authorization header)"
        if str(scheme.get("scheme", "")).lower() == "bearer":
            how = "Authorization: Bearer token"
    elif kind == "apiKey":
        how = f"API key in {scheme.get('in', '?')} {scheme.get('name', '?')!s}"
    else:
        how = str(kind)
    return f"{name}: {how}"


def auth_summary(data: dict[str, Any]) -> list[str]:
    """One line per security scheme the API uses: how it is sent, and whether it is needed.

    A scheme in every alternative of the top-level ``security`` is required;
    one in only some alternatives is optional.
    """
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    alternatives = [
        alt for alt in (data.get("security") or []) if isinstance(alt, dict)
    ]
    lines = []
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        used = [name in alt for alt in alternatives]
        if not alternatives or not any(used):
            need = "not required by default"
        elif all(used):
            need = "required"
        else:
            need = "optional"
        lines.append(f"{_scheme_text(name, scheme)} ({need})")
    return lines or ["none"]


# -- rendering -------------------------------------------------------------------


def find_redocly(cwd: Path | None = None) -> list[str]:
    """The command that runs Redocly CLI, or :class:`PublishError` saying how to get it.

    Looked for, in this order: where ``$CLIENTGEN_REDOCLY`` says (a path or a
    command name); ``node_modules/.bin/redocly`` in ``cwd`` (default: the
    current directory) or the nearest parent that has one, as ``npm exec``
    looks; ``redocly`` on ``PATH``.
    """
    start = (cwd or Path.cwd()).resolve()
    how = (
        f"install it in your project with `npm install @redocly/cli@{REDOCLY_VERSION}` "
        f"(Node.js 20 or later), or set {REDOCLY_VARIABLE} to the redocly executable"
    )
    override = os.environ.get(REDOCLY_VARIABLE)
    if override:
        found = shutil.which(override) if os.sep not in override else None
        redocly = Path(found or override)
        if not redocly.is_file():
            raise PublishError(
                f"publish renders HTML with Redocly CLI, and {REDOCLY_VARIABLE}="
                f"{override!r} is neither a file nor a command on PATH: {how}"
            )
    else:
        local = (
            d / "node_modules" / ".bin" / "redocly" for d in (start, *start.parents)
        )
        found = next((str(p) for p in local if p.is_file()), shutil.which("redocly"))
        if found is None:
            raise PublishError(
                "publish renders HTML with Redocly CLI, which was found neither in "
                f"node_modules/.bin/ of {start} (or a parent) nor on PATH: {how}"
            )
        redocly = Path(found)
    if shutil.which("node") is None:
        raise PublishError(
            f"publish runs Redocly CLI ({redocly}), which needs Node.js 20 or later, "
            "and `node` is not on PATH: install Node.js"
        )
    return [str(redocly)]


def _render_pages(
    jobs: list[tuple[Path, Path, str]], redocly: list[str], workdir: Path
) -> None:
    """Run ``build-docs`` for every (spec, page, title) at once; raise on any failure."""
    env = {**os.environ, **REDOCLY_ENV}
    running: list[tuple[Path, subprocess.Popen[bytes]]] = []
    for spec, page, title in jobs:
        cmd = [
            *redocly,
            "build-docs",
            str(spec),
            "--inlineBundle",  # Redoc's scripts in the page: no CDN, works from disk
            "--output",
            str(page),
            "--title",
            title,
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=workdir,  # so no redocly.yaml of the caller's is picked up
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        except OSError as exc:
            for _, p in running:
                p.kill()
            raise PublishError(
                f"cannot run Redocly CLI ({redocly[0]}): {exc}"
            ) from None
        running.append((spec, proc))
    failures = []
    for spec, proc in running:
        try:
            out, _ = proc.communicate(timeout=RENDER_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            failures.append(
                f"{spec.name}: Redocly build-docs did not finish in {RENDER_TIMEOUT}s"
            )
            continue
        if proc.returncode != 0:
            tail = "\n".join(out.decode("utf-8", "replace").strip().splitlines()[-15:])
            failures.append(
                f"{spec.name}: Redocly build-docs failed (exit {proc.returncode}):\n{tail}"
            )
    if failures:
        raise PublishError("\n".join(failures))
    for spec, page, _ in jobs:
        if not page.is_file() or page.stat().st_size == 0:
            raise PublishError(f"{spec.name}: Redocly build-docs wrote no page")
        _localise(page)


# The one thing an --inlineBundle page still fetches: the logo of the "API docs
# by Redocly" badge, from Redocly's CDN (offline the badge just hides it). A
# page opened from disk should make no request at all, so the logo becomes an
# inline SVG with the same attribution. Percent-encoded, so it can sit inside
# the JavaScript string literal that holds the URL.
_BADGE = (
    "data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22"
    "%20width=%2252%22%20height=%2214%22%3E%3Ctext%20x=%220%22%20y=%2211%22"
    "%20font-family=%22sans-serif%22%20font-size=%2211%22%20fill=%22%23555%22"
    "%3ERedocly%3C/text%3E%3C/svg%3E"
)
_CDN_LOGOS = (
    "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
    "https://cdn.redoc.ly/redoc/logo-mini.svg",
)


def _localise(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    for url in _CDN_LOGOS:
        html = html.replace(url, _BADGE)
    page.write_text(html, encoding="utf-8")


def render_index(items: Iterable[Published]) -> str:
    """The index page: one section per provider, static HTML with no scripts."""
    env = jinja2.Environment(
        loader=TemplateLoader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE).render(items=list(items))


# -- the command -------------------------------------------------------------------


def _check_out_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise PublishError(
            f"{out} is not empty and was not written by publish (no {MARKER} in it); "
            "publish replaces its output directory as a whole, so choose another --out "
            "or empty it first"
        )


def prepare(
    paths: list[Path], overlays: Sequence[Path] = ()
) -> list[tuple[str, Bundled]]:
    """Bundle, overlay and validate every spec; :class:`SpecError` with all findings of all specs."""
    errors: list[Finding] = []
    ready: list[tuple[str, Bundled]] = []
    stems: dict[str, str] = {}
    for path in paths:
        try:
            bundled = bundle(path)
            found = read_overlays(overlay_files(bundled.root.path, overlays))
            root = apply_overlays(replace(bundled.root, data=bundled.data), found)
            bundled = Bundled(root, root.data, bundled.files)
        except SpecError as exc:
            errors.extend(exc.findings)
            continue
        # A single-file spec is validated as written, so findings carry its
        # real line numbers; a bundled one as the single document it became.
        spec = (
            bundled.root
            if bundled.single_file
            else load_text(to_yaml(bundled.data), f"{bundled.root.display} (bundled)")
        )
        report = check_spec(spec)
        errors.extend(report.errors)
        stem = bundled.root.path.stem
        if stem in stems:
            errors.append(
                bundled.root.finding(
                    "#",
                    f"publishes as {stem}.* like {stems[stem]}: rename one of them",
                    code=Code.PUBLISH_NAME_DUPLICATE,
                )
            )
            continue
        stems[stem] = bundled.root.display
        ready.append((stem, bundled))
    if errors:
        raise SpecError(errors)
    return ready


def publish(
    paths: list[Path],
    out: Path,
    *,
    redocly: list[str] | None = None,
    overlays: Sequence[Path] = (),
) -> tuple[list[Published], float]:
    """Publish ``paths`` into ``out`` (replaced as a whole); returns what was published and the seconds taken.

    Raises :class:`SpecError` for invalid specs and :class:`PublishError`
    when the tools or the output directory are not usable; in both cases
    ``out`` is left as it was. What is published is each spec as its
    overlays leave it (the one beside it, then ``overlays``).
    """
    started = time.perf_counter()
    out = out.absolute()  # Redocly runs in the staging directory: no relative paths
    _check_out_dir(out)
    command = redocly if redocly is not None else find_redocly()
    ready = prepare(paths, overlays)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".clientgen-publish-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp's 0700 would make the result private
    try:
        items: list[Published] = []
        jobs = []
        for stem, bundled in ready:
            data = bundled.data
            texts = {"yaml": to_yaml(data), "json": to_json(data)}
            files = {kind: f"{stem}.{kind}" for kind in ("yaml", "json", "html")}
            for kind, text in texts.items():
                (staging / files[kind]).write_text(text, encoding="utf-8")
            info = data.get("info") or {}
            title = str(info.get("title", stem))
            jobs.append(
                (staging / files["json"], staging / files["html"], f"{title} reference")
            )
            items.append(
                Published(
                    stem=stem,
                    title=title,
                    version=str(info.get("version", "")),
                    description=_first_sentence(
                        info.get("summary") or info.get("description")
                    ),
                    servers=tuple(
                        str(s.get("url", ""))
                        for s in data.get("servers") or []
                        if isinstance(s, dict)
                    ),
                    auth=tuple(auth_summary(data)),
                    operations=tuple(operations(data)),
                    source=bundled.root.display,
                    source_files=bundled.files + overlay_names(bundled.root),
                    sha256=bundled.root.sha256,
                    files=files,
                    file_sha256={
                        kind: hashlib.sha256(text.encode("utf-8")).hexdigest()
                        for kind, text in texts.items()
                    },
                )
            )
        _render_pages(jobs, command, staging)
        (staging / "index.html").write_text(render_index(items), encoding="utf-8")
        (staging / MARKER).write_text(
            "Written by `python -m generator publish`; replaced as a whole on the next run.\n",
            encoding="utf-8",
        )
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return items, time.perf_counter() - started


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out``; on failure ``out`` is as it was."""
    _check_out_dir(out)  # again: something may have appeared while we rendered
    if not out.exists():
        os.rename(staging, out)
        staging.mkdir()  # the caller removes it
        return
    old = Path(tempfile.mkdtemp(prefix=".clientgen-publish-old-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old, out)
        raise
    staging.mkdir()
    shutil.rmtree(old, ignore_errors=True)

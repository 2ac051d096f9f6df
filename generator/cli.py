"""The command line: ``clientgen`` (or ``python -m generator``) and its commands.

It owns the project layout: specs are read from ``specs/`` and packages
written to ``generated/`` (``publish-out/`` for publish) in the current
directory, unless ``--specs`` / ``--out`` or spec files say otherwise. No
other module knows where a project keeps its files.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import overlay, pipeline
from .changelog import changelog
from .errors import Finding, SpecError, summarize, summarized
from .write import compare, write_packages

EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_SPEC_ERROR = 2
EXIT_INTERNAL = 3

# Relative to the current directory: the user's project, wherever the tool is installed.
SPECS_DIR = Path("specs")
GENERATED_DIR = Path("generated")
PUBLISH_DIR = Path("publish-out")
SPEC_PATTERNS = ("*.yaml", "*.yml")
PACKAGE_DIR = Path(__file__).resolve().parent


class UsageError(Exception):
    """The command cannot run as given (no spec found, an output inside the tool); exit 2."""


def find_specs(directory: Path) -> list[Path]:
    """Every spec file (``*.yaml``, ``*.yml``; overlays beside them are not specs) in ``directory``, sorted."""
    if not directory.is_dir():
        return []
    found = {p for pattern in SPEC_PATTERNS for p in directory.glob(pattern)}
    return sorted(
        (p for p in found if p.is_file() and not overlay.is_overlay_file(p)),
        key=lambda p: p.name,
    )


def _spec_paths(args: argparse.Namespace) -> tuple[list[Path], bool]:
    """The specs to work on, and whether they are a whole directory (so stale packages go).

    Spec files given as arguments win; otherwise every spec in ``--specs DIR``
    (default ``specs/`` in the current directory). Finding none is an error
    that says where it looked.
    """
    if args.specs:
        if args.specs_dir is not None:
            raise UsageError("give spec files or --specs DIR, not both")
        return [Path(s) for s in args.specs], False
    directory = Path(args.specs_dir) if args.specs_dir is not None else SPECS_DIR
    paths = find_specs(directory)
    if not paths:
        where = directory.resolve()
        why = "has no *.yaml or *.yml file" if where.is_dir() else "does not exist"
        raise UsageError(
            f"no spec found: {where} {why}. Run clientgen in a project with a specs/ "
            "folder, or name spec files or --specs DIR"
        )
    return paths, True


def _out_dir(args: argparse.Namespace, default: Path) -> Path:
    """The output directory; never inside the installed tool itself."""
    out = Path(args.out) if args.out else default
    resolved = out.resolve()
    if resolved == PACKAGE_DIR or PACKAGE_DIR in resolved.parents:
        raise UsageError(
            f"{out} is inside clientgen's own package ({PACKAGE_DIR}): choose an "
            "output directory in your project"
        )
    return out


def _add_overlay(p: argparse.ArgumentParser, *names: str, what: str = "") -> None:
    p.add_argument(
        *(names or ("--overlay",)),
        action="append",
        default=[],
        metavar="FILE",
        help=f"an OpenAPI Overlay 1.0 file to apply{what}, after any <spec stem>"
        ".overlay.yaml beside the spec; repeat to apply several, in order",
    )


def _print_findings(findings: Sequence[object]) -> None:
    for f in findings:
        print(f.format() if hasattr(f, "format") else str(f), file=sys.stderr)


def _print_warnings(warnings: Sequence[Finding], verbose: bool) -> int:
    """Print warnings, a kind that repeats once (see ``errors.summarize``); how many were not shown."""
    for line in summarize(warnings, verbose=verbose):
        print(line, file=sys.stderr)
    return 0 if verbose else summarized(warnings)


def _print_not_shown(count: int) -> None:
    if count:
        print(
            f"clientgen: {count} more warning(s) like the examples above were counted, "
            "not listed; --verbose lists every one",
            file=sys.stderr,
        )


def _hint_lenient(errors: Sequence[Finding], lenient: bool) -> None:
    """Say so when every error is of a kind --lenient goes on past (published specs often have them)."""
    if not lenient and pipeline.lenient_would_pass(errors):
        print(
            f"clientgen: none of these {len(errors)} error(s) stops code generation: "
            "--lenient reports them as warnings and generates",
            file=sys.stderr,
        )


def cmd_validate(args: argparse.Namespace) -> int:
    paths, _ = _spec_paths(args)
    failed = False
    not_shown = 0
    for path in paths:
        try:
            spec = overlay.load(path, args.overlay)
        except SpecError as exc:
            _print_findings(exc.findings)
            failed = True
            continue
        report = pipeline.check_spec(spec, strict=args.strict)
        _print_findings(report.errors)
        not_shown += _print_warnings(report.warnings, args.verbose)
        if report.errors:
            failed = True
            print(
                f"{overlay.describe(spec)}: invalid ({len(report.errors)} errors, {len(report.warnings)} warnings)",
                file=sys.stderr,
            )
        else:
            print(f"{overlay.describe(spec)}: valid ({len(report.warnings)} warnings)")
    _print_not_shown(not_shown)
    return EXIT_SPEC_ERROR if failed else EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    paths, whole_dir = _spec_paths(args)
    out = _out_dir(args, GENERATED_DIR)
    started = time.perf_counter()
    try:
        result = pipeline.run(paths, lenient=args.lenient, overlays=args.overlay)
    except SpecError as exc:
        _print_findings(exc.findings)
        _hint_lenient(exc.findings, args.lenient)
        print(f"clientgen: nothing was written to {out}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    not_shown = _print_warnings(result.warnings, args.verbose)
    # The public-surface changelog (issue 5) compares with what is on disk, so
    # it is worked out before the packages are replaced.
    counts = {
        name: (
            sum(len(r.methods) for m in api.resources for r in m.resource.walk()),
            len(api.type_names),
        )
        for name, api in result.apis.items()
    }
    surface_changes = changelog(result.packages, out, counts)
    pruned = write_packages(result.packages, out, prune=whole_dir)
    elapsed = time.perf_counter() - started
    for name, files in result.packages.items():
        print(f"{out / name}: {len(files)} files")
    for name in pruned:
        print(f"{out / name}: removed (its spec is gone)")
    for line in surface_changes:
        print(line)
    print(f"generated {len(result.packages)} package(s) in {elapsed:.2f}s")
    _print_not_shown(not_shown)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    paths, whole_dir = _spec_paths(args)
    out = _out_dir(args, GENERATED_DIR)
    try:
        result = pipeline.run(paths, lenient=args.lenient, overlays=args.overlay)
    except SpecError as exc:
        _print_findings(exc.findings)
        _hint_lenient(exc.findings, args.lenient)
        return EXIT_SPEC_ERROR
    _print_not_shown(_print_warnings(result.warnings, args.verbose))
    problems = compare(result.packages, out, prune=whole_dir)
    if problems:
        for line in problems[:50]:
            print(line)
        if len(problems) > 50:
            print(f"... and {len(problems) - 50} more")
        print(f"{out} is stale: run `clientgen generate` and commit the result")
        return EXIT_DIFFERENT
    print(f"{out}: up to date ({len(result.packages)} packages)")
    return EXIT_OK


# --- docs-check (issue 7) -----------------------------------------------------


def cmd_docs_check(args: argparse.Namespace) -> int:
    """Report where a spec has drifted from doc pages; exit 1 on drift, 2 on unreadable input."""
    from .docs_check import DocsCheckInputError, docs_check, render_json, render_text

    try:
        report = docs_check(args.spec, args.docs, overlays=args.overlay)
    except DocsCheckInputError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        print("clientgen: docs-check could not read its input", file=sys.stderr)
        return EXIT_SPEC_ERROR
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(report))
    return report.exit_code


def _add_docs_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = sub.add_parser(
        "docs-check",
        help="show where a spec has drifted from the provider's doc pages",
        description=(
            "Find the HTTP examples in doc pages (Markdown or pasted text: curl "
            "commands, JSON bodies, endpoint lines, headers, tables), match them "
            "to the spec's operations and check them. Exit 0: no drift; "
            "1: drift; 2: the spec or a page cannot be read."
        ),
    )
    d.add_argument("spec", metavar="SPEC", help="the spec to check")
    d.add_argument("docs", nargs="+", metavar="DOC", help="doc pages (.md, .txt, ...)")
    d.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="report format (default: text)",
    )
    _add_overlay(d)
    d.set_defaults(func=cmd_docs_check)


# -- publish (issue 5) -----------------------------------------------------------


def cmd_publish(args: argparse.Namespace) -> int:
    from . import publish

    paths, _ = _spec_paths(args)
    out = _out_dir(args, PUBLISH_DIR)
    try:
        items, elapsed = publish.publish(paths, out, overlays=args.overlay)
    except SpecError as exc:
        _print_findings(exc.findings)
        print(f"clientgen: nothing was written to {out}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    except publish.PublishError as exc:
        print(f"clientgen: {exc}", file=sys.stderr)
        print(f"clientgen: nothing was written to {out}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    for item in items:
        print(
            f"{out / item.files['html']}: {item.title} {item.version}, "
            f"{len(item.operations)} operations (+ {item.files['yaml']}, {item.files['json']})"
        )
    print(f"{out / 'index.html'}: {len(items)} spec(s) published in {elapsed:.2f}s")
    return EXIT_OK


def _add_publish(sub: Any) -> None:
    p = sub.add_parser(
        "publish",
        help="bundled specs (YAML, JSON), HTML references and an index",
    )
    _add_spec_arguments(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        help="output directory, replaced as a whole (default: ./publish-out)",
    )
    _add_overlay(p)
    p.set_defaults(func=cmd_publish)


# -- diff (issue 5) --------------------------------------------------------------


def cmd_diff(args: argparse.Namespace) -> int:
    from . import diff

    try:
        old_name, old = diff.load_side(
            args.old, overlays=args.overlay + args.old_overlay
        )
        new_name, new = diff.load_side(
            args.new, overlays=args.overlay + args.new_overlay
        )
    except SpecError as exc:
        _print_findings(exc.findings)
        return EXIT_SPEC_ERROR
    changes = diff.diff_specs(old, new)
    sys.stdout.write(diff.render(args.format, old_name, new_name, changes))
    return EXIT_DIFFERENT if any(c.breaking for c in changes) else EXIT_OK


def _add_diff(sub: Any) -> None:
    d = sub.add_parser(
        "diff",
        help="classify every change between two versions of a spec; exit 1 when any breaks clients",
    )
    d.add_argument(
        "old",
        metavar="OLD",
        help="spec file, or REV:path from git (e.g. HEAD~1:specs/openai.yaml)",
    )
    d.add_argument("new", metavar="NEW", help="spec file, or REV:path from git")
    d.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _add_overlay(d, what=" to both sides")
    _add_overlay(d, "--old-overlay", what=" to OLD only")
    _add_overlay(d, "--new-overlay", what=" to NEW only")
    d.set_defaults(func=cmd_diff)


def _add_verbose(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every warning (by default a kind of warning that repeats is "
        "shown once, with its count and an example)",
    )


def _add_spec_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        help="spec files (default: every *.yaml and *.yml in the --specs directory)",
    )
    p.add_argument(
        "--specs",
        dest="specs_dir",
        metavar="DIR",
        help="directory of specs (default: ./specs)",
    )


def parser(prog: str = "clientgen") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Typed Python clients from OpenAPI specs. Run it in your project: specs "
            "are read from ./specs and packages written to ./generated unless "
            "--specs, spec files or --out say otherwise."
        ),
    )
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="render specs into client packages")
    _add_spec_arguments(g)
    g.add_argument(
        "--out", metavar="DIR", help="output directory (default: ./generated)"
    )
    g.add_argument(
        "--lenient",
        action="store_true",
        help="go on past validator errors that do not stop generation",
    )
    _add_verbose(g)
    _add_overlay(g)
    g.set_defaults(func=cmd_generate)

    v = sub.add_parser("validate", help="validate specs only")
    _add_spec_arguments(v)
    v.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (examples, operationIds) as errors",
    )
    _add_verbose(v)
    _add_overlay(v)
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser(
        "check",
        help="exit 1 when the generated packages differ from what generate would write",
    )
    _add_spec_arguments(c)
    c.add_argument(
        "--out", metavar="DIR", help="directory to compare (default: ./generated)"
    )
    c.add_argument("--lenient", action="store_true")
    _add_verbose(c)
    _add_overlay(c)
    c.set_defaults(func=cmd_check)
    _add_docs_check(sub)
    _add_publish(sub)
    _add_diff(sub)
    return p


def main(argv: Sequence[str] | None = None, prog: str = "clientgen") -> int:
    """Run one command; returns the exit code (0 ok, 1 differences, 2 bad input, 3 a bug)."""
    args = parser(prog).parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"clientgen: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    except KeyboardInterrupt:
        return 130
    except pipeline.FormatError as exc:  # the code we generated is wrong: say where
        print(
            f"clientgen: generator bug: {exc}\n"
            "The generated code is wrong, not your spec: please report this with the "
            "spec. Nothing was written.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    # Last resort: a generator bug, said plainly (the traceback on request).
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CLIENTGEN_DEBUG"):
            traceback.print_exc()
        print(
            f"clientgen: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in the generator, not in your spec. Set CLIENTGEN_DEBUG=1 for the traceback.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL

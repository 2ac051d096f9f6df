"""Stage 2: check a loaded spec before anything is generated from it.

Three layers, all findings collected and reported together:

1. structure we rely on: an OpenAPI 3.0/3.1 document whose every ``$ref`` is
   local and resolves (checked first: openapi-spec-validator crashes on
   dangling references without saying where they are);
2. openapi-spec-validator, wrapped so that each error carries the absolute
   JSON pointer of the spec node it is about (the library reports paths
   relative to the sub-schema it happened to be checking);
3. content: every example checked against its schema, and operationIds that
   do not follow the dotted ``resource.method`` convention. These are warnings
   (``--strict`` turns them into errors).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import Code, Finding
from .load import LoadedSpec
from .openapi import (
    deref,
    iter_media_types,
    iter_operations,
    iter_parameters,
    iter_refs,
    locate,
    pointer,
    resolve_pointer,
    spec_version,
)
from .spec_validator import validator_class

SPEC_URI = "urn:clientgen:spec"


@dataclass
class Report:
    """What validation found. ``errors`` stop generation; ``warnings`` do not."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def all(self) -> list[Finding]:
        return [*self.errors, *self.warnings]


def check_structure(spec: LoadedSpec, report: Report) -> bool:
    """The checks generation relies on (a 3.x document, local refs that resolve); cheap."""
    data = spec.data
    if "swagger" in data:
        report.errors.append(
            spec.finding(
                "#/swagger",
                "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.x first",
                code=Code.SWAGGER_2,
            )
        )
        return False
    if spec_version(data) is None:
        report.errors.append(
            spec.finding(
                "#/openapi" if "openapi" in data else "#",
                f"unsupported OpenAPI version {data.get('openapi')!r} (3.0.x and 3.1.x are supported)",
                code=Code.OPENAPI_VERSION_UNSUPPORTED,
            )
        )
        return False
    ok = True
    seen: set[str] = set()
    for where, ref in sorted(iter_refs(data), key=lambda item: pointer(item[0])):
        at = pointer(where) + "/$ref"
        if not ref.startswith("#"):
            report.errors.append(
                spec.finding(
                    at,
                    f"external reference {ref!r} is not supported: bundle the spec into one file first",
                    code=Code.REF_EXTERNAL,
                )
            )
            ok = False
            continue
        if ref in seen:
            continue
        try:
            resolve_pointer(data, ref)
            seen.add(ref)
        except KeyError:
            report.errors.append(
                spec.finding(
                    at,
                    f"reference {ref!r} does not resolve",
                    code=Code.REF_UNRESOLVED,
                )
            )
            ok = False
    if ok:
        ok = _check_ref_cycles(spec, seen, report)
    return ok


def _check_ref_cycles(spec: LoadedSpec, refs: set[str], report: Report) -> bool:
    """Refs that lead only to refs, round in a circle (no schema anywhere on it)."""
    reported: set[frozenset[str]] = set()
    for start in sorted(refs):
        chain = [start]
        node = resolve_pointer(spec.data, start)
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in chain:
                cycle = chain[chain.index(ref) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    report.errors.append(
                        spec.finding(
                            min(cycle) + "/$ref",
                            "$ref cycle with no schema in it: "
                            + " -> ".join(cycle + [ref]),
                            code=Code.REF_CYCLE,
                        )
                    )
                break
            chain.append(ref)
            node = resolve_pointer(spec.data, ref)
    return not reported


def _run_spec_validator(spec: LoadedSpec, version: str, report: Report) -> None:
    data = dict(spec.data)
    paths = data.get("paths")
    if isinstance(paths, dict):
        # openapi-spec-validator crashes (KeyError) on an x- key directly under
        # paths, though OpenAPI allows extensions there.
        data["paths"] = {k: v for k, v in paths.items() if not k.startswith("x-")}
    cls = validator_class(version)
    seen: set[tuple[str, str]] = set()
    errors: list[Any] = []
    stopped: str | None = None
    try:
        # extend keeps what came before a crash of the library
        errors.extend(cls(data).iter_errors())
    except RecursionError:
        stopped = "the spec nests too deeply"
    # The library crashes on some invalid shapes: say so, located at the spec.
    except Exception as exc:  # noqa: BLE001
        # Its referencing errors embed the whole spec: keep the message short.
        stopped = f"{type(exc).__name__}: {str(exc)[:200]}"
    for err in errors:
        if type(err).__name__ == "DuplicateOperationIDError":
            continue  # reported by _check_operation_ids, with the other location
        parts = tuple(getattr(err, "clientgen_parts", ())) + tuple(err.path)
        where = concrete_pointer(spec.data, parts)
        message = _short_message(err)
        if (where, message) in seen:
            continue
        seen.add((where, message))
        report.errors.append(spec.finding(where, message, code=Code.OPENAPI_INVALID))
    if stopped is not None and not report.errors:
        # A crash after real errors is a consequence of them; alone, it is news.
        report.errors.append(
            spec.finding(
                "#",
                f"openapi-spec-validator could not check this spec: {stopped}",
                code=Code.VALIDATOR_FAILED,
            )
        )


def concrete_pointer(data: Any, parts: tuple[Any, ...]) -> str:
    """The pointer of the node that ``parts`` reaches, following ``$ref``s on the way.

    The validator walks through references, so its path can run through a
    ``{"$ref": ...}`` object; point at the definition itself instead, which
    is where the user has to fix it.
    """
    where, used = locate(data, parts)
    return pointer([*where, *parts[used:]])


def _short_message(err: Any) -> str:
    # The jsonschema-rs backend appends "Failed validating ..." paragraphs: the
    # location is already in the pointer, so keep the first line.
    msg = str(getattr(err, "message", err)).strip().split("\n", 1)[0]
    if len(msg) > 300:
        msg = msg[:300] + "..."
    return msg


# --- content checks -----------------------------------------------------------


def example_validator(spec: LoadedSpec, version: str) -> Callable[[str], Any]:
    """Returns ``make(schema_pointer)`` giving a JSON Schema validator for that schema."""
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    registry: Any = Registry().with_resource(
        SPEC_URI, DRAFT202012.create_resource(spec.data)
    )
    cls = OAS31Validator if version == "3.1" else OAS30Validator
    cache: dict[str, Any] = {}

    def make(schema_ptr: str) -> Any:
        if schema_ptr not in cache:
            cache[schema_ptr] = cls({"$ref": SPEC_URI + schema_ptr}, registry=registry)
        return cache[schema_ptr]

    return make


def _media_examples(
    data: Mapping[str, Any], media: Mapping[str, Any], where: str
) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for ``example`` and every ``examples`` entry of a media type or parameter."""
    if "example" in media:
        yield where + "/example", media["example"]
    examples = media.get("examples")
    if isinstance(examples, dict):
        for name, ex in examples.items():
            ex_where = f"{where}/examples/{pointer([name])[2:]}"
            ex, _ = deref(data, ex, ex_where)
            if isinstance(ex, dict) and "value" in ex:
                yield ex_where + "/value", ex["value"]


def _format_validation_error(err: Any) -> str:
    at = (
        "/" + "/".join(str(p) for p in err.absolute_path)
        if err.absolute_path
        else "the top level"
    )
    msg = str(err.message)
    if len(msg) > 200:
        msg = msg[:200] + "..."
    return f"at {at}: {msg}"


class _ExampleChecker:
    """Checks example values against schemas, each pair once, into a report."""

    def __init__(self, spec: LoadedSpec, version: str, report: Report):
        self.spec = spec
        self.report = report
        self.make = example_validator(spec, version)
        self.checked: set[str] = set()

    def warn(
        self, where: str, message: str, code: Code = Code.EXAMPLE_MISMATCH
    ) -> None:
        self.report.warnings.append(self.spec.finding(where, message, "warning", code))

    def check(self, value_where: str, value: Any, schema_where: str, what: str) -> None:
        key = value_where + "|" + schema_where
        if key in self.checked:
            return
        self.checked.add(key)
        try:
            errors = sorted(
                self.make(schema_where).iter_errors(value),
                key=lambda e: list(e.absolute_path),
            )
        except Exception as exc:  # noqa: BLE001 - e.g. a schema already reported
            self.warn(
                value_where,
                f"{what} could not be checked: {exc}",
                Code.EXAMPLE_UNCHECKED,
            )
            return
        for err in errors[:5]:
            self.warn(
                value_where,
                f"{what} does not match its schema {schema_where}: {_format_validation_error(err)}",
            )

    def check_stream(self, media_where: str, media: Mapping[str, Any]) -> None:
        """Each event of a ``text/event-stream`` example against ``x-event-data-schema``."""
        from .runtime.sse import iter_sse

        if "x-event-data-schema" not in media:
            return
        terminator = media.get("x-stream-terminator")
        for value_where, value in _media_examples(self.spec.data, media, media_where):
            if not isinstance(value, str):
                self.warn(
                    value_where,
                    "a text/event-stream example must be a string of SSE lines",
                )
                continue
            for n, event in enumerate(iter_sse([value.encode("utf-8")])):
                if terminator is not None and event.data == terminator:
                    break
                try:
                    payload = json.loads(event.data)
                except ValueError as exc:
                    self.warn(
                        value_where,
                        f"event {n} of the stream example: data is not JSON ({exc})",
                    )
                    continue
                self.check(
                    value_where,
                    payload,
                    media_where + "/x-event-data-schema",
                    f"event {n} of the stream example",
                )


def _check_examples(spec: LoadedSpec, version: str, report: Report) -> None:
    data = spec.data
    checker = _ExampleChecker(spec, version, report)
    for media_where, ctype, media in iter_media_types(data):
        if ctype.startswith("text/event-stream"):
            checker.check_stream(media_where, media)
            continue
        if "schema" not in media:
            continue
        for value_where, value in _media_examples(data, media, media_where):
            checker.check(value_where, value, media_where + "/schema", "example")

    for param, pwhere in iter_parameters(data):
        if "schema" in param:
            for value_where, value in _media_examples(data, param, pwhere):
                checker.check(
                    value_where, value, pwhere + "/schema", "parameter example"
                )


def _check_operation_ids(spec: LoadedSpec, report: Report) -> None:
    seen: dict[str, str] = {}
    for _path, _method, op, where in iter_operations(spec.data):
        op_id = op.get("operationId")
        if not isinstance(op_id, str) or not op_id:
            report.warnings.append(
                spec.finding(
                    where,
                    "operation has no operationId: its method name will be derived from the method and path",
                    "warning",
                    Code.OPERATION_ID_MISSING,
                )
            )
            continue
        if op_id in seen:
            report.errors.append(
                spec.finding(
                    where + "/operationId",
                    f"operationId {op_id!r} is also used at {seen[op_id]} "
                    "(with --lenient the first keeps its name and this one takes "
                    "the next free one, reported by build)",
                    code=Code.OPERATION_ID_DUPLICATE,
                )
            )
        else:
            seen[op_id] = where
        parts = op_id.split(".")
        named = op.get("x-client-method")  # ours: the name, whatever the operationId
        if isinstance(named, str) and len(named.split(".")) >= 2:
            continue
        if len(parts) < 2 or not all(p.isidentifier() for p in parts):
            report.warnings.append(
                spec.finding(
                    where + "/operationId",
                    f"operationId {op_id!r} is not dotted (resource.method, e.g. "
                    "'chat.completions.create'; or name the method with x-client-method)",
                    "warning",
                    Code.OPERATION_ID_UNDOTTED,
                )
            )


def validate_spec(spec: LoadedSpec, *, examples: bool = True) -> Report:
    """Run every check on ``spec``; never raises for problems in the spec itself."""
    report = Report()
    if not check_structure(spec, report):
        return report
    version = spec_version(spec.data)
    assert version is not None
    _run_spec_validator(spec, version, report)
    _check_operation_ids(spec, report)
    if examples:
        _check_examples(spec, version, report)
    return report


# Kinds of error that code generation survives: ``--lenient`` reports them as
# warnings. Every other kind (a reference that does not resolve, a spec the
# validator could not check, ...) stops generation. A $ref cycle with no
# schema in it is typed as Any by build; of two operations with one
# operationId, the first keeps the name and the other is named by build's
# rules (build reports the name it got, ``name-taken``).
LENIENT_CODES = frozenset(
    {
        Code.REF_CYCLE,
        Code.OPENAPI_INVALID,
        Code.OPERATION_ID_DUPLICATE,
        Code.OPERATION_ID_MISSING,
        Code.OPERATION_ID_UNDOTTED,
        Code.EXAMPLE_MISMATCH,
        Code.EXAMPLE_UNCHECKED,
    }
)


def check_spec(
    spec: LoadedSpec, *, lenient: bool = False, strict: bool = False
) -> Report:
    """Validate; ``strict`` makes warnings errors, ``lenient`` softens what generation survives.

    ``validate``, ``generate`` and ``publish`` all judge a spec through this.
    """
    report = validate_spec(spec)
    if strict:
        report.errors.extend(replace(w, severity="error") for w in report.warnings)
        report.warnings = []
    if lenient:
        soften(report)
    return report


def lenient_would_pass(errors: Sequence[Finding]) -> bool:
    """Whether ``--lenient`` would go on past every one of ``errors``."""
    return bool(errors) and all(e.code in LENIENT_CODES for e in errors)


def soften(report: Report) -> None:
    """Lenient mode: errors of a kind in :data:`LENIENT_CODES` become warnings."""
    softened = [
        replace(e, severity="warning") for e in report.errors if e.code in LENIENT_CODES
    ]
    report.errors = [e for e in report.errors if e.code not in LENIENT_CODES]
    report.warnings = softened + report.warnings

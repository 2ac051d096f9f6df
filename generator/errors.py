"""Findings about a spec, with the place they were found, and the error that carries them.

Every finding has a :class:`Code` saying what kind of problem it is. Code
decides by the code (``--lenient`` softens some kinds, see
``validate.LENIENT_CODES``), never by the message, whose wording is for
people and may change. The codes are stable and listed in the README.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Code(str, enum.Enum):
    """What kind of problem a :class:`Finding` is; the value is its stable name."""

    # reading the file (load)
    FILE_NOT_FOUND = "file-not-found"
    FILE_UNREADABLE = "file-unreadable"  # a directory, no permission, not UTF-8
    YAML_INVALID = "yaml-invalid"
    SPEC_NOT_MAPPING = "spec-not-mapping"
    # what generation relies on (validate's structure checks)
    SWAGGER_2 = "swagger-2"
    OPENAPI_VERSION_UNSUPPORTED = "openapi-version-unsupported"
    REF_EXTERNAL = "ref-external"
    REF_UNRESOLVED = "ref-unresolved"
    REF_CYCLE = "ref-cycle"
    # openapi-spec-validator
    OPENAPI_INVALID = "openapi-invalid"
    VALIDATOR_FAILED = "validator-failed"
    # our own checks (validate)
    OPERATION_ID_DUPLICATE = "operation-id-duplicate"
    OPERATION_ID_MISSING = "operation-id-missing"
    OPERATION_ID_UNDOTTED = "operation-id-undotted"
    EXAMPLE_MISMATCH = "example-mismatch"
    EXAMPLE_UNCHECKED = "example-unchecked"
    # several specs together (generate, publish)
    PACKAGE_DUPLICATE = "package-duplicate"
    PUBLISH_NAME_DUPLICATE = "publish-name-duplicate"
    # pulling files together (bundle: publish, diff)
    REF_FILE_MISSING = "ref-file-missing"
    REF_REMOTE = "ref-remote"
    REF_CIRCULAR_COPY = "ref-circular-copy"
    # diff's REV:path argument
    ARGUMENT_INVALID = "argument-invalid"
    GIT_FAILED = "git-failed"
    # overlays
    OVERLAY_INVALID = (
        "overlay-invalid"  # not an overlay, a bad action, a target matching nothing
    )
    # turning the spec into code (build)
    NAME_INVALID = "name-invalid"
    NAME_TAKEN = "name-taken"  # an operation's first name belongs to another one
    SECURITY_UNSUPPORTED = "security-unsupported"
    SERVER_UNUSABLE = "server-unusable"
    PARAMETER_UNSUPPORTED = "parameter-unsupported"
    STREAM_UNTYPED = "stream-untyped"
    STREAM_UNSELECTABLE = "stream-unselectable"  # nothing in the request selects it
    STREAM_UNDECLARED = "stream-undeclared"  # a 'stream' flag without a stream response
    STREAM_IGNORED = "stream-ignored"  # a second stream media type
    STREAM_NO_FOLD = "stream-no-fold"  # get_final_response() unavailable
    STREAM_FOLD_INVALID = "stream-fold-invalid"  # x-stream-fold is not a fold rule
    SCHEMA_UNSUPPORTED = "schema-unsupported"
    SCHEMA_TOO_DEEP = "schema-too-deep"
    GENERATOR_BUG = "generator-bug"
    # a finding made without saying its kind
    UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Finding:
    """One problem in a spec: where it is, what it is, and what kind it is.

    ``severity`` is ``"error"`` (stops generation) or ``"warning"``.
    """

    file: str
    pointer: str
    message: str
    severity: str = "error"
    line: int | None = None
    code: Code = Code.UNCLASSIFIED

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        prefix = "" if self.severity == "error" else "warning: "
        return f"{where}: {self.pointer}: {prefix}{self.message}"


class SpecError(Exception):
    """Raised when a spec cannot be turned into code; carries every finding."""

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(f.format() for f in self.findings))


# What a kind of warning means when it repeats, in the plural: "<count> <this>".
# A kind without a line here is summarized by its code.
REPEATED: dict[Code, str] = {
    Code.OPERATION_ID_MISSING: "operations have no operationId; their method names "
    "are derived from the HTTP method and path",
    Code.OPERATION_ID_UNDOTTED: "operationIds are not dotted like "
    "'chat.completions.create' (resource.method); method names are derived from them",
    Code.EXAMPLE_MISMATCH: "examples do not match their schema",
    Code.EXAMPLE_UNCHECKED: "examples could not be checked against their schema",
    Code.OPENAPI_INVALID: "places are not valid OpenAPI (openapi-spec-validator); "
    "--lenient goes on past them",
    Code.REF_CYCLE: "$ref cycles have no schema in them; typed as Any",
    Code.PARAMETER_UNSUPPORTED: "parameters cannot be sent as declared",
    Code.STREAM_UNTYPED: "event streams cannot be typed as declared",
    Code.SCHEMA_UNSUPPORTED: "schemas are typed more loosely than declared",
    Code.NAME_TAKEN: "operations could not take their first name (another operation "
    "owns it); each got the next one",
    Code.SECURITY_UNSUPPORTED: "security schemes cannot be sent as declared",
    Code.STREAM_UNSELECTABLE: "streams have no request field that selects them; "
    "their methods never stream",
    Code.STREAM_UNDECLARED: "operations have a boolean 'stream' field but declare no "
    "stream; an overlay can declare it",
    Code.STREAM_IGNORED: "second stream media types are ignored; the client streams "
    "the first",
    Code.STREAM_NO_FOLD: "streams have no fold rule; get_final_response() raises on "
    "them (declare one with x-stream-fold)",
}


def summarize(findings: Sequence[Finding], *, verbose: bool = False) -> list[str]:
    """Lines for people: each finding, but a kind of warning that repeats only once.

    Warnings of one kind (one :class:`Code`) in one file are shown as one line
    with their count, what the kind means (:data:`REPEATED`) and the first as
    an example, where the first of them stood. Errors, warnings of one kind
    that occur once, and unclassified warnings (whose kind nobody stated) are
    shown in full. ``verbose`` shows every finding in full.
    """
    groups = {} if verbose else _repeated(findings)
    lines: list[str] = []
    for f in findings:
        group = groups.get((f.file, f.code))
        if group is None or f.severity != "warning":
            lines.append(f.format())
        elif f is group[0]:
            meaning = REPEATED.get(f.code, f"warnings of the kind {f.code.value!r}")
            lines.append(f"{f.file}: warning: {len(group)} {meaning} [{f.code.value}]")
            where = f"{f.file}:{f.line}" if f.line else f.file
            lines.append(f"  e.g. {where}: {f.pointer}: {f.message}")
    return lines


def summarized(findings: Sequence[Finding]) -> int:
    """How many findings :func:`summarize` does not show in full (unless verbose)."""
    return sum(len(group) - 1 for group in _repeated(findings).values())


def _repeated(findings: Sequence[Finding]) -> dict[tuple[str, Code], list[Finding]]:
    """The warnings of a kind that occurs more than once in a file, by (file, kind)."""
    groups: dict[tuple[str, Code], list[Finding]] = {}
    for f in findings:
        if f.severity == "warning" and f.code is not Code.UNCLASSIFIED:
            groups.setdefault((f.file, f.code), []).append(f)
    return {key: group for key, group in groups.items() if len(group) > 1}

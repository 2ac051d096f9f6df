"""Findings about a spec, with the place they were found, and the error that carries them.

Every finding has a :class:`Code` saying what kind of problem it is. Code
decides by the code (``--lenient`` softens some kinds, see
``validate.LENIENT_CODES``), never by the message, whose wording is for
people and may change. The codes are stable and listed in the README.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Sequence


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

"""Turning names from a spec into safe, unique Python identifiers.

The one place identifiers are made. Whatever a spec calls a thing (``fooBar``,
``foo-bar``, ``2fa``, ``class``, ``über``), the result matches
``[A-Za-z_][A-Za-z0-9_]*``, is not a keyword, soft keyword or a name the
surrounding code already uses, and is unique in its scope. The wire name is
kept separately by the caller, so renaming never changes what is sent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")

# Spelled out rather than read from ``keyword``: the set must not depend on
# the Python version running the generator (3.12 added the soft keyword
# "type"), or the same spec would give different code on different machines.
# Soft keywords other than "_" are usable identifiers and are kept: renaming
# every "type" field to "type_" would make clients worse, not safer.
KEYWORDS = frozenset(
    [
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
        "_",
    ]
)


# -- names the generated code already uses, per scope ------------------------
#
# A name from the spec is renamed only where it would clash with one of
# these; elsewhere builtins such as ``id``, ``type``, ``input`` or ``format``
# are kept, since they are what users expect to write.

#: Module-level names of the generated modules (imports from typing, pydantic,
#: the runtime, and modules). Type and resource class names avoid them.
TYPE_RESERVED = frozenset(
    [
        "Any",
        "Dict",
        "List",
        "Literal",
        "Optional",
        "Sequence",
        "Union",
        "Annotated",
        "Required",
        "TypedDict",
        "TypeAlias",
        "TypeAliasType",
        "BaseModel",
        "Field",
        "Discriminator",
        "Tag",
        "TYPE_CHECKING",
        "Mapping",
        "NOT_GIVEN",
        "NotGiven",
        "AsyncStream",
        "Stream",
        "StreamSpec",
        "Body",
        "Headers",
        "Query",
        "Operation",
        "Result",
        "AsyncResource",
        "SyncResource",
        "FileInput",
        "ApiInfo",
        "AsyncAPIClient",
        "SyncAPIClient",
        "BaseClient",
        "AuthScheme",
        "Credential",
        "overload",
        "cached_property",
        "discriminate",
        "datetime",
        "uuid",
        "httpx",
        "warnings",
        "importlib",
        "annotations",
        "APIResponse",
        "AsyncAPIResponse",
        "to_raw_response_wrapper",
        "async_to_raw_response_wrapper",
        "to_streamed_response_wrapper",
        "async_to_streamed_response_wrapper",
        "Awaitable",
        "Callable",
        "DEFAULT_TIMEOUT",
    ]
)

#: Names that can appear inside annotations (a field or argument of that name
#: would shadow them where the annotation is read).
ANNOTATION_NAMES = frozenset(
    [
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "None",
        "datetime",
        "uuid",
        "Any",
        "Dict",
        "List",
        "Literal",
        "Optional",
        "Sequence",
        "Union",
        "Annotated",
        "Required",
        "Field",
        "Discriminator",
        "Tag",
        "discriminate",
        "FileInput",
        "NotGiven",
    ]
)

#: Attribute names a pydantic model already has, and names its annotations use.
MODEL_RESERVED = frozenset(
    [
        "model_config",
        "model_fields",
        "model_computed_fields",
        "model_extra",
        "model_fields_set",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "dict",
        "json",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "copy",
        "schema",
        "schema_json",
        "validate",
        "update_forward_refs",
        "fields",
        "self",
        "list",
    ]
) | {n for n in ANNOTATION_NAMES if n.islower()}

#: Names a generated method's signature and body use besides its arguments.
METHOD_RESERVED = frozenset(
    [
        "self",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "max_retries",
        "result",
        "warnings",
        "httpx",
    ]
) | {n for n in ANNOTATION_NAMES if n.islower()}

#: Attributes the client and resource classes already have.
CLIENT_RESERVED = frozenset(
    [
        "base_url",
        "timeout",
        "max_retries",
        "close",
        "aclose",
        "with_options",
        "copy",
        "types",
        "request",
        "self",
        "with_raw_response",
        "with_streaming_response",
    ]
)

#: Method and sub-resource names of a resource class: besides its attributes,
#: not the names its methods' annotations use (a method ``str`` would shadow
#: ``str`` in the class body).
RESOURCE_RESERVED = (
    CLIENT_RESERVED | {"httpx"} | {n for n in ANNOTATION_NAMES if n.islower()}
)


def is_identifier(name: str) -> bool:
    """True for a plain ASCII identifier (what generated code may contain)."""
    return bool(_IDENT.match(name))


def _ascii_words(text: str) -> list[str]:
    # Transliterate what has an ASCII base letter (é -> e); drop the rest.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _WORD_BOUNDARY.sub(" ", text)
    return [w for w in _NON_WORD.split(text) if w]


def snake(text: str) -> str:
    """``fooBar-baz.qux`` -> ``foo_bar_baz_qux`` (ASCII, may start with a digit or be empty)."""
    return "_".join(w.lower() for w in _ascii_words(text))


def pascal(text: str) -> str:
    """``foo_bar-baz`` -> ``FooBarBaz``; words already capitalised keep their inner case."""
    return "".join(w[:1].upper() + w[1:] for w in _ascii_words(text))


def _fix(name: str, fallback: str, reserved: Iterable[str] | frozenset[str]) -> str:
    if not name:
        name = fallback
    if name[0].isdigit():
        name = fallback + "_" + name
    if name.startswith("__") or name in KEYWORDS or name in reserved:
        name = name.strip("_") or fallback
        if name[0].isdigit():
            name = fallback + "_" + name
        while name in KEYWORDS or name in reserved:
            name = name + "_"
    return name


def snake_identifier(
    text: str, *, fallback: str = "value", reserved: Iterable[str] = ()
) -> str:
    """A snake_case identifier for ``text`` (not yet made unique in its scope)."""
    return _fix(snake(text), fallback, frozenset(reserved))


def pascal_identifier(
    text: str, *, fallback: str = "Model", reserved: Iterable[str] = ()
) -> str:
    """A PascalCase identifier for ``text`` (not yet made unique in its scope)."""
    return _fix(pascal(text), fallback, frozenset(reserved))


class Scope:
    """Hands out unique identifiers within one namespace (a class, a module, a signature).

    The first name to ask for a spelling gets it; later ones get ``_2``, ``_3``...
    Callers ask in spec order, so the result is deterministic.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = set(taken)

    def claim(self, name: str) -> str:
        if name not in self._taken:
            self._taken.add(name)
            return name
        n = 2
        while f"{name}_{n}" in self._taken:
            n += 1
        unique = f"{name}_{n}"
        self._taken.add(unique)
        return unique

    def __contains__(self, name: str) -> bool:
        return name in self._taken

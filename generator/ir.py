"""The intermediate representation: what a client package contains, with no OpenAPI left in it.

``build`` makes it; templates only read it. Every identifier here is already
sanitised, every annotation already spelled, every literal already a value
(templates turn values into source text with the ``py`` filter, never by
pasting). Frozen dataclasses throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union


@dataclass(frozen=True)
class Field:
    """One property of a model or a request TypedDict."""

    name: str  # Python identifier
    wire: str  # JSON key, exactly as the spec spells it
    annotation: str
    required: bool
    description: Optional[str] = None
    deprecated: bool = False
    # The model field's default when absent (optional fields only): the spec's
    # default when it fits the annotation, the only value a one-value Literal
    # can take, else None.
    default: Any = None


@dataclass(frozen=True)
class Model:
    """A pydantic response model."""

    name: str
    description: Optional[str]
    fields: tuple[Field, ...]
    pointer: str  # where in the spec it comes from
    kind: str = "model"
    # additionalProperties given as a schema: the type of the extra fields' values
    extra: Optional[str] = None


@dataclass(frozen=True)
class TypedDictDef:
    """A request-side object: a TypedDict keyed by wire names.

    ``functional`` when a key is not a usable identifier, so the
    ``TypedDict("Name", {...})`` form keeps the wire key exactly.
    """

    name: str
    description: Optional[str]
    fields: tuple[Field, ...]
    functional: bool
    pointer: str
    kind: str = "typeddict"


@dataclass(frozen=True)
class Alias:
    """A named type expression (an enum's Literal, a union, a list...)."""

    name: str
    annotation: str
    description: Optional[str]
    pointer: str
    kind: str = "alias"
    # Recursive through other aliases: rendered as TypeAliasType("Name", "<annotation>"),
    # evaluated on first use instead of at import.
    lazy: bool = False


Definition = Union[Model, TypedDictDef, Alias]  # templates dispatch on .kind


@dataclass(frozen=True)
class TypeModule:
    """One module of ``types/``: definitions that refer to each other live together."""

    name: str  # module name, e.g. "chat_completion"
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (sibling module, names)
    definitions: tuple[Definition, ...]  # in an order where bases come first
    # Names imported only when used: discriminated unions and lazy aliases.
    extras: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Param:
    """One argument of a generated method."""

    name: str  # Python identifier
    wire: str  # name on the wire (path/query/header name, JSON key)
    location: str  # "path" | "query" | "header" | "body" | "body_whole"
    annotation: str  # full annotation, "Union[..., NotGiven]" when optional (Union, not |: black and ruff split a long "|" differently)
    required: bool
    description: Optional[str] = None
    deprecated: bool = False
    file: bool = False  # a multipart field that takes files (the spec says binary)


@dataclass(frozen=True)
class StreamInfo:
    """How a method streams."""

    chunk_annotation: str  # annotation of one item
    chunk_runtime: str  # expression giving the runtime type (same text, evaluated)
    terminator: Optional[str]
    terminator_required: bool  # the stream must end with it (else: it ends early)
    param: Optional[str]  # Python name of the argument that selects streaming
    param_wire: Optional[str]
    param_nullable: bool
    always: bool  # the operation only streams (no JSON alternative)
    # The argument's value that selects streaming: True for a boolean
    # ``stream``, e.g. "sse" for an enum ``stream_format``. The overloads
    # annotate the argument with ``off`` (no stream; it may be omitted),
    # ``on`` (a stream) and ``any`` (either, when not known statically).
    on_value: Any = True
    on_annotation: str = "Literal[True]"
    off_annotation: str = "Literal[False]"
    any_annotation: str = "bool"


@dataclass(frozen=True)
class Method:
    """One operation as a method of a resource."""

    name: str
    const: str  # module-level name of its runtime Operation descriptor
    http_method: str
    path: str
    summary: Optional[str]
    description: Optional[str]
    params: tuple[Param, ...]  # path params first (positional), then keyword-only
    body_kind: Optional[str]  # "json" | "form" | "multipart" | "binary" | None
    result_kind: str  # "json" | "text" | "bytes" | "none"
    result_annotation: str  # e.g. "ChatCompletion", "None"
    result_runtime: str  # expression for the runtime type ("None" when no body)
    stream: Optional[StreamInfo]
    fixed_headers: tuple[tuple[str, str], ...]
    security: Optional[tuple[tuple[str, ...], ...]]  # None: the API's default
    slash_params: tuple[str, ...]
    drop_none: tuple[str, ...]
    accept: Optional[str]
    deprecated: bool
    pointer: str
    doc: Optional[str] = None  # the docstring: summary, description, arguments
    # (wire name, style, explode) of parameters not serialised the default way
    # (query: form, exploded; path and header: simple); style "json" sends JSON text.
    styles: tuple[tuple[str, str, bool], ...] = ()

    @property
    def positional(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def keyword(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location != "path")

    def by_location(self, location: str) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == location)

    @property
    def file_fields(self) -> tuple[str, ...]:
        """Wire names of the multipart fields that take files."""
        return tuple(p.wire for p in self.params if p.file)


@dataclass(frozen=True)
class Resource:
    """A group of methods (``client.chat.completions``), possibly with sub-resources."""

    attr: str  # attribute name on its parent
    class_name: str  # sync class; the async class is "Async" + class_name
    methods: tuple[Method, ...]
    children: tuple["Resource", ...]
    description: Optional[str] = None

    def walk(self) -> tuple["Resource", ...]:
        """This resource and all its descendants, parents first."""
        out: list[Resource] = [self]
        for child in self.children:
            out.extend(child.walk())
        return tuple(out)


@dataclass(frozen=True)
class ResourceModule:
    """One module of ``resources/``: a top-level resource and its descendants."""

    name: str
    resource: Resource
    type_imports: tuple[tuple[str, tuple[str, ...]], ...]  # (types module, names)
    # Names imported only when used (discriminated unions in result types).
    extras: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Credential:
    name: str  # constructor keyword
    env: Optional[str]
    required: bool
    description: Optional[str]


@dataclass(frozen=True)
class Scheme:
    key: str  # the spec's scheme name
    credential: str
    location: str  # "header" | "query" | "cookie"
    name: str  # header / parameter / cookie name
    prefix: str


@dataclass(frozen=True)
class Api:
    """Everything one generated package contains."""

    package: str
    client_name: str
    title: str
    version: str
    description: Optional[str]
    base_url: str
    base_url_env: str
    spec_name: str  # shown in file headers
    spec_sha256: str
    credentials: tuple[Credential, ...]
    schemes: tuple[Scheme, ...]
    security: tuple[tuple[str, ...], ...]
    resources: tuple[ResourceModule, ...]
    type_modules: tuple[TypeModule, ...]
    client_doc: str = ""
    async_client_doc: str = ""
    package_doc: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def type_names(self) -> tuple[tuple[str, str], ...]:
        """(name, module) for every definition, sorted by name."""
        return tuple(
            sorted((d.name, m.name) for m in self.type_modules for d in m.definitions)
        )

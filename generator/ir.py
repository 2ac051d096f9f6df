"""The intermediate representation: what a client package contains, with no OpenAPI left in it.

``build`` makes it; templates only read it. Every identifier here is already
sanitised, every type a node of :mod:`generator.ir_types` (templates write it
with the ``type`` filter), every literal already a value (templates turn
values into source text with the ``py`` filter, never by pasting). Frozen
dataclasses throughout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .ir_types import DictOf, NotGivenOr, RequiredKey, StreamOf, TypeNode, UnionOf


@dataclass(frozen=True)
class Field:
    """One property of a model or a request TypedDict."""

    name: str  # Python identifier
    wire: str  # JSON key, exactly as the spec spells it
    type: TypeNode
    required: bool
    description: str | None = None
    deprecated: bool = False
    # The model field's default when absent (optional fields only): the spec's
    # default when it fits the type, the only value a one-value Literal
    # can take, else None.
    default: Any = None

    @property
    def needs_field_call(self) -> bool:
        """A model field declared with ``Field(...)`` (an alias, or deprecated)."""
        return self.name != self.wire or self.deprecated

    @property
    def key_type(self) -> TypeNode:
        """Its type as a TypedDict key: ``Required[...]`` when required."""
        return RequiredKey(self.type) if self.required else self.type


@dataclass(frozen=True)
class Model:
    """A pydantic response model."""

    name: str
    description: str | None
    fields: tuple[Field, ...]
    pointer: str  # where in the spec it comes from
    kind: str = "model"
    # additionalProperties given as a schema: the type of the extra fields' values
    extra: TypeNode | None = None

    @property
    def extra_type(self) -> TypeNode | None:
        """The type of ``__pydantic_extra__`` when extra fields are typed."""
        return DictOf(self.extra) if self.extra is not None else None


@dataclass(frozen=True)
class TypedDictDef:
    """A request-side object: a TypedDict keyed by wire names.

    ``functional`` when a key is not a usable identifier, so the
    ``TypedDict("Name", {...})`` form keeps the wire key exactly.
    """

    name: str
    description: str | None
    fields: tuple[Field, ...]
    functional: bool
    pointer: str
    kind: str = "typeddict"


@dataclass(frozen=True)
class Alias:
    """A named type expression (an enum's Literal, a union, a list...)."""

    name: str
    type: TypeNode
    description: str | None
    pointer: str
    kind: str = "alias"
    # Recursive through other aliases: rendered as TypeAliasType("Name", "<annotation>"),
    # evaluated on first use instead of at import.
    lazy: bool = False


Definition = Model | TypedDictDef | Alias  # templates dispatch on .kind


@dataclass(frozen=True)
class ImportLine:
    """One import statement: ``import module`` (no names) or ``from module import names``."""

    module: str  # as written: "typing", ".._runtime", ".chat_completion"
    names: tuple[str, ...] = ()


# A module's import statements in sections (standard library, third party, the
# package itself), each sorted: exactly the names the module uses.
ImportSections = tuple[tuple[ImportLine, ...], ...]


@dataclass(frozen=True)
class TypeModule:
    """One module of ``types/``: definitions that refer to each other live together."""

    name: str  # module name, e.g. "chat_completion"
    imports: ImportSections
    definitions: tuple[Definition, ...]  # in an order where bases come first


@dataclass(frozen=True)
class Param:
    """One argument of a generated method."""

    name: str  # Python identifier
    wire: str  # name on the wire (path/query/header name, JSON key)
    location: str  # "path" | "query" | "header" | "body" | "body_whole"
    type: TypeNode  # NotGivenOr(...) when optional
    required: bool
    description: str | None = None
    deprecated: bool = False
    file: bool = False  # a multipart field that takes files (the spec says binary)


@dataclass(frozen=True)
class StreamInfo:
    """How a method streams, and what the stream folds into."""

    chunk: TypeNode  # the type of one item (also given to the runtime)
    terminator: str | None
    terminator_required: bool  # the stream must end with it (else: it ends early)
    param: str | None  # Python name of the argument that selects streaming
    param_wire: str | None
    param_nullable: bool
    always: bool  # the operation only streams (no JSON alternative)
    # The argument's value that selects streaming: True for a boolean
    # ``stream``, e.g. "sse" for an enum ``stream_format``. The overloads
    # type the argument with ``off`` (no stream; it may be omitted),
    # ``on`` (a stream) and ``any`` (either, when not known statically).
    on_value: Any = True
    on_type: TypeNode | None = None
    off_type: TypeNode | None = None
    any_type: TypeNode | None = None
    media_type: str = "text/event-stream"  # the wire format's media type
    # SSE event name -> its data's type, for streams whose event names say
    # what each event is (``chunk`` is then their union)
    events: tuple[tuple[str, TypeNode], ...] = ()
    # What ``get_final_response()`` returns, and the fold rule (JSON text, in
    # the runtime's format) that builds it; None: the stream does not fold.
    final: TypeNode | None = None
    fold: str | None = None
    # The boolean flag's default streams (Ollama's ``stream: true``): the call
    # sends ``false`` unless asked for a stream.
    send_off: bool = False
    # Body fields always sent: a stream-only variant's flag (``stream: true``).
    send_always: tuple[tuple[str, Any], ...] = ()

    @property
    def off_argument(self) -> TypeNode | None:
        """The argument's type in the overload that does not stream (it may be left out)."""
        return NotGivenOr(self.off_type) if self.off_type is not None else None

    @property
    def fold_rule(self) -> dict[str, Any] | None:
        """The fold rule as data, for the template to write."""
        return None if self.fold is None else dict(json.loads(self.fold))

    @property
    def event_stream(self) -> bool:
        return self.media_type == "text/event-stream"


@dataclass(frozen=True)
class Method:
    """One operation as a method of a resource."""

    name: str
    const: str  # module-level name of its runtime Operation descriptor
    http_method: str
    path: str
    summary: str | None
    description: str | None
    params: tuple[Param, ...]  # path params first (positional), then keyword-only
    body_kind: str | None  # "json" | "form" | "multipart" | "binary" | None
    result_kind: str  # "json" | "text" | "bytes" | "none"
    result: (
        TypeNode  # what a call that does not stream returns: a model, str, bytes, None
    )
    json_result: TypeNode  # the JSON body's type, given to the runtime (None: not JSON)
    stream: StreamInfo | None
    fixed_headers: tuple[tuple[str, str], ...]
    security: tuple[tuple[str, ...], ...] | None  # None: the API's default
    slash_params: tuple[str, ...]
    drop_none: tuple[str, ...]
    accept: str | None
    deprecated: bool
    pointer: str
    doc: str | None = None  # the docstring: summary, description, arguments
    # (wire name, style, explode) of parameters not serialised the default way
    # (query: form, exploded; path and header: simple); style "json" sends JSON text.
    styles: tuple[tuple[str, str, bool], ...] = ()
    # Query parameters the spec's path fixes (``/responses?beta=true``): always sent.
    fixed_query: tuple[tuple[str, str], ...] = ()

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

    def streamed(self, asynchronous: bool) -> TypeNode | None:
        """What a streaming call returns (``Stream[Chunk]``), if the method streams."""
        if self.stream is None:
            return None
        return StreamOf(self.stream.chunk, asynchronous, self.stream.final)

    def either(self, asynchronous: bool) -> TypeNode:
        """What a call returns when whether it streams is not known statically."""
        streamed = self.streamed(asynchronous)
        if streamed is None:
            return self.result
        return UnionOf((self.result, streamed))

    def returns(self, asynchronous: bool) -> TypeNode:
        """The return type of a method without overloads: its stream if it always
        streams, else its result."""
        return self.streamed(asynchronous) or self.result


@dataclass(frozen=True)
class Resource:
    """A group of methods (``client.chat.completions``), possibly with sub-resources."""

    attr: str  # attribute name on its parent
    class_name: str  # sync class; the async class is "Async" + class_name
    methods: tuple[Method, ...]
    children: tuple[Resource, ...]
    description: str | None = None

    def walk(self) -> tuple[Resource, ...]:
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
    imports: ImportSections


@dataclass(frozen=True)
class Credential:
    name: str  # constructor keyword
    env: str | None
    required: bool
    description: str | None


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
    description: str | None
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
    client_imports: ImportSections = ()  # of _client.py
    # The response header carrying the request id, when the spec names one.
    request_id_header: str | None = None

    @property
    def type_names(self) -> tuple[tuple[str, str], ...]:
        """(name, module) for every definition, sorted by name."""
        return tuple(
            sorted((d.name, m.name) for m in self.type_modules for d in m.definitions)
        )

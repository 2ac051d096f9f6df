"""Type nodes: the closed set of Python types the IR carries, and how each is written.

``build`` composes these frozen dataclasses; nothing downstream reads an
annotation back. Three functions say everything about a node:

* :func:`annotation`: its Python source text, the one place annotations are
  spelled (templates reach it through ``render``'s ``type`` filter);
* :func:`imports`: what a generated module must import to write it (names of
  the package's own ``types/`` excepted: :func:`refs` lists those);
* :func:`names`: every identifier the text uses (so a TypedDict key that
  would shadow one is written in the functional form).

Nodes hold only identifiers checked here and JSON scalars written with
``repr``, so no text from a spec can become code through a type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .names import is_identifier


@dataclass(frozen=True, order=True)
class Import:
    """``import module`` (``name`` None) or ``from module import name``.

    A module starting with ``.`` is relative to the generated package's root
    (``._runtime``); the module that imports it adds the dots of its depth.
    """

    module: str
    name: str | None = None


# Primitive types: their text, and the module their text needs.
_PRIMITIVES: dict[str, Import | None] = {
    "str": None,
    "int": None,
    "float": None,
    "bool": None,
    "bytes": None,
    "None": None,
    "datetime.datetime": Import("datetime"),
    "datetime.date": Import("datetime"),
    "datetime.time": Import("datetime"),
    "datetime.timedelta": Import("datetime"),
    "uuid.UUID": Import("uuid"),
}
_TYPING = "typing"
_EXTENSIONS = "typing_extensions"
_RUNTIME = "._runtime"


@dataclass(frozen=True)
class AnyType:
    """``Any``: whatever the schema allows is not typed further."""


@dataclass(frozen=True)
class Prim:
    """A builtin or standard-library scalar: ``str``, ``None``, ``datetime.date``..."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in _PRIMITIVES:
            raise ValueError(f"not a primitive type: {self.name!r}")


def _literal_key(values: tuple[object, ...]) -> tuple[tuple[str, object], ...]:
    return tuple((type(v).__name__, v) for v in values)


@dataclass(frozen=True, eq=False)
class Lit:
    """``Literal[...]`` of strings, integers and booleans (``True`` is not ``1``)."""

    values: tuple[str | int | bool, ...]

    def __post_init__(self) -> None:
        if not self.values or not all(
            isinstance(v, (str, int, bool)) for v in self.values
        ):
            raise ValueError(f"not Literal values: {self.values!r}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lit) and _literal_key(self.values) == _literal_key(
            other.values
        )

    def __hash__(self) -> int:
        return hash(_literal_key(self.values))


@dataclass(frozen=True)
class ListOf:
    """``List[X]`` (responses: a list you may change) or ``Sequence[X]`` (arguments)."""

    item: TypeNode
    mutable: bool = True


@dataclass(frozen=True)
class DictOf:
    """``Dict[str, X]``: a JSON object's values."""

    value: TypeNode


@dataclass(frozen=True)
class Ref:
    """A named definition of the package's ``types/`` (a model, TypedDict or alias)."""

    name: str

    def __post_init__(self) -> None:
        if not is_identifier(self.name):
            raise ValueError(f"not an identifier: {self.name!r}")


@dataclass(frozen=True)
class UnionOf:
    """``Union[A, B, ...]`` (members in spec order, as given)."""

    members: tuple[TypeNode, ...]


@dataclass(frozen=True)
class Nullable:
    """``Optional[X]``."""

    inner: TypeNode


@dataclass(frozen=True)
class Discriminated:
    """A union pydantic picks by a Literal field:
    ``Annotated[Union[...], Field(discriminator="type")]``."""

    union: TypeNode
    field: str  # the members' Python field name

    def __post_init__(self) -> None:
        if not is_identifier(self.field):
            raise ValueError(f"not an identifier: {self.field!r}")


@dataclass(frozen=True)
class Tagged:
    """A union of models picked through a discriminator mapping: each member tagged
    with its name, ``Annotated[Union[Annotated[A, Tag("A")], ...],
    Discriminator(discriminate(prop, {tag: name}))]``."""

    members: tuple[Ref, ...]
    prop: str  # the wire name of the tag property
    table: tuple[tuple[str | int | bool, str], ...]  # (tag value, member name)


@dataclass(frozen=True)
class FileInput:
    """A file to upload (multipart): the runtime's ``FileInput``."""


@dataclass(frozen=True)
class NotGivenOr:
    """An optional argument: ``Union[X, NotGiven]`` (left out, it is not sent)."""

    inner: TypeNode


@dataclass(frozen=True)
class StreamOf:
    """What a streaming call returns: ``Stream[X]`` or ``AsyncStream[X]``, or
    ``Stream[X, Final]`` when the stream folds into ``Final``."""

    chunk: TypeNode
    asynchronous: bool = False
    final: TypeNode | None = None


@dataclass(frozen=True)
class RequiredKey:
    """A TypedDict key that must be present: ``Required[X]``."""

    inner: TypeNode


TypeNode = (
    AnyType
    | Prim
    | Lit
    | ListOf
    | DictOf
    | Ref
    | UnionOf
    | Nullable
    | Discriminated
    | Tagged
    | FileInput
    | NotGivenOr
    | StreamOf
    | RequiredKey
)

ANY = AnyType()
NONE = Prim("None")


def annotation(node: TypeNode) -> str:
    """The Python source text of ``node``."""
    if isinstance(node, AnyType):
        return "Any"
    if isinstance(node, (Prim, Ref)):
        return node.name
    if isinstance(node, Lit):
        return f"Literal[{', '.join(repr(v) for v in node.values)}]"
    if isinstance(node, ListOf):
        container = "List" if node.mutable else "Sequence"
        return f"{container}[{annotation(node.item)}]"
    if isinstance(node, DictOf):
        return f"Dict[str, {annotation(node.value)}]"
    if isinstance(node, UnionOf):
        return f"Union[{', '.join(annotation(m) for m in node.members)}]"
    if isinstance(node, Nullable):
        return f"Optional[{annotation(node.inner)}]"
    if isinstance(node, Discriminated):
        return (
            f"Annotated[{annotation(node.union)}, "
            f"Field(discriminator={node.field!r})]"
        )
    if isinstance(node, Tagged):
        members = ", ".join(
            f"Annotated[{m.name}, Tag({m.name!r})]" for m in node.members
        )
        table = dict(node.table)
        return (
            f"Annotated[Union[{members}], "
            f"Discriminator(discriminate({node.prop!r}, {table!r}))]"
        )
    if isinstance(node, FileInput):
        return "FileInput"
    if isinstance(node, NotGivenOr):
        return f"Union[{annotation(node.inner)}, NotGiven]"
    if isinstance(node, StreamOf):
        stream = "AsyncStream" if node.asynchronous else "Stream"
        if node.final is not None:
            return f"{stream}[{annotation(node.chunk)}, {annotation(node.final)}]"
        return f"{stream}[{annotation(node.chunk)}]"
    if isinstance(node, RequiredKey):
        return f"Required[{annotation(node.inner)}]"
    raise TypeError(f"not a type node: {node!r}")


def children(node: TypeNode) -> tuple[TypeNode, ...]:
    """The nodes directly inside ``node``."""
    if isinstance(node, ListOf):
        return (node.item,)
    if isinstance(node, DictOf):
        return (node.value,)
    if isinstance(node, UnionOf):
        return node.members
    if isinstance(node, Discriminated):
        return (node.union,)
    if isinstance(node, Tagged):
        return node.members
    if isinstance(node, StreamOf):
        return (node.chunk,) if node.final is None else (node.chunk, node.final)
    if isinstance(node, (Nullable, NotGivenOr, RequiredKey)):
        return (node.inner,)
    return ()


def walk(node: TypeNode) -> Iterator[TypeNode]:
    """``node`` and every node inside it."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(children(n))


def refs(node: TypeNode) -> frozenset[str]:
    """The names of the definitions of ``types/`` that ``node`` refers to."""
    return frozenset(n.name for n in walk(node) if isinstance(n, Ref))


def _own_imports(node: TypeNode) -> tuple[Import, ...]:
    if isinstance(node, AnyType):
        return (Import(_TYPING, "Any"),)
    if isinstance(node, Prim):
        needed = _PRIMITIVES[node.name]
        return (needed,) if needed else ()
    if isinstance(node, Lit):
        return (Import(_TYPING, "Literal"),)
    if isinstance(node, ListOf):
        return (Import(_TYPING, "List" if node.mutable else "Sequence"),)
    if isinstance(node, DictOf):
        return (Import(_TYPING, "Dict"),)
    if isinstance(node, UnionOf):
        return (Import(_TYPING, "Union"),)
    if isinstance(node, Nullable):
        return (Import(_TYPING, "Optional"),)
    if isinstance(node, Discriminated):
        return (Import(_EXTENSIONS, "Annotated"), Import("pydantic", "Field"))
    if isinstance(node, Tagged):
        return (
            Import(_EXTENSIONS, "Annotated"),
            Import(_TYPING, "Union"),
            Import("pydantic", "Discriminator"),
            Import("pydantic", "Tag"),
            Import(_RUNTIME + "._models", "discriminate"),
        )
    if isinstance(node, FileInput):
        return (Import(_RUNTIME + "._types", "FileInput"),)
    if isinstance(node, NotGivenOr):
        return (Import(_TYPING, "Union"), Import(_RUNTIME, "NotGiven"))
    if isinstance(node, StreamOf):
        return (Import(_RUNTIME, "AsyncStream" if node.asynchronous else "Stream"),)
    if isinstance(node, RequiredKey):
        return (Import(_EXTENSIONS, "Required"),)
    return ()  # Ref: the caller knows which module of types/ defines it


def imports(node: TypeNode) -> frozenset[Import]:
    """What a module that writes ``node`` imports (besides the definitions of :func:`refs`)."""
    return frozenset(i for n in walk(node) for i in _own_imports(n))


def _own_names(node: TypeNode) -> tuple[str, ...]:
    if isinstance(node, (Prim, Ref)):
        return tuple(node.name.split("."))
    if isinstance(node, Discriminated):
        return ("Annotated", "Field", "discriminator")
    if isinstance(node, Tagged):
        return ("Annotated", "Union", "Tag", "Discriminator", "discriminate")
    if isinstance(node, DictOf):
        return ("Dict", "str")
    return tuple(i.name or i.module for i in _own_imports(node))


def names(node: TypeNode) -> frozenset[str]:
    """Every identifier in :func:`annotation` of ``node`` (string literals excepted)."""
    return frozenset(name for n in walk(node) for name in _own_names(n))

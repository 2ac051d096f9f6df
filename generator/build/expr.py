"""The small values the parts of ``build`` pass around: typed expressions, sites, failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..ir_types import ANY as ANY_NODE
from ..ir_types import NONE as NONE_NODE
from ..ir_types import Nullable, TypeNode, UnionOf, refs

RESPONSE = "response"
PARAM = "param"


@dataclass(frozen=True)
class TypeExpr:
    """A type node, with what its node alone does not show.

    ``nullable`` when None is one of its values (through an alias too);
    ``literals`` holds the values when the type is exactly a ``Literal[...]``
    that excludes None (directly or through an alias): discriminated unions
    and defaults are decided from them.
    """

    node: TypeNode
    nullable: bool = False
    literals: tuple[Any, ...] | None = None

    @cached_property
    def deps(self) -> frozenset[str]:
        """The names of the definitions it refers to."""
        return refs(self.node)

    def optional(self) -> TypeExpr:
        if self.nullable:
            return self
        return TypeExpr(Nullable(self.node), True)


ANY = TypeExpr(ANY_NODE, True)
NONE = TypeExpr(NONE_NODE, True)


@dataclass(frozen=True)
class Site:
    """Where an operation is: what its parts need to name and locate what they make."""

    path: str  # the path template, "/models/{model}"
    item: dict[str, Any]  # the path item (path-level parameters)
    item_where: str  # the path item's pointer
    op: dict[str, Any]  # the operation object
    where: str  # the operation's pointer
    hint: str  # the prefix of the names of its inline types, "ChatCompletionsCreate"


class BuildFailure(Exception):
    """An unexpected error while typing the schema at ``pointer`` (a generator limitation)."""

    def __init__(self, pointer: str, error: BaseException) -> None:
        self.pointer = pointer
        self.error = error
        super().__init__(f"{pointer}: {type(error).__name__}: {error}")


@contextmanager
def located(where: str) -> Iterator[None]:
    """Turn an unexpected error into a :class:`BuildFailure` at the innermost pointer."""
    try:
        yield
    except (BuildFailure, RecursionError, MemoryError):
        raise
    except (
        Exception
    ) as exc:
        raise BuildFailure(where, exc) from exc


def literal(value: Any) -> str | None:
    """A key telling apart the values ``Literal[...]`` can hold (its repr); None for others."""
    if isinstance(value, (bool, int, str)):
        return repr(value)
    return None


def same(a: Any, b: Any) -> bool:
    """JSON equality that tells ``True`` from ``1``."""
    return type(a) is type(b) and a == b


def text(value: Any) -> str | None:
    """A spec string with its outer whitespace removed; None when empty or not a string."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def union_of(exprs: list[TypeExpr]) -> TypeExpr:
    """The union of ``exprs``: each type once, in order; Any absorbs the rest."""
    seen: dict[TypeNode, TypeExpr] = {}
    for e in exprs:
        seen.setdefault(e.node, e)
    if len(seen) == 1:
        return next(iter(seen.values()))
    if ANY_NODE in seen:
        return ANY
    nullable = any(e.nullable for e in seen.values())
    return TypeExpr(UnionOf(tuple(seen)), nullable)

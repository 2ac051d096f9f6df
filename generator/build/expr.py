"""The type expressions ``build`` composes: an annotation, the names it uses, and facts about it."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

RESPONSE = "response"
PARAM = "param"


@dataclass(frozen=True)
class TypeExpr:
    """A Python annotation and the definitions it names.

    ``literals`` holds the values when the annotation is exactly a
    ``Literal[...]`` that excludes None (directly or through an alias);
    discriminated unions and defaults are decided from it.
    """

    annotation: str
    deps: frozenset[str] = frozenset()
    nullable: bool = False
    literals: tuple[Any, ...] | None = None

    def optional(self) -> TypeExpr:
        if self.nullable:
            return self
        return TypeExpr(f"Optional[{self.annotation}]", self.deps, True)


ANY = TypeExpr("Any", frozenset(), True)


def not_given(annotation: str) -> str:
    """The annotation of an optional argument: its type, or the NOT_GIVEN sentinel."""
    return f"Union[{annotation}, NotGiven]"


def given(annotation: str) -> str:
    """The inverse of :func:`not_given` (the annotation itself when not optional)."""
    prefix, suffix = "Union[", ", NotGiven]"
    if annotation.startswith(prefix) and annotation.endswith(suffix):
        return annotation[len(prefix) : -len(suffix)]
    return annotation


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
    ) as exc:  # noqa: BLE001 - a generator limitation, reported with its place
        raise BuildFailure(where, exc) from exc


def literal(value: Any) -> str | None:
    """Source text of ``value`` inside ``Literal[...]``, or None if Literal cannot hold it."""
    if isinstance(value, (bool, int, str)) or value is None:
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
    seen: dict[str, TypeExpr] = {}
    for e in exprs:
        seen.setdefault(e.annotation, e)
    deps = frozenset().union(*(e.deps for e in seen.values()))
    nullable = any(e.nullable for e in seen.values())
    if len(seen) == 1:
        return next(iter(seen.values()))
    if "Any" in seen:
        return TypeExpr("Any", deps, True)
    return TypeExpr(f"Union[{', '.join(seen)}]", deps, nullable)

"""What each generated module imports: exactly the names its code uses.

The names come from two places: the type nodes the module writes
(:func:`generator.ir_types.imports`, and :func:`~generator.ir_types.refs` for
the package's own types) and what its template writes around them (a model's
``BaseModel``, a deprecated method's ``warnings``...). The rules for the
second are here, one function per template; the test suite runs ruff
(F401 unused, F811 redefined, F821 undefined, F841 unused local) over the
output of every spec to check that they agree with what the templates print.

The result is sorted as isort (and ruff's ``I`` rules) would: sections for
the standard library, third-party packages and the package itself, plain
imports before ``from`` imports, constants before classes before functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from ..ir import (
    Api,
    Definition,
    ImportLine,
    ImportSections,
    Method,
    Model,
    Resource,
    TypedDictDef,
)
from ..ir_types import Import, TypeNode, imports, refs

_STDLIB = frozenset(
    {"datetime", "functools", "importlib", "typing", "uuid", "warnings"}
)
_RUNTIME = "._runtime"
# What a resource's response views wrap its methods with (see macros.j2).
_WRAPPERS = (
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
)


def type_module(
    definitions: Iterable[Definition],
    siblings: Mapping[str, Iterable[str]],
) -> ImportSections:
    """The imports of a module of ``types/`` (``siblings``: module -> names it uses from it)."""
    needs: set[Import] = set()
    for d in definitions:
        for node in _definition_types(d):
            needs |= imports(node)
        if isinstance(d, Model):
            needs.add(Import(_RUNTIME + "._models", "BaseModel"))
            if d.extra is not None or any(f.needs_field_call for f in d.fields):
                needs.add(Import("pydantic", "Field"))
        elif isinstance(d, TypedDictDef):
            needs.add(Import("typing_extensions", "TypedDict"))
        elif d.lazy:
            needs.add(Import("typing_extensions", "TypeAliasType"))
        else:
            needs.add(Import("typing_extensions", "TypeAlias"))
    for module, names in siblings.items():
        needs |= {Import(".types." + module, n) for n in names}
    return sections(needs, "types")


def resource_module(
    resource: Resource, types: Mapping[str, Iterable[str]]
) -> ImportSections:
    """The imports of a module of ``resources/`` (``types``: module of types/ -> names used)."""
    needs = {
        Import("httpx"),
        Import(_RUNTIME, "NOT_GIVEN"),
        Import(_RUNTIME, "NotGiven"),
        Import(_RUNTIME, "Body"),
        Import(_RUNTIME, "Headers"),
        Import(_RUNTIME, "Query"),
        Import(_RUNTIME, "Operation"),
        Import(_RUNTIME, "Result"),
        Import(_RUNTIME + "._base", "SyncResource"),
        Import(_RUNTIME + "._base", "AsyncResource"),
        # every resource has its with_raw_response / with_streaming_response views
        Import("functools", "cached_property"),
    }
    for r in resource.walk():
        if r.methods:
            needs |= {Import(_RUNTIME, name) for name in _WRAPPERS}
        for m in r.methods:
            for node in method_types(m):
                needs |= imports(node)
            if m.stream is not None:
                needs.add(Import(_RUNTIME, "StreamSpec"))
                if m.stream.param is not None:
                    needs.add(Import("typing", "overload"))
            if m.deprecated or any(p.deprecated for p in m.params):
                needs.add(Import("warnings"))
    for module, names in types.items():
        needs |= {Import(".types." + module, n) for n in names}
    return sections(needs, "resources")


def client_module(api: Api) -> ImportSections:
    """The imports of ``_client.py``."""
    needs = {
        Import("httpx"),
        Import("typing", "TYPE_CHECKING"),
        Import("typing", "Mapping"),
        Import(_RUNTIME, "ApiInfo"),
        Import(_RUNTIME, "SyncAPIClient"),
        Import(_RUNTIME, "AsyncAPIClient"),
        Import(_RUNTIME, "DEFAULT_TIMEOUT"),
        Import(_RUNTIME, "NOT_GIVEN"),
        Import(_RUNTIME, "NotGiven"),
    }
    if api.resources:
        needs.add(Import("functools", "cached_property"))
    if api.credentials:
        needs.add(Import(_RUNTIME, "Credential"))
        # credentials may be functions (sync, or awaitable for the async client)
        needs.add(Import("typing", "Callable"))
        needs.add(Import("typing", "Awaitable"))
    if api.schemes:
        needs.add(Import(_RUNTIME, "AuthScheme"))
    return sections(needs, "")


def method_types(m: Method) -> Iterator[TypeNode]:
    """Every type a method's descriptor and signatures write (see ``macros.j2``)."""
    yield m.json_result
    yield from (p.type for p in m.params)
    stream = m.stream
    if stream is not None:
        yield stream.chunk
        yield from (t for _, t in stream.events)
        if stream.final is not None:
            yield stream.final
    if stream is None or stream.param is None:
        yield m.returns(False)
        yield m.returns(True)
        return
    yield m.result
    for asynchronous in (False, True):
        yield m.either(asynchronous)
        streamed = m.streamed(asynchronous)
        if streamed is not None:
            yield streamed
    for node in (stream.off_argument, stream.on_type, stream.any_type):
        if node is not None:
            yield node


def definition_refs(d: Definition) -> frozenset[str]:
    """The definitions of ``types/`` that ``d`` names (itself included, if recursive)."""
    return frozenset().union(*(refs(t) for t in _definition_types(d)))


def _definition_types(d: Definition) -> Iterator[TypeNode]:
    if isinstance(d, Model):
        yield from (f.type for f in d.fields)
        if d.extra_type is not None:
            yield d.extra_type
    elif isinstance(d, TypedDictDef):
        yield from (f.key_type for f in d.fields)
    else:
        yield d.type


def sections(needs: Iterable[Import], here: str) -> ImportSections:
    """``needs`` as sorted import statements of a module in package ``here``.

    Package-relative modules (``._runtime``, ``.types.chat``) are written
    relative to ``here`` (``"types"``, ``"resources"``, ``""`` for the root).
    """
    groups: dict[int, dict[tuple[str, bool], set[str]]] = {}
    for need in needs:
        module = need.module
        if module.startswith("."):
            module = _relative(module, here)
            section = 2
        else:
            section = 0 if module.split(".")[0] in _STDLIB else 1
        names = groups.setdefault(section, {}).setdefault(
            (module, need.name is not None), set()
        )
        if need.name is not None:
            names.add(need.name)
    out = []
    for section in sorted(groups):
        statements = groups[section]
        plain = sorted(m for m, is_from in statements if not is_from)
        froms = sorted((m for m, is_from in statements if is_from), key=_module_key)
        out.append(
            tuple(ImportLine(m) for m in plain)
            + tuple(
                ImportLine(m, tuple(sorted(statements[(m, True)], key=_name_key)))
                for m in froms
            )
        )
    return tuple(out)


def _relative(module: str, here: str) -> str:
    """A package-relative module (``.types.chat``) as written in package ``here``."""
    target = module[1:]
    if here and (target == here or target.startswith(here + ".")):
        return "." + target[len(here) + 1 :]
    return ("." * (2 if here else 1)) + target


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    # "variant6" before "variant13", case ignored (isort's and ruff's order).
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", text.lower())
        if part
    )


def _module_key(module: str) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    # Relative imports furthest first ("..x" before ".y"), then by name.
    dots = len(module) - len(module.lstrip("."))
    return (-dots, _natural(module.lstrip(".")))


def _name_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    # Constants, then classes, then functions and modules (isort's order_by_type).
    if len(name) > 1 and name.isupper():
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return (rank, _natural(name))

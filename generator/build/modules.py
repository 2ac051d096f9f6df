"""Grouping type definitions into the modules of ``types/``, for ``build``.

Definitions that belong to one component live in one module; groups that
refer to each other in a cycle share a module, so the modules import each
other without cycles. Inside a module, classes come first (their annotations
are evaluated lazily), then aliases in an order where each follows what it
uses. Aliases that refer to themselves through other aliases cannot be
ordered that way: they are marked lazy and rendered as ``TypeAliasType`` with
a string value, which Python evaluates on first use (mypy and pydantic both
understand recursive aliases of that form).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..ir import Alias, Definition, TypeModule
from ..names import Scope, snake_identifier
from . import imports


def group_modules(
    defs: Mapping[str, Any],
    def_deps: Mapping[str, frozenset[str]],
    def_group: Mapping[str, str],
) -> tuple[tuple[TypeModule, ...], dict[str, str]]:
    """The modules, and the module of each definition name."""
    groups: dict[str, list[str]] = {}
    for name in defs:
        groups.setdefault(def_group[name], []).append(name)
    group_deps: dict[str, set[str]] = {g: set() for g in groups}
    for name, deps in def_deps.items():
        for d in deps:
            if def_group[d] != def_group[name]:
                group_deps[def_group[name]].add(def_group[d])
    components = strongly_connected(groups, group_deps)
    module_of_group: dict[str, str] = {}
    module_scope = Scope({"__init__"})
    for comp in sorted(components, key=lambda c: min(groups[g][0] for g in c)):
        first = min(comp, key=lambda g: groups[g][0])
        mod = module_scope.claim(snake_identifier(groups[first][0], fallback="types"))
        for g in comp:
            module_of_group[g] = mod
    module_defs: dict[str, list[str]] = {}
    for name in defs:
        module_defs.setdefault(module_of_group[def_group[name]], []).append(name)
    lazy = _lazy_aliases(defs, def_deps)
    result = []
    for mod in sorted(module_defs):
        names = module_defs[mod]
        definitions: list[Definition] = []
        for n in _order(names, defs, def_deps):
            definition = defs[n]
            if n in lazy:
                definition = replace(definition, lazy=True)
            definitions.append(definition)
        siblings: dict[str, set[str]] = {}
        for definition in definitions:
            for ref in imports.definition_refs(definition):
                ref_mod = module_of_group[def_group[ref]]
                if ref_mod != mod:
                    siblings.setdefault(ref_mod, set()).add(ref)
        result.append(
            TypeModule(
                mod, imports.type_module(definitions, siblings), tuple(definitions)
            )
        )
    module_of = {name: module_of_group[def_group[name]] for name in defs}
    return tuple(result), module_of


def _lazy_aliases(
    defs: Mapping[str, Any], def_deps: Mapping[str, frozenset[str]]
) -> set[str]:
    """Aliases on a cycle made of aliases only (through models is fine: models are lazy)."""
    aliases = {n for n, d in defs.items() if isinstance(d, Alias)}
    edges = {n: {d for d in def_deps[n] if d in aliases} for n in aliases}
    lazy: set[str] = set()
    for comp in strongly_connected({n: None for n in sorted(aliases)}, edges):
        if len(comp) > 1 or comp[0] in edges[comp[0]]:
            lazy.update(comp)
    return lazy


def _order(
    names: list[str], defs: Mapping[str, Any], def_deps: Mapping[str, frozenset[str]]
) -> list[str]:
    """Classes first (their annotations are lazy), then aliases after what they use."""
    classes = [n for n in names if not isinstance(defs[n], Alias)]
    aliases = [n for n in names if isinstance(defs[n], Alias)]
    placed: list[str] = []
    done: set[str] = set()
    local = set(aliases)
    for root in aliases:
        # Iterative depth-first post-order: alias chains can be long.
        stack: list[tuple[str, Iterator[str]]] = []
        if root in done:
            continue
        on_path = {root}
        stack.append((root, iter(sorted(def_deps[root] & local))))
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in done and child not in on_path:
                    on_path.add(child)
                    stack.append((child, iter(sorted(def_deps[child] & local))))
                    break
            else:
                stack.pop()
                on_path.discard(node)
                if node not in done:
                    done.add(node)
                    placed.append(node)
    return classes + placed


def strongly_connected(
    nodes: Mapping[str, Any], edges: Mapping[str, set[str]]
) -> list[list[str]]:
    """Tarjan's algorithm, iterative (specs can nest deeper than Python's recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [
            (root, iter(sorted(edges.get(root, ()))))
        ]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                result.append(comp)
    return result

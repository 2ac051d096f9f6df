"""JSON Schema -> Python types, for ``build``.

Each schema becomes a :class:`TypeExpr`: an annotation spelled for Python plus
the named definitions it refers to. Object schemas become definitions: a
pydantic model on the response side, a TypedDict (``...Param``) on the
request side. Component schemas always get a definition named after the
component; inline objects are named after where they appear
(``ChatCompletion`` + ``choices`` -> ``ChatCompletionChoice``).

Definitions are grouped into modules by the component they belong to, and
groups that refer to each other in a cycle share one module, so the modules
import each other without cycles.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

from .errors import Finding, escape_pointer_token
from .ir import Alias, Field, Model, TypeModule, TypedDictDef
from .names import KEYWORDS, Scope, is_identifier, pascal_identifier, snake_identifier
from .validate import resolve_pointer

RESPONSE = "response"
PARAM = "param"

# Names every types module imports; definitions must not shadow them.
TYPES_MODULE_NAMES = frozenset(
    {
        "Any", "Dict", "List", "Literal", "Optional", "Sequence", "Union", "Annotated",
        "Required", "TypedDict", "TypeAlias", "BaseModel", "Field", "datetime", "uuid",
        "annotations", "TYPE_CHECKING",
    }
)  # fmt: skip

# Attribute names a pydantic model already has; fields must not shadow them.
MODEL_RESERVED = frozenset(
    {
        "model_config", "model_fields", "model_computed_fields", "model_extra", "model_fields_set",
        "model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings", "dict", "json", "parse_obj", "parse_raw",
        "parse_file", "from_orm", "construct", "copy", "schema", "schema_json", "validate",
        "update_forward_refs", "fields", "self",
        # names annotations use: a field called "datetime" would shadow the module
        "str", "int", "float", "bool", "bytes", "list", "dict", "datetime", "uuid",
    }
)  # fmt: skip

_FORMATS = {
    "date-time": "datetime.datetime",
    "date": "datetime.date",
    "time": "datetime.time",
    "duration": "datetime.timedelta",
    "uuid": "uuid.UUID",
    "binary": "bytes",
}


@dataclass(frozen=True)
class TypeExpr:
    """A Python annotation and the definitions it names."""

    annotation: str
    deps: frozenset[str] = frozenset()
    nullable: bool = False

    def optional(self) -> TypeExpr:
        if self.nullable:
            return self
        return TypeExpr(f"Optional[{self.annotation}]", self.deps, True)


ANY = TypeExpr("Any", frozenset(), True)


def _literal(value: Any) -> str | None:
    """Source text of ``value`` inside ``Literal[...]``, or None if Literal cannot hold it."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, str)):
        return repr(value)
    return None


class TypeBuilder:
    """Builds type expressions and collects the definitions they need."""

    def __init__(
        self, data: dict[str, Any], display: str, *, lenient: bool = False
    ) -> None:
        self.data = data
        self.display = display
        self.lenient = lenient
        self.scope = Scope(TYPES_MODULE_NAMES | KEYWORDS)
        self.defs: dict[str, Any] = {}  # name -> Model | TypedDictDef | Alias
        self.def_deps: dict[str, frozenset[str]] = {}
        self.def_group: dict[str, str] = {}
        self.group_module: dict[str, str] = {}
        self._by_pointer: dict[tuple[str, str], str] = {}
        self._group_stack: list[str] = []
        self.warnings: list[Finding] = []

    # -- helpers -------------------------------------------------------------

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Finding(self.display, where, message, "warning"))

    def deref(self, schema: Any, where: str) -> tuple[Any, str]:
        """Follow a ``$ref`` chain; returns (schema, pointer of the final target)."""
        seen = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in seen:
                return {}, where
            seen.add(ref)
            schema = resolve_pointer(self.data, ref)
            where = ref
        return schema, where

    # -- entry points ----------------------------------------------------------

    def expr(self, schema: Any, mode: str, hint: str, where: str) -> TypeExpr:
        """The annotation for ``schema`` (``hint`` names inline objects; ``where`` is its pointer)."""
        if schema is True or schema == {} or schema is None:
            return ANY
        if schema is False:
            self.warn(where, "schema 'false' allows nothing; typed as Any")
            return ANY
        if not isinstance(schema, dict):
            self.warn(
                where,
                f"schema is a {type(schema).__name__}, not an object; typed as Any",
            )
            return ANY
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.named(ref, mode)
            if schema.get("nullable") is True:
                return target.optional()
            return target
        return self._inline(schema, mode, hint, where)

    def named(self, ref: str, mode: str) -> TypeExpr:
        """The definition for the schema at ``ref`` (made on first use)."""
        key = (ref, mode)
        if key in self._by_pointer:
            name = self._by_pointer[key]
            return TypeExpr(name, frozenset({name}), self._def_nullable(name))
        schema = resolve_pointer(self.data, ref)
        tokens = ref.split("/")
        base = tokens[-1].replace("~1", "/").replace("~0", "~")
        if not ref.startswith("#/components/schemas/") or len(tokens) != 4:
            base = "".join(t.capitalize() for t in tokens[-2:])
        group = (
            ref
            if ref.startswith("#/components/schemas/") and len(tokens) == 4
            else self._current_group(ref)
        )
        self._group_stack.append(group)
        try:
            return self._define(schema, mode, base, ref, key)
        finally:
            self._group_stack.pop()

    # -- definitions -------------------------------------------------------------

    def _current_group(self, fallback: str) -> str:
        return self._group_stack[-1] if self._group_stack else fallback

    def _def_nullable(self, name: str) -> bool:
        d = self.defs.get(name)
        return isinstance(d, Alias) and d.annotation.startswith("Optional[")

    def _claim(self, base: str, mode: str) -> str:
        name = pascal_identifier(base, fallback="Model")
        if mode == PARAM:
            name += "Param"
        return self.scope.claim(name)

    def _register(self, name: str, definition: Any, deps: frozenset[str]) -> None:
        self.defs[name] = definition
        self.def_deps[name] = deps
        self.def_group[name] = self._current_group(definition.pointer)

    def _define(
        self, schema: Any, mode: str, base: str, where: str, key: tuple[str, str] | None
    ) -> TypeExpr:
        schema, where = (
            self.deref(schema, where)
            if isinstance(schema, dict) and "$ref" in schema
            else (schema, where)
        )
        if self._is_object(schema):
            name = self._claim(base, mode)
            if key is not None:
                self._by_pointer[key] = name
            self._object_definition(name, schema, mode, where)
            return TypeExpr(name, frozenset({name}))
        # Not an object: a named alias for the expression (enum, union, list...).
        name = self._claim(base, mode)
        if key is not None:
            self._by_pointer[key] = name
        self.defs[name] = Alias(name, "Any", None, where)  # placeholder while recursing
        inner = self._inline(schema, mode, base, where)
        if name in inner.deps:
            self.warn(
                where,
                f"recursive type alias {name} is typed as Any where it refers to itself",
            )
            inner = TypeExpr(
                inner.annotation.replace(name, "Any"),
                inner.deps - {name},
                inner.nullable,
            )
        alias = Alias(name, inner.annotation, _description(schema), where)
        self._register(name, alias, inner.deps)
        return TypeExpr(name, frozenset({name}), inner.nullable)

    def _is_object(self, schema: Any) -> bool:
        """Whether ``schema`` becomes a model/TypedDict definition (it has properties)."""
        if not isinstance(schema, dict) or "oneOf" in schema or "anyOf" in schema:
            return False
        if schema.get("properties"):
            return True
        parts = schema.get("allOf")
        return (
            isinstance(parts, list) and len(parts) > 1 and self._all_of_objects(schema)
        )

    def _all_of_objects(self, schema: dict[str, Any]) -> bool:
        parts = schema.get("allOf") or []
        if not isinstance(parts, list) or not parts:
            return False
        for part in parts:
            resolved, _ = self.deref(part, "")
            if not isinstance(resolved, dict):
                return False
            if not (
                "properties" in resolved
                or resolved.get("type") == "object"
                or "allOf" in resolved
            ):
                return False
        return True

    def _collect_properties(
        self, schema: dict[str, Any], where: str
    ) -> tuple[list[tuple[str, Any, str]], set[str]]:
        """Properties (wire name, schema, pointer) and required names, through allOf."""
        props: list[tuple[str, Any, str]] = []
        required: set[str] = set()
        for i, part in enumerate(schema.get("allOf") or []):
            resolved, part_where = self.deref(part, f"{where}/allOf/{i}")
            if isinstance(resolved, dict):
                p, r = self._collect_properties(resolved, part_where)
                props.extend(p)
                required |= r
        for wire, sub in (schema.get("properties") or {}).items():
            props.append(
                (wire, sub, f"{where}/properties/{escape_pointer_token(wire)}")
            )
        req = schema.get("required") or []
        if isinstance(req, list):
            required |= {r for r in req if isinstance(r, str)}
        # A later allOf part (or the schema itself) overrides an earlier one.
        merged: dict[str, tuple[str, Any, str]] = {}
        for item in props:
            merged[item[0]] = item
        return list(merged.values()), required

    def _object_definition(
        self, name: str, schema: dict[str, Any], mode: str, where: str
    ) -> None:
        props, required = self._collect_properties(schema, where)
        fields: list[Field] = []
        deps: set[str] = set()
        # Placeholder so recursive references resolve to this name.
        self.defs[name] = Alias(name, "Any", None, where)
        field_scope = Scope(MODEL_RESERVED if mode == RESPONSE else ())
        for wire, sub, sub_where in props:
            sub_resolved, _ = (
                self.deref(sub, sub_where)
                if isinstance(sub, dict)
                else (sub, sub_where)
            )
            flags = sub_resolved if isinstance(sub_resolved, dict) else {}
            own = sub if isinstance(sub, dict) else {}
            if mode == PARAM and (own.get("readOnly") or flags.get("readOnly")):
                continue
            if mode == RESPONSE and (own.get("writeOnly") or flags.get("writeOnly")):
                continue
            hint = name.removesuffix("Param") + pascal_identifier(
                wire, fallback="Field"
            )
            t = self.expr(sub, mode, hint, sub_where)
            deps |= t.deps
            is_required = wire in required
            py_name = (
                wire
                if mode == PARAM
                else field_scope.claim(
                    snake_identifier(wire, fallback="field", reserved=MODEL_RESERVED)
                )
            )
            fields.append(
                Field(
                    name=py_name,
                    wire=wire,
                    annotation=(
                        t.annotation
                        if (is_required or mode == PARAM)
                        else t.optional().annotation
                    ),
                    required=is_required,
                    description=_description(own) or _description(flags),
                    deprecated=bool(own.get("deprecated") or flags.get("deprecated")),
                    default=own.get("default", flags.get("default")),
                    has_default="default" in own or "default" in flags,
                )
            )
        description = _description(schema)
        definition: Any
        if mode == RESPONSE:
            definition = Model(name, description, tuple(fields), where)
        else:
            functional = not all(
                is_identifier(f.wire) and f.wire not in KEYWORDS for f in fields
            )
            definition = TypedDictDef(
                name, description, tuple(fields), functional, where
            )
        self._register(name, definition, frozenset(deps - {name}))

    # -- inline expressions ----------------------------------------------------------

    def _inline(
        self, schema: dict[str, Any], mode: str, hint: str, where: str
    ) -> TypeExpr:
        nullable = schema.get("nullable") is True
        t = self._inline_non_null(schema, mode, hint, where)
        return t.optional() if nullable else t

    def _inline_non_null(
        self, schema: dict[str, Any], mode: str, hint: str, where: str
    ) -> TypeExpr:
        if "const" in schema:
            lit = _literal(schema["const"])
            if lit is None:
                self.warn(
                    where,
                    f"const {json.dumps(schema['const'])[:60]} cannot be a Literal; typed loosely",
                )
                return ANY
            return TypeExpr(f"Literal[{lit}]", nullable=schema["const"] is None)
        if "enum" in schema and isinstance(schema["enum"], list):
            values = schema["enum"]
            lits = [_literal(v) for v in values if v is not None]
            if all(lit is not None for lit in lits) and lits:
                ann = f"Literal[{', '.join(dict.fromkeys(l for l in lits if l))}]"
                t = TypeExpr(ann)
                return t.optional() if None in values else t
            if not lits and None in values:
                return TypeExpr("None", nullable=True)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                return self._union(schema, schema[key], key, mode, hint, where)
        if "allOf" in schema:
            parts = schema["allOf"]
            if isinstance(parts, list) and len(parts) == 1:
                return self.expr(parts[0], mode, hint, f"{where}/allOf/0")
            if self._all_of_objects(schema):
                return self._define(schema, mode, hint, where, None)
            self.warn(where, "allOf of non-object schemas is typed as Any")
            return ANY
        t = schema.get("type")
        if isinstance(t, list):
            members = [x for x in t if x != "null"]
            exprs = [
                self._typed(dict(schema, type=m), m, mode, hint, where) for m in members
            ]
            u = _union_of(exprs) if exprs else TypeExpr("None", nullable=True)
            return u.optional() if "null" in t else u
        if isinstance(t, str):
            return self._typed(schema, t, mode, hint, where)
        if "properties" in schema:
            return self._typed(schema, "object", mode, hint, where)
        if "items" in schema:
            return self._typed(schema, "array", mode, hint, where)
        return ANY

    def _typed(
        self, schema: dict[str, Any], t: str, mode: str, hint: str, where: str
    ) -> TypeExpr:
        if t == "string":
            fmt = schema.get("format")
            return TypeExpr(_FORMATS.get(fmt, "str") if isinstance(fmt, str) else "str")
        if t == "integer":
            return TypeExpr("int")
        if t == "number":
            return TypeExpr("float")
        if t == "boolean":
            return TypeExpr("bool")
        if t == "null":
            return TypeExpr("None", nullable=True)
        if t == "array":
            items = schema.get("items")
            item = (
                self.expr(items, mode, hint + "Item", where + "/items")
                if items is not None
                else ANY
            )
            container = "List" if mode == RESPONSE else "Sequence"
            return TypeExpr(f"{container}[{item.annotation}]", item.deps)
        if t == "object":
            if schema.get("properties"):
                return self._define(schema, mode, hint, where, None)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.expr(
                    extra, mode, hint + "Value", where + "/additionalProperties"
                )
                return TypeExpr(f"Dict[str, {value.annotation}]", value.deps)
            return TypeExpr("Dict[str, Any]")
        self.warn(where, f"unknown type {t!r}; typed as Any")
        return ANY

    def _union(
        self,
        schema: dict[str, Any],
        members: list[Any],
        key: str,
        mode: str,
        hint: str,
        where: str,
    ) -> TypeExpr:
        exprs: list[TypeExpr] = []
        nullable = False
        for i, member in enumerate(members):
            resolved, _ = (
                self.deref(member, f"{where}/{key}/{i}")
                if isinstance(member, dict)
                else (member, "")
            )
            if (
                isinstance(resolved, dict)
                and resolved.get("type") == "null"
                and len(resolved) <= 2
            ):
                nullable = True
                continue
            e = self.expr(
                member, mode, f"{hint}{_member_hint(member, i)}", f"{where}/{key}/{i}"
            )
            nullable = nullable or e.nullable
            exprs.append(e)
        if not exprs:
            return TypeExpr("None", nullable=True)
        u = _union_of(exprs)
        return u.optional() if nullable else u

    # -- modules ------------------------------------------------------------------------------

    def modules(self) -> tuple[TypeModule, ...]:
        """Group the definitions into modules; cycles between groups share a module."""
        groups: dict[str, list[str]] = {}
        for name in self.defs:
            groups.setdefault(self.def_group[name], []).append(name)
        group_deps: dict[str, set[str]] = {g: set() for g in groups}
        for name, deps in self.def_deps.items():
            for d in deps:
                if self.def_group[d] != self.def_group[name]:
                    group_deps[self.def_group[name]].add(self.def_group[d])
        components = _strongly_connected(groups, group_deps)
        module_of_group: dict[str, str] = {}
        module_scope = Scope({"__init__"})
        for comp in sorted(
            components, key=lambda c: min(_group_sort_key(g, groups) for g in c)
        ):
            first = min(comp, key=lambda g: _group_sort_key(g, groups))
            mod = module_scope.claim(
                snake_identifier(groups[first][0], fallback="types")
            )
            for g in comp:
                module_of_group[g] = mod
        module_defs: dict[str, list[str]] = {}
        for name in self.defs:
            module_defs.setdefault(module_of_group[self.def_group[name]], []).append(
                name
            )
        result = []
        for mod in sorted(module_defs):
            names = module_defs[mod]
            imports: dict[str, set[str]] = {}
            for name in names:
                for dep in self.def_deps[name]:
                    dep_mod = module_of_group[self.def_group[dep]]
                    if dep_mod != mod:
                        imports.setdefault(dep_mod, set()).add(dep)
            ordered = self._order(names)
            result.append(
                TypeModule(
                    mod,
                    tuple((m, tuple(sorted(n))) for m, n in sorted(imports.items())),
                    tuple(self.defs[n] for n in ordered),
                )
            )
        self.group_module = module_of_group
        return tuple(result)

    def module_of(self, name: str) -> str:
        return self.group_module[self.def_group[name]]

    def _order(self, names: list[str]) -> list[str]:
        """Classes first (their annotations are lazy), then aliases after what they use."""
        classes = [n for n in names if not isinstance(self.defs[n], Alias)]
        aliases = [n for n in names if isinstance(self.defs[n], Alias)]
        placed: list[str] = []
        done: set[str] = set()
        local = set(aliases)

        def visit(n: str, stack: set[str]) -> None:
            if n in done or n in stack:
                return
            stack.add(n)
            for d in sorted(self.def_deps[n]):
                if d in local:
                    visit(d, stack)
            stack.discard(n)
            done.add(n)
            placed.append(n)

        for n in aliases:
            visit(n, set())
        return classes + placed


def _description(schema: Any) -> str | None:
    if isinstance(schema, dict):
        d = schema.get("description") or schema.get("title")
        if isinstance(d, str) and d.strip():
            return d.strip()
    return None


def _pure_map(schema: dict[str, Any]) -> bool:
    return not schema.get("properties") and schema.get("additionalProperties") not in (
        None,
        False,
    )


def _member_hint(member: Any, i: int) -> str:
    if isinstance(member, dict):
        title = member.get("title")
        if isinstance(title, str) and title:
            return pascal_identifier(title, fallback="Variant")
    return f"Variant{i + 1}"


def _union_of(exprs: list[TypeExpr]) -> TypeExpr:
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


def _group_sort_key(group: str, groups: dict[str, list[str]]) -> str:
    return groups[group][0]


def _strongly_connected(
    nodes: dict[str, Any], edges: dict[str, set[str]]
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

"""JSON Schema -> Python types, for ``build``.

Each schema becomes a :class:`TypeExpr`: a type node of
:mod:`generator.ir_types` (which may refer to named definitions). Object schemas become definitions: a
pydantic model on the response side, a TypedDict (``...Param``) on the
request side. Component schemas always get a definition named after the
component; inline objects are named after where they appear
(``ChatCompletion`` + ``choices`` -> ``ChatCompletionChoice``).

Type nodes hold only identifiers made by :mod:`generator.names` and JSON
scalars (written with ``repr``), so no text from a spec can become code.
Whatever cannot be typed exactly is typed loosely (``Any``) with a warning
naming its JSON pointer; nothing is dropped silently.
"""

from __future__ import annotations

import json
from typing import Any

from ..ir import Alias, Field, Model, TypedDictDef, TypeModule
from ..ir_types import DictOf, ListOf, Lit, Nullable, Prim, Ref, names
from ..names import (
    ANNOTATION_NAMES,
    KEYWORDS,
    TYPE_RESERVED,
    Scope,
    is_identifier,
    pascal_identifier,
)
from .expr import (
    ANY,
    NONE,
    PARAM,
    RESPONSE,
    TypeExpr,
    literal,
    located,
    same,
    union_of,
)
from .modules import group_modules
from .schemas import ANNOTATION_ONLY, FieldPlan, SchemaReader, description
from .unions import discriminated

_FORMATS = {
    "date-time": Prim("datetime.datetime"),
    "date": Prim("datetime.date"),
    "time": Prim("datetime.time"),
    "duration": Prim("datetime.timedelta"),
    "uuid": Prim("uuid.UUID"),
    "binary": Prim("bytes"),
}

_STR = Prim("str")


class TypeBuilder:
    """Builds type expressions and collects the definitions they need."""

    def __init__(self, reader: SchemaReader) -> None:
        self.reader = reader
        self.scope = Scope(TYPE_RESERVED | KEYWORDS)
        self.defs: dict[str, Any] = {}  # name -> Model | TypedDictDef | Alias
        self.def_deps: dict[str, frozenset[str]] = {}
        self.def_group: dict[str, str] = {}
        self._module_of: dict[str, str] = {}
        self._by_pointer: dict[tuple[str, str], str] = {}
        self._alias_info: dict[str, TypeExpr] = {}
        self._group_stack: list[str] = []

    def warn(self, where: str, message: str) -> None:
        self.reader.warn(where, message)

    # -- entry points ----------------------------------------------------------

    def expr(self, schema: Any, mode: str, hint: str, where: str) -> TypeExpr:
        """The type of ``schema`` (``hint`` names inline objects; ``where`` is its pointer)."""
        with located(where):
            return self._expr(schema, mode, hint, where)

    def _expr(self, schema: Any, mode: str, hint: str, where: str) -> TypeExpr:
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
            return self._reference(self._by_pointer[key])
        schema = self.reader.resolve(ref)
        tokens = ref.split("/")
        component = ref.startswith("#/components/schemas/") and len(tokens) == 4
        base = tokens[-1].replace("~1", "/").replace("~0", "~")
        if not component:
            base = "".join(t.capitalize() for t in tokens[-2:])
        group = ref if component else self._current_group(ref)
        self._group_stack.append(group)
        try:
            with located(ref):
                self._define(schema, mode, base, ref, key)
        finally:
            self._group_stack.pop()
        return self._reference(self._by_pointer[key])

    def _reference(self, name: str) -> TypeExpr:
        info = self._alias_info.get(name)
        if info is None:
            return TypeExpr(Ref(name))
        return TypeExpr(Ref(name), info.nullable, info.literals)

    # -- definitions -------------------------------------------------------------

    def _current_group(self, fallback: str) -> str:
        return self._group_stack[-1] if self._group_stack else fallback

    def _claim(self, base: str, mode: str) -> str:
        name = pascal_identifier(base, fallback="Model")
        if mode == PARAM:
            name += "Param"
        if name in TYPE_RESERVED:
            name += "_"  # PEP 8's way out of a clash: a schema "Field" is "Field_"
        return self.scope.claim(name)

    def _register(self, name: str, definition: Any, deps: frozenset[str]) -> None:
        self.defs[name] = definition
        self.def_deps[name] = deps
        self.def_group[name] = self._current_group(definition.pointer)

    def _placeholder(self, name: str, where: str) -> None:
        """Register ``name`` before its schema is read, so references from inside resolve."""
        self._register(name, Alias(name, ANY.node, None, where), frozenset())

    def _define(
        self, schema: Any, mode: str, base: str, where: str, key: tuple[str, str] | None
    ) -> TypeExpr:
        name = self._claim(base, mode)
        if key is not None:
            self._by_pointer[key] = name
        if isinstance(schema, dict) and "$ref" in schema:
            # A component that only refers to another: an alias of it, so both
            # names are one type (a $ref cycle with no schema in it is Any).
            target, _ = self.reader.deref(schema, where)
            self._placeholder(name, where)
            self._alias_info[name] = TypeExpr(Ref(name))
            inner = self._expr(schema, mode, base, where) if target else ANY
            self._alias_info[name] = inner
            alias = Alias(name, inner.node, description(schema), where)
            self._register(name, alias, inner.deps)
            return self._reference(name)
        if self.reader.is_object(schema):
            self._object_definition(name, schema, mode, where)
            return TypeExpr(Ref(name))
        # Not an object: a named alias for the expression (enum, union, list...).
        # Registered before recursing, so references to it from inside resolve.
        self._placeholder(name, where)
        self._alias_info[name] = TypeExpr(Ref(name))
        inner = self._inline(schema, mode, base, where)
        self._alias_info[name] = inner
        alias = Alias(name, inner.node, description(schema), where)
        self._register(name, alias, inner.deps)
        return self._reference(name)

    def _object_definition(
        self, name: str, schema: dict[str, Any], mode: str, where: str
    ) -> None:
        props, required = self.reader.collect_properties(schema, where)
        self._placeholder(name, where)
        fields: list[Field] = []
        deps: set[str] = set()
        for plan in self.reader.field_plan(props, mode):
            hint = name.removesuffix("Param") + pascal_identifier(
                plan.wire, fallback="Field"
            )
            t = self.expr(plan.schema, mode, hint, plan.where)
            deps |= t.deps
            fields.append(_field(plan, t, plan.wire in required, mode))
        doc = description(schema)
        definition: Any
        if mode == RESPONSE:
            extra = self._extra_values(schema, name, where)
            if extra is not None:
                deps |= extra.deps
            definition = Model(
                name,
                doc,
                tuple(fields),
                where,
                extra=extra.node if extra is not None else None,
            )
        else:
            definition = TypedDictDef(
                name, doc, tuple(fields), _needs_functional(fields), where
            )
        self._register(name, definition, frozenset(deps - {name}))

    def _extra_values(
        self, schema: dict[str, Any], name: str, where: str
    ) -> TypeExpr | None:
        """The type of extra fields' values, when additionalProperties is a schema."""
        extra = schema.get("additionalProperties")
        if not isinstance(extra, dict) or not extra:
            return None
        t = self.expr(extra, RESPONSE, name + "Extra", where + "/additionalProperties")
        return None if t.node == ANY.node else t

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
            value = schema["const"]
            if value is None:
                return NONE
            if literal(value) is None:
                self.warn(
                    where,
                    f"const {json.dumps(value)[:60]} cannot be a Literal; typed as Any",
                )
                return ANY
            return TypeExpr(Lit((value,)), literals=(value,))
        if isinstance(schema.get("enum"), list):
            t = self._enum(schema["enum"], where)
            if t is not None:
                return t
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list):
                return self._union(schema, schema[key], key, mode, hint, where)
        if "allOf" in schema:
            return self._all_of(schema, mode, hint, where)
        if "discriminator" in schema and isinstance(schema.get("properties"), dict):
            self.warn(
                where + "/discriminator",
                "discriminator without oneOf/anyOf (polymorphism by allOf) is not "
                "followed: the type is this base schema",
            )
        t = schema.get("type")
        if isinstance(t, list):
            members = [x for x in t if x != "null"]
            exprs = [
                self._typed(dict(schema, type=m), m, mode, hint, where) for m in members
            ]
            u = union_of(exprs) if exprs else NONE
            return u.optional() if "null" in t else u
        if isinstance(t, str):
            return self._typed(schema, t, mode, hint, where)
        if isinstance(schema.get("properties"), dict) and schema["properties"]:
            return self._typed(schema, "object", mode, hint, where)
        if "items" in schema:
            return self._typed(schema, "array", mode, hint, where)
        if "not" in schema:
            self.warn(where, "'not' cannot be expressed as a Python type; typed as Any")
        if "if" in schema:
            self.warn(where, "if/then/else is not checked; typed as Any")
        return ANY

    def _enum(self, values: list[Any], where: str) -> TypeExpr | None:
        present = [v for v in values if v is not None]
        lits = [literal(v) for v in present]
        if not present:
            return NONE if values else None
        if any(lit is None for lit in lits):
            self.warn(
                where,
                "enum values that Literal cannot hold (numbers with fractions, "
                "objects, arrays); typed by the schema's type instead",
            )
            return None
        unique: dict[str, Any] = {}
        for lit, v in zip(lits, present, strict=True):
            assert lit is not None
            unique.setdefault(lit, v)
        kept = tuple(unique.values())
        t = TypeExpr(Lit(kept), literals=kept)
        return t.optional() if None in values else t

    def _all_of(
        self, schema: dict[str, Any], mode: str, hint: str, where: str
    ) -> TypeExpr:
        parts = self.reader.typed_parts(schema)
        raw = schema["allOf"] if isinstance(schema["allOf"], list) else []
        nullable = any(isinstance(p, dict) and p.get("nullable") is True for p in raw)
        if len(parts) == 1:
            i, part = parts[0]
            t = self.expr(part, mode, hint, f"{where}/allOf/{i}")
            return t.optional() if nullable else t
        if not parts:
            return ANY
        if self.reader.all_of_objects(parts):
            t = self._define(schema, mode, hint, where, None)
            return t.optional() if nullable else t
        self.warn(
            where,
            "allOf combining non-object schemas (e.g. a union) is typed as Any",
        )
        return ANY

    def _typed(
        self, schema: dict[str, Any], t: str, mode: str, hint: str, where: str
    ) -> TypeExpr:
        if t == "string":
            fmt = schema.get("format")
            return TypeExpr(_FORMATS.get(fmt, _STR) if isinstance(fmt, str) else _STR)
        if t == "integer":
            return TypeExpr(Prim("int"))
        if t == "number":
            return TypeExpr(Prim("float"))
        if t == "boolean":
            return TypeExpr(Prim("bool"))
        if t == "null":
            return NONE
        if t == "array":
            items = schema.get("items")
            if "prefixItems" in schema:
                self.warn(
                    where,
                    "prefixItems (tuples) are not checked: typed as a list of items (Any when absent)",
                )
            item = (
                self.expr(items, mode, hint + "Item", where + "/items")
                if items is not None and not isinstance(items, list)
                else ANY
            )
            if isinstance(items, list):
                self.warn(
                    where + "/items",
                    "items as a list (tuple validation) is typed as a list of Any",
                )
            return TypeExpr(ListOf(item.node, mutable=mode == RESPONSE))
        if t == "object":
            if isinstance(schema.get("properties"), dict) and schema["properties"]:
                return self._define(schema, mode, hint, where, None)
            extra = schema.get("additionalProperties")
            if "patternProperties" in schema:
                self.warn(
                    where, "patternProperties are not checked: any key is accepted"
                )
            if isinstance(extra, dict) and extra:
                value = self.expr(
                    extra, mode, hint + "Value", where + "/additionalProperties"
                )
                return TypeExpr(DictOf(value.node))
            return TypeExpr(DictOf(ANY.node))
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
        kept: list[tuple[Any, str, TypeExpr]] = []
        nullable = False
        for i, member in enumerate(members):
            mwhere = f"{where}/{key}/{i}"
            resolved, _ = self.reader.deref(member, mwhere)
            if (
                isinstance(resolved, dict)
                and resolved.get("type") == "null"
                and not (set(resolved) - ANNOTATION_ONLY - {"type"})
            ):
                nullable = True
                continue
            e = self.expr(member, mode, f"{hint}{_member_hint(member, i)}", mwhere)
            nullable = nullable or e.nullable
            kept.append((member, mwhere, e))
        if not kept:
            return NONE
        u = union_of([e for _, _, e in kept])
        if mode == RESPONSE and "discriminator" in schema and len(kept) > 1:
            tagged = discriminated(self.reader, schema, kept, where)
            if tagged is not None:
                u = tagged
        return u.optional() if nullable else u

    # -- modules ------------------------------------------------------------------------------

    def modules(self) -> tuple[TypeModule, ...]:
        """Group the definitions into modules; cycles between groups share a module."""
        modules, self._module_of = group_modules(
            self.defs, self.def_deps, self.def_group
        )
        return modules

    def module_of(self, name: str) -> str:
        return self._module_of[name]


def _field(plan: FieldPlan, t: TypeExpr, required: bool, mode: str) -> Field:
    """A model or TypedDict field of type ``t``.

    An optional response field defaults to its only possible value, else to
    the spec's default when it fits the type, else to None (and may be None).
    """
    own, flags = plan.own, plan.resolved
    node = t.node
    default: Any = None
    if mode == RESPONSE and not required:
        if t.literals is not None and len(t.literals) == 1:
            default = t.literals[0]  # the only value it can have
        else:
            node = t.optional().node
            spec_default = own.get("default", flags.get("default"))
            if _default_fits(spec_default, t):
                default = spec_default
    return Field(
        name=plan.name,
        wire=plan.wire,
        type=node,
        required=required,
        description=description(own) or description(flags),
        deprecated=bool(own.get("deprecated") or flags.get("deprecated")),
        default=default,
    )


def _default_fits(value: Any, t: TypeExpr) -> bool:
    """Whether the spec's default can be the model default without a type error."""
    if value is None:
        return False
    if t.literals is not None:
        return any(same(value, v) for v in t.literals)
    node = t.node.inner if isinstance(t.node, Nullable) else t.node
    if isinstance(node, ListOf):
        return bool(value == [])
    if isinstance(node, DictOf):
        return bool(value == {})
    if not isinstance(node, Prim):
        return False
    if node.name == "str":
        return isinstance(value, str)
    if node.name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if node.name == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if node.name == "bool":
        return isinstance(value, bool)
    return False


def _needs_functional(fields: list[Field]) -> bool:
    """Whether a TypedDict must use the ``TypedDict("Name", {...})`` form.

    The class form spells keys as identifiers, which fails for keys that are
    not identifiers or are keywords, and misleads type checkers for keys that
    are names its annotations use (a key ``str`` would shadow ``str``).
    """
    used = set(ANNOTATION_NAMES)
    for f in fields:
        used.update(names(f.type))
    return not all(
        is_identifier(f.wire) and f.wire not in KEYWORDS and f.wire not in used
        for f in fields
    )


def _member_hint(member: Any, i: int) -> str:
    if isinstance(member, dict):
        title = member.get("title")
        if isinstance(title, str) and title:
            return pascal_identifier(title, fallback="Variant")
    return f"Variant{i + 1}"

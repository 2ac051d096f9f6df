"""Parameter tables in the docs (``| model | string | Required |``) against the spec.

A table is about the body or parameters its label names ("Request body",
"Path parameters", "RESPONSE SCHEMA", ...); a ``messages SCHEMA`` table is
about the ``messages`` field found inside that body (the items, for a list).
For each row: the field must exist in the spec; the doc's type words
(``string``, ``number or null``, ``Array of objects``, ``string/array``) must
all be types the schema accepts; "Required"/"Yes" must be required in the
spec (and "Optional"/"No" not); "Read Only" must be ``readOnly``; a default
must equal the spec's ``default``. Fields the spec has beyond the table are
fine: specs carry the usual OpenAI-compatible extras.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..openapi import deref, escape_pointer_token, json_type
from .bodies import BodyChecker
from .items import Table, TableRow
from .match import Operation
from .targets import request_target, response_target

TableFinding = tuple[str, str, int, str, str]  # (group, kind, line, pointer, message)

_TYPE_WORDS = {
    "string": "string",
    "str": "string",
    "text": "string",
    "integer": "integer",
    "int": "integer",
    "number": "number",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "object": "object",
    "dict": "object",
    "map": "object",
    "array": "array",
    "list": "array",
    "null": "null",
}
_CONNECTORS = {"or", "and", "/", "|", ",", "nullable"}
_NAME_COL = re.compile(
    r"^(?:name|parameter|param|key|field|property|参数|名称|字段)$", re.IGNORECASE
)
_TYPE_COL = re.compile(r"type|类型", re.IGNORECASE)
_REQUIRED_COL = re.compile(r"required|status|必填|必需|必选", re.IGNORECASE)
_DEFAULT_COL = re.compile(r"default|默认", re.IGNORECASE)
_NESTED = re.compile(
    r"^[`*]*([A-Za-z_][\w.-]*)[`*]*\s+(?:SCHEMA|schema|object|fields)\b"
)


def doc_types(text: str) -> set[str]:
    """The JSON types a doc's type cell names (empty when it names none)."""
    words = re.findall(r"[A-Za-z]+|/|\|", text.lower())
    found: set[str] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if word in _TYPE_WORDS:
            found.add(_TYPE_WORDS[word])
            if (
                word in ("array", "list")
                and i + 2 < len(words)
                and words[i + 1] == "of"
            ):
                i += 3  # "Array of objects": the items' type is not the field's
                continue
        elif word not in _CONNECTORS or not found:
            break
        i += 1
    return found


class TableChecker:
    """Checks doc tables against the schemas and parameters of an operation."""

    def __init__(self, bodies: BodyChecker):
        self.bodies = bodies

    def check(
        self, table: Table, op: Operation, data: dict[str, Any]
    ) -> list[TableFinding]:
        """Every disagreement between a table and the spec (empty when they agree)."""
        header = [h.strip("*` ").strip() for h in table.header]
        name_col = next((i for i, h in enumerate(header) if _NAME_COL.match(h)), 0)
        type_col = next((i for i, h in enumerate(header) if _TYPE_COL.search(h)), None)
        if type_col is None and len(header) > 1 and header[1].lower() == "value":
            type_col = 1
        req_col = next(
            (i for i, h in enumerate(header) if _REQUIRED_COL.search(h)), None
        )
        default_col = next(
            (i for i, h in enumerate(header) if _DEFAULT_COL.search(h)), None
        )
        rows = [_fit_row(row, len(header)) for row in table.rows]
        if table.role in ("path", "query", "header"):
            return list(
                self._params(table, op, data, rows, name_col, type_col, req_col)
            )
        if table.role == "request":
            target, _ = request_target(data, op.pointer, op.data, op.name)
            what = f"the request body of {op.name}"
        elif table.role == "response":
            target, _ = response_target(
                data, op.pointer, op.data, op.name, table.status
            )
            what = f"the {table.status or '2xx'} response of {op.name}"
        else:
            return []
        if target is None:
            return []
        root = target.schema_pointer
        nested = _NESTED.match(table.label)
        if nested and nested.group(1).lower() not in ("request", "response", "body"):
            found = self._find_field(root, nested.group(1))
            if found is None:
                return [
                    (
                        "drift",
                        "undeclared-field",
                        table.line,
                        root,
                        f"the doc's {table.label.rstrip(':')} table is about a field {nested.group(1)!r} that {what} does not have",
                    )
                ]
            root = found
            what = f"{nested.group(1)} in {what}"
        return list(
            self._fields(
                table, root, what, rows, name_col, type_col, req_col, default_col
            )
        )

    # -- body fields -------------------------------------------------------------

    def _fields(
        self,
        table: Table,
        root: str,
        what: str,
        rows: list[TableRow],
        name_col: int,
        type_col: int | None,
        req_col: int | None,
        default_col: int | None,
    ) -> Iterator[TableFinding]:
        props, required, root = self._object(root)
        for row in rows:
            name = _cell(row, name_col).strip("`*_ ")
            if not name or not re.match(r"^[\w.$@-]+$", name):
                continue
            prop = props.get(name)
            if prop is None:
                yield (
                    "drift",
                    "undeclared-field",
                    row.line,
                    root,
                    f"the doc's table lists {name!r} for {what}; the spec does not declare it",
                )
                continue
            if type_col is not None:
                yield from self._type(row, name, prop, _cell(row, type_col), what)
            if req_col is not None:
                status = _cell(row, req_col).lower()
                if re.search(r"read[\s-]*only|只读", status):
                    if not self._flag(prop, "readOnly"):
                        yield (
                            "drift",
                            "table",
                            row.line,
                            prop,
                            f"the doc's table marks {name!r} read-only in {what}; the spec does not (readOnly)",
                        )
                elif (
                    re.match(r"^(?:required|yes|true|y|是|必填|必需)\b", status)
                    and name not in required
                ):
                    yield (
                        "drift",
                        "table",
                        row.line,
                        root,
                        f"the doc's table marks {name!r} required in {what}; the spec does not require it",
                    )
                elif (
                    re.match(r"^(?:optional|no|false|n|否|可选)\b", status)
                    and name in required
                ):
                    yield (
                        "drift",
                        "table",
                        row.line,
                        root,
                        f"the doc's table marks {name!r} optional in {what}; the spec requires it",
                    )
            if default_col is not None:
                yield from self._default(row, name, prop, _cell(row, default_col), what)

    def _type(
        self, row: TableRow, name: str, prop: str, cell: str, what: str
    ) -> Iterator[TableFinding]:
        wanted = doc_types(cell)
        accepted = self._types(prop)
        if not wanted or accepted is None:
            return
        if "number" in accepted:
            accepted = accepted | {"integer"}
        missing = sorted(wanted - accepted)
        if missing:
            yield (
                "drift",
                "table",
                row.line,
                prop,
                f"the doc's table gives {name!r} in {what} the type {cell.split('  ')[0][:40]!r}; the spec's schema does not accept {' or '.join(missing)}",
            )

    def _default(
        self, row: TableRow, name: str, prop: str, cell: str, what: str
    ) -> Iterator[TableFinding]:
        text = cell.strip().strip("`")
        if not text:
            return
        try:
            doc_value: Any = json.loads(text)
        except ValueError:
            doc_value = text
        spec_default = self._keyword(prop, "default")
        if spec_default is _ABSENT:
            yield (
                "drift",
                "table",
                row.line,
                prop,
                f"the doc's table gives {name!r} in {what} the default {text}; the spec gives none",
            )
        elif (
            json.dumps(spec_default) != json.dumps(doc_value)
            and str(spec_default) != text
        ):
            yield (
                "drift",
                "table",
                row.line,
                prop,
                f"the doc's table gives {name!r} in {what} the default {text}; the spec's default is {json.dumps(spec_default)}",
            )

    # -- parameters ----------------------------------------------------------------

    def _params(
        self,
        table: Table,
        op: Operation,
        data: dict[str, Any],
        rows: list[TableRow],
        name_col: int,
        type_col: int | None,
        req_col: int | None,
    ) -> Iterator[TableFinding]:
        where_in = table.role
        params: dict[str, str] = {}
        for plist, pbase in (
            (op.item.get("parameters") or [], op.item_pointer + "/parameters"),
            (op.data.get("parameters") or [], op.pointer + "/parameters"),
        ):
            for i, param in enumerate(plist):
                param, where = deref(data, param, f"{pbase}/{i}")
                if isinstance(param, dict) and param.get("in") == where_in:
                    params[str(param.get("name"))] = where
        for row in rows:
            name = _cell(row, name_col).strip("`*_{} ")
            if not name:
                continue
            if name not in params:
                kind = (
                    "the path" if where_in == "path" else f"the {where_in} parameters"
                )
                yield (
                    "drift",
                    "parameter",
                    row.line,
                    op.pointer + "/parameters",
                    f"the doc's table lists the {where_in} parameter {name!r}; {kind} of {op.name} in the spec do not have it",
                )
                continue
            if type_col is not None:
                yield from self._type(
                    row,
                    name,
                    params[name] + "/schema",
                    _cell(row, type_col),
                    f"the parameters of {op.name}",
                )

    # -- schema helpers ------------------------------------------------------------

    def _object(self, ptr: str) -> tuple[dict[str, str], set[str], str]:
        """The properties (name -> pointer), required names and defining schema of an object schema (items, for a list)."""
        props: dict[str, str] = {}
        required: set[str] = set()
        owner = ptr
        for part in self._parts(ptr):
            node = self.bodies.node(part)
            if isinstance(node.get("properties"), dict):
                if not props:
                    owner = part
                for key in node["properties"]:
                    props.setdefault(
                        key, f"{part}/properties/{escape_pointer_token(key)}"
                    )
            if isinstance(node.get("required"), list) and not re.search(
                r"/(?:anyOf|oneOf)/\d+$", part
            ):
                required.update(str(r) for r in node["required"])
        if not props:
            items = next(
                (
                    f"{p}/items"
                    for p in self._parts(ptr)
                    if isinstance(self.bodies.node(p).get("items"), dict)
                ),
                None,
            )
            if items is not None:
                return self._object(items)
        return props, required, owner

    def _parts(self, ptr: str, seen: frozenset[str] = frozenset()) -> Iterator[str]:
        """The schema and everything it is made of: ``$ref``, ``allOf``, every ``anyOf``/``oneOf`` branch."""
        if ptr in seen or len(seen) > 64:
            return
        seen = seen | {ptr}
        node = self.bodies.node(ptr)
        if not isinstance(node, dict):
            return
        yield ptr
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            yield from self._parts(node["$ref"], seen)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for i, _ in enumerate(node.get(keyword) or []):
                yield from self._parts(f"{ptr}/{keyword}/{i}", seen)

    def _types(self, ptr: str) -> set[str] | None:
        """Every JSON type the schema accepts; ``None`` when it does not say (anything goes)."""
        types: set[str] = set()
        for part in self._parts(ptr):
            node = self.bodies.node(part)
            t = node.get("type")
            if isinstance(t, str):
                types.add(t)
            elif isinstance(t, list):
                types.update(str(x) for x in t)
            for value in ([node["const"]] if "const" in node else []) + list(
                node.get("enum") or []
            ):
                types.add(json_type(value))
            if node.get("nullable") is True:
                types.add("null")
        return types or None

    def _flag(self, ptr: str, keyword: str) -> bool:
        return any(self.bodies.node(p).get(keyword) is True for p in self._parts(ptr))

    def _keyword(self, ptr: str, keyword: str) -> Any:
        for part in self._parts(ptr):
            node = self.bodies.node(part)
            if keyword in node:
                return node[keyword]
        return _ABSENT

    def _find_field(self, root: str, name: str) -> str | None:
        """The schema of the first field called ``name`` inside ``root`` (breadth first)."""
        queue = [root]
        seen: set[str] = set()
        while queue:
            ptr = queue.pop(0)
            if ptr in seen or len(seen) > 500:
                continue
            seen.add(ptr)
            props, _, _ = self._object(ptr)
            if name in props:
                return props[name]
            queue.extend(props.values())
        return None


class _Absent:
    pass


_ABSENT: Any = _Absent()


def _fit_row(row: TableRow, width: int) -> TableRow:
    """Rejoin cells that a ``|`` inside a value split (``<|endoftext|>``) into the last column."""
    if width and len(row.cells) > width:
        return TableRow(
            row.line, row.cells[: width - 1] + ["|".join(row.cells[width - 1 :])]
        )
    return row


def _cell(row: TableRow, col: int) -> str:
    return row.cells[col].strip() if col < len(row.cells) else ""

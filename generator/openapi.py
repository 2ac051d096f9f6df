"""Reading an OpenAPI document: pointers, references, operations, media types.

The ground floor of the generator: every stage and side command (validate,
build, docs-check, diff, publish, bundle) reads a spec through these names,
so that "which operations does this spec have" or "where does this ``$ref``
lead" has one answer everywhere. It knows the shape of OpenAPI documents and
nothing of Python, code generation or reporting; it imports nothing of the
project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# application/json, application/problem+json, application/vnd.x+json; charset=...
_JSON_MEDIA = re.compile(
    r"^application/([\w.+-]*\+)?json\b|^application/json", re.IGNORECASE
)


# -- JSON pointers (RFC 6901) ------------------------------------------------------


def escape_pointer_token(token: object) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    """Inverse of :func:`escape_pointer_token`."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer(parts: Iterable[object]) -> str:
    """Render path parts as a URI-fragment JSON pointer: ``#/paths/~1models/get``."""
    return "#" + "".join("/" + escape_pointer_token(p) for p in parts)


def split_pointer(ptr: str) -> list[str]:
    """Inverse of :func:`pointer` (accepts ``#/a/b`` or ``/a/b``)."""
    ptr = ptr.removeprefix("#")
    if not ptr:
        return []
    return [unescape_pointer_token(t) for t in ptr.split("/")[1:]]


def child(where: str, *tokens: object) -> str:
    """The pointer ``where`` extended by ``tokens``, each escaped."""
    return where + "".join("/" + escape_pointer_token(t) for t in tokens)


def resolve_pointer(doc: Any, ptr: str) -> Any:
    """The node at JSON pointer ``ptr`` (``#/a/b``); ``KeyError`` when absent."""
    node = doc
    for token in split_pointer(ptr):
        if isinstance(node, Mapping):
            if token not in node:
                raise KeyError(token)
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                raise KeyError(token)
            node = node[int(token)]
        else:
            raise KeyError(token)
    return node


# -- references --------------------------------------------------------------------


def is_ref(node: Any) -> bool:
    """Whether ``node`` is a Reference Object (a mapping with a string ``$ref``)."""
    return isinstance(node, Mapping) and isinstance(node.get("$ref"), str)


def deref(
    data: Any, node: Any, where: str, *, merge_siblings: bool = False
) -> tuple[Any, str]:
    """Follow a chain of local ``$ref``s from ``node`` (found at ``where``).

    Returns the node the chain ends at and its pointer. A reference that does
    not resolve, is not local, or comes round again (a cycle with no schema in
    it) ends the chain with ``(None, <that reference>)``: validation reports
    those, so readers that run after it never see them, and readers that run
    before it (docs-check, diff) treat the node as absent.

    OpenAPI 3.1 lets keys stand beside a ``$ref`` (a ``description``, a
    ``default``); most readers ignore them. With ``merge_siblings`` they are
    laid over the target at each step, as a new dict (``data`` is never
    changed), so the result says what the schema means there: diff compares
    that.
    """
    seen: set[str] = set()
    while is_ref(node):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#"):
            return None, ref
        seen.add(ref)
        try:
            target = resolve_pointer(data, ref)
        except KeyError:
            return None, ref
        if merge_siblings and len(node) > 1 and isinstance(target, Mapping):
            target = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        node, where = target, ref
    return node, where


def locate(
    data: Any, tokens: Sequence[object], start: str = "#"
) -> tuple[list[object], int]:
    """Walk ``tokens`` down from the node at ``start``, through ``$ref``s, as a validator does.

    A JSON Schema validator's error path runs through references without
    naming them: wherever the next token is not a key of the Reference
    Object itself, the reference is followed. Returns the pointer parts of
    the deepest node reached (in the definition a reference leads to, which
    is where a user fixes it) and how many tokens were used; fewer than all
    when the path leaves the document.
    """
    where: list[object] = list(split_pointer(start))
    try:
        node = resolve_pointer(data, start)
    except KeyError:
        return where, 0
    for used, token in enumerate(tokens):
        if is_ref(node) and token not in node:
            target, at = deref(data, node, pointer(where))
            if target is not None:
                node, where = target, list(split_pointer(at))
        # Two arms, one per container: each narrows the type of node.
        if isinstance(node, Mapping) and token in node:  # noqa: SIM114
            node = node[token]
        elif isinstance(node, list) and isinstance(token, int) and token < len(node):
            node = node[token]
        else:
            return where, used
        where.append(token)
    return where, len(tokens)


#: Fields whose value maps names to objects: there a key is a name the spec
#: chose (a header called ``x-request-id``, a property called ``x-id``),
#: never an extension. The sections of ``components`` are such maps too.
#: (``paths``, ``responses`` and a callback's expressions are maps whose keys
#: cannot start with ``x-``: there an ``x-`` key is an extension.)
NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "dependentSchemas", "$defs", "definitions",
        "headers", "content", "encoding", "links", "callbacks", "variables",
        "securitySchemes", "webhooks", "mapping", "scopes", "examples",
    }
)  # fmt: skip
#: Keywords whose value is JSON data, not OpenAPI (a schema's ``example``,
#: ``default``, ``const``, ``enum`` and list of ``examples``, an Example
#: Object's ``value``): a ``$ref`` inside is text.
DATA_KEYWORDS = frozenset({"example", "default", "const", "enum", "value"})

#: What a node of the document is, for :func:`openapi_children`.
OBJECT = "object"  # an OpenAPI object or a schema: x- keys are extensions
NAMES = "names"  # a map from names to objects (NAME_MAPS, components' sections)
RESPONSES = "responses"  # a Responses Object: status codes and "default"


def is_extension(key: object) -> bool:
    """An ``x-`` key: in an OpenAPI object its value is the vendor's, not OpenAPI."""
    return isinstance(key, str) and key.startswith("x-")


def openapi_children(
    node: Mapping[str, Any], parts: Sequence[object], kind: str = OBJECT
) -> Iterator[tuple[str, Any, str]]:
    """(key, value, the value's kind) for the keys of ``node`` that hold OpenAPI.

    ``node`` is at ``parts`` in the document and of ``kind`` (:data:`OBJECT`,
    :data:`NAMES` or :data:`RESPONSES`). In a name map every key is a name
    and every value an object. In an object, the values of extensions
    (``x-codeSamples``) and of keywords holding data (``example``,
    ``default``...) are left out: nothing in them is OpenAPI, so a ``$ref``
    there is never followed. In a Responses Object, ``default`` is a response.
    """
    if kind == NAMES:
        for key, value in node.items():
            yield key, value, OBJECT
        return
    section = kind == OBJECT and len(parts) == 1 and parts[0] == "components"
    for key, value in node.items():
        if is_extension(key):
            continue
        if kind == RESPONSES:
            yield key, value, OBJECT
            continue
        if key in DATA_KEYWORDS or (key == "examples" and isinstance(value, list)):
            continue  # data (a schema's examples are values, not Example Objects)
        if section or key in NAME_MAPS:
            yield key, value, NAMES
        elif key == "responses" and isinstance(value, Mapping):
            yield key, value, RESPONSES
        else:
            yield key, value, OBJECT


def iter_refs(
    node: Any, parts: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every ``$ref`` of the document with the path of the object holding it.

    Only where OpenAPI is: never inside an extension's value or a value that
    is data (see :func:`openapi_children`); a property called ``$ref`` is a
    name, not a reference. ``node`` is the document (or the node at ``parts``).
    """
    stack: list[tuple[Any, tuple[Any, ...], str]] = [(node, parts, OBJECT)]
    while stack:
        cur, where, kind = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if kind != NAMES and isinstance(ref, str):
                yield where, ref
            for k, v, v_kind in openapi_children(cur, where, kind):
                if isinstance(v, (dict, list)):
                    stack.append((v, where + (k,), v_kind))
        elif isinstance(cur, list):
            for i, v in enumerate(cur):
                if isinstance(v, (dict, list)):
                    stack.append((v, where + (i,), OBJECT))


# -- the document -------------------------------------------------------------------


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (invalid specs are reported elsewhere)."""
    return value if isinstance(value, Mapping) else {}


def spec_version(data: Mapping[str, Any]) -> str | None:
    """``"3.0"`` or ``"3.1"`` for documents we can read, else ``None``."""
    v = data.get("openapi")
    if isinstance(v, str):
        if v.startswith("3.1."):
            return "3.1"
        if v.startswith("3.0."):
            return "3.0"
    return None


def iter_path_items(
    data: Mapping[str, Any],
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(path, path item, pointer) for every path, a path item given as ``$ref`` followed.

    The pointer is where the path item's content is: the path's own
    (``#/paths/~1models``), or the target of its ``$ref``.
    """
    for path, item in mapping(data.get("paths")).items():
        if not isinstance(path, str) or path.startswith("x-"):
            continue
        item, where = deref(data, item, pointer(["paths", path]))
        if isinstance(item, dict):
            yield path, item, where


def path_item(data: Mapping[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The path item of ``path`` (a ``$ref`` followed) and where its content is.

    An absent or unreadable path item is empty, at the path's own pointer.
    """
    at = pointer(["paths", path])
    item, where = deref(data, mapping(data.get("paths")).get(path), at)
    return (item, where) if isinstance(item, dict) else ({}, at)


def iter_operations(
    data: Mapping[str, Any],
) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(path, method, operation object, pointer) for every operation, in spec order."""
    for path, item, item_where in iter_path_items(data):
        for method, op, where in _item_operations(item, item_where):
            yield path, method, op, where


def _item_operations(
    item: Mapping[str, Any], where: str
) -> Iterator[tuple[str, dict[str, Any], str]]:
    for method in HTTP_METHODS:
        op = item.get(method)
        if isinstance(op, dict):
            yield method, op, f"{where}/{method}"


def iter_parameters(data: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """(parameter, pointer) for every parameter of every path item and operation.

    In spec order, each path item's own parameters before its operations';
    a parameter given as ``$ref`` is followed (the pointer is its target's).
    """
    for _path, item, item_where in iter_path_items(data):
        owners = [(item, item_where)]
        owners += [(op, where) for _, op, where in _item_operations(item, item_where)]
        for owner, where in owners:
            params = owner.get("parameters")
            for i, raw in enumerate(params if isinstance(params, list) else []):
                param, at = deref(data, raw, f"{where}/parameters/{i}")
                if isinstance(param, dict):
                    yield param, at


def iter_media_types(
    data: Mapping[str, Any],
) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(pointer, content type, media type object) for every request and response body."""
    for _path, _method, op, op_where in iter_operations(data):
        body, body_where = deref(data, op.get("requestBody"), op_where + "/requestBody")
        if isinstance(body, dict):
            for ctype, media in mapping(body.get("content")).items():
                if isinstance(media, dict):
                    yield child(body_where, "content", ctype), ctype, media
        for status, resp in mapping(op.get("responses")).items():
            resp, resp_where = deref(data, resp, child(op_where, "responses", status))
            if isinstance(resp, dict):
                for ctype, media in mapping(resp.get("content")).items():
                    if isinstance(media, dict):
                        yield child(resp_where, "content", ctype), ctype, media


def is_json_media_type(content_type: str) -> bool:
    """``application/json`` and its ``+json`` relatives (parameters such as charset allowed)."""
    return bool(_JSON_MEDIA.match(content_type))


def json_type(value: Any) -> str:
    """The JSON Schema type name of a JSON value ("integer" for ints, never for bools)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"

"""The tolerant reader: a body that drifted from its type is still read, and the drift reported.

Providers add enum values, send a number as a string, leave out a field the
docs call required. By default a client does not fail on that: what fits is
typed, the rest is kept as sent, and each mismatch is logged once at
WARNING on the package's logger, with the operation and the JSON pointer of
the field (the report a spec author needs). Validation runs normally first;
this walk only runs when it fails, so a body that fits costs nothing more.
"""

from __future__ import annotations

import collections.abc
import json
import logging
import re
import threading
import types
from collections.abc import Callable, Iterable
from typing import Any, Literal, Union, get_args
from typing import get_origin as _origin

import pydantic

__all__ = ["read_tolerant", "tolerant_value"]

# "<package>._runtime._tolerant" logs as "<package>": one logger per package.
log = logging.getLogger(__name__.rpartition("._runtime")[0] or __name__)

_NONE = type(None)
_UNIONS: tuple[Any, ...] = (Union, types.UnionType)
_MISSING = "missing"
_INDEX = re.compile(r"/\d+(?=/|$)")
#: Mismatches already reported, by (operation, pointer without list indexes, expected type).
_SEEN: set[tuple[str, str, str]] = set()
_SEEN_LIMIT = 10_000
_lock = threading.Lock()
_adapters: dict[tuple[Any, Any], pydantic.TypeAdapter[Any]] = {}


def read_tolerant(
    tp: Any,
    content: str | bytes,
    *,
    where: str,
    seen: set[tuple[str, str, str]] | None = None,
    redact: Callable[[str], str] | None = None,
) -> Any:
    """JSON text as ``tp``, tolerating drift (see :func:`tolerant_value`).

    Raises :class:`ValueError` when ``content`` is not JSON at all: there is
    nothing to keep.
    """
    data = json.loads(content or b"null")
    return tolerant_value(tp, data, where=where, seen=seen, redact=redact)


def tolerant_value(
    tp: Any,
    data: Any,
    *,
    where: str,
    seen: set[tuple[str, str, str]] | None = None,
    redact: Callable[[str], str] | None = None,
) -> Any:
    """``data`` (parsed JSON) as ``tp``: what fits is typed, the rest kept as sent.

    ``where`` names the operation in the warnings (``"GET /models"``, plus
    ``" event"`` for a stream chunk, say). Each mismatch is logged at WARNING
    once per ``seen`` set (the client's; one for the process by default),
    counting every item of a list as the same field. ``redact`` (the
    client's) is applied to every message: values are not logged, except an
    unknown enum value, which could still be an echoed credential.
    """
    mismatches: list[tuple[str, str, str]] = []
    value = _walk(tp, data, "", mismatches)
    if mismatches:
        _report(where, tp, mismatches, _SEEN if seen is None else seen, redact)
    return value


def _report(
    where: str,
    tp: Any,
    mismatches: Iterable[tuple[str, str, str]],
    seen: set[tuple[str, str, str]],
    redact: Callable[[str], str] | None,
) -> None:
    name = _type_name(tp)
    for pointer, expected, got in mismatches:
        key = (where, _INDEX.sub("/-", pointer), expected)
        with _lock:
            if key in seen:
                continue
            if len(seen) >= _SEEN_LIMIT:
                seen.clear()
            seen.add(key)
        detail = (
            f"the required {expected} is missing"
            if got == _MISSING
            else f"expected {expected}, got {got}"
        )
        message = (
            f"{where}: the response does not fit {name} at "
            f"{pointer or '/ (the whole body)'}: {detail}; kept as sent "
            "(strict_response_validation=True raises instead)"
        )
        log.warning("%s", redact(message) if redact is not None else message)


def _adapter(tp: Any, owner: Any) -> pydantic.TypeAdapter[Any]:
    """A validator for ``tp``, with the settings of the model it is a field of (bytes as base64...)."""
    config = None if owner is None or _is_model(tp) else owner.model_config
    try:
        adapter = _adapters.get((tp, owner))
    except TypeError:  # an unhashable annotation: build it every time
        return pydantic.TypeAdapter(tp, config=config)
    if adapter is None:
        adapter = _adapters[(tp, owner)] = pydantic.TypeAdapter(tp, config=config)
    return adapter


def _fits(tp: Any, data: Any, owner: Any) -> tuple[bool, Any]:
    """Validate ``data`` as JSON would be (bytes as base64, dates as text...)."""
    if tp is Any:
        return True, data
    try:
        return True, _adapter(tp, owner).validate_json(json.dumps(data))
    except pydantic.ValidationError:
        return False, None


def _walk(
    tp: Any,
    data: Any,
    pointer: str,
    out: list[tuple[str, str, str]],
    owner: Any = None,
) -> Any:
    """``data`` as ``tp``; ``owner`` is the model ``tp`` is (part of) a field of."""
    ok, value = _fits(tp, data, owner)
    if ok:
        return value
    origin = _origin(tp)
    if origin is not None and _is_annotated(tp):
        return _walk(get_args(tp)[0], data, pointer, out, owner)
    alias_value = getattr(tp, "__value__", None)
    if alias_value is not None and not isinstance(tp, type):  # TypeAliasType
        return _walk(alias_value, data, pointer, out, owner)
    if origin in _UNIONS:
        member = _pick([m for m in get_args(tp) if m is not _NONE], data)
        if member is not None:
            return _walk(member, data, pointer, out, owner)
    elif _is_model(tp) and isinstance(data, dict):
        return _model(tp, data, pointer, out)
    elif origin in (list, list) or _is_sequence(origin):
        if isinstance(data, list):
            item = (get_args(tp) or (Any,))[0]
            return [
                _walk(item, x, f"{pointer}/{i}", out, owner) for i, x in enumerate(data)
            ]
    elif origin in (dict, dict) and isinstance(data, dict):
        item = (get_args(tp) or (Any, Any))[1]
        return {
            k: _walk(item, v, f"{pointer}/{_escape(k)}", out, owner)
            for k, v in data.items()
        }
    got = _json_kind(data)
    if origin is Literal and isinstance(data, (str, int)) and len(str(data)) <= 64:
        got = repr(data)  # an enum value the spec lacks: vocabulary, not content
    out.append((pointer, _type_name(tp), got))
    return data


def _model(
    cls: type[pydantic.BaseModel],
    data: dict[str, Any],
    pointer: str,
    out: list[tuple[str, str, str]],
) -> pydantic.BaseModel:
    if not cls.__pydantic_complete__:
        # A model met only as a field of another keeps its fields' forward
        # references (the names of models defined after it) until it is built.
        cls.model_rebuild(raise_errors=False)
    values: dict[str, Any] = {}
    fields_set: set[str] = set()
    known: set[str] = set()
    for name, field in cls.model_fields.items():
        key = field.alias or name
        known.add(key)
        if key in data:
            values[name] = _walk(
                field.annotation, data[key], f"{pointer}/{_escape(key)}", out, cls
            )
            fields_set.add(name)
        elif field.is_required():
            out.append(
                (f"{pointer}/{_escape(key)}", _type_name(field.annotation), _MISSING)
            )
            values[name] = None  # absent, as sent; reading it gives None
    extra = {k: v for k, v in data.items() if k not in known}
    return cls.model_construct(fields_set, **values, **extra)


def _pick(members: list[Any], data: Any) -> Any:
    """The union member ``data`` was most likely meant to be, or ``None``."""
    members = [get_args(m)[0] if _is_annotated(m) else m for m in members]
    if isinstance(data, list):
        return next(
            (
                m
                for m in members
                if _origin(m) in (list, list) or _is_sequence(_origin(m))
            ),
            None,
        )
    if not isinstance(data, dict):
        return None
    models = [m for m in members if _is_model(m)]
    if not models:
        return next((m for m in members if _origin(m) in (dict, dict)), None)

    def score(model: type[pydantic.BaseModel]) -> tuple[int, int]:
        tags = 0
        for name, field in model.model_fields.items():
            key = field.alias or name
            if _origin(field.annotation) is Literal and key in data:
                if data[key] in get_args(field.annotation):
                    tags += 1
                else:
                    return (-1, 0)  # a tag that says: not this member
        return (
            tags,
            sum((f.alias or n) in data for n, f in model.model_fields.items()),
        )

    return max(models, key=score)


def _is_annotated(tp: Any) -> bool:
    return hasattr(tp, "__metadata__")


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def _is_sequence(origin: Any) -> bool:
    return origin is collections.abc.Sequence


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _json_kind(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return f"boolean {json.dumps(data)}"
    if isinstance(data, (int, float)):
        return "a number"
    if isinstance(data, str):
        return "a string"
    return "an array" if isinstance(data, list) else "an object"


def _type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__name__
    text = repr(tp).replace("typing.", "").replace("typing_extensions.", "")
    return re.sub(r"\b[\w.]+\.(\w+)", r"\1", text)

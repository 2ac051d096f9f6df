"""Values on the wire: one conversion for every value JSON or text cannot hold as is.

:func:`wire_value` is the one place that knows how a date, a duration, a
UUID, an enum, bytes or a model travel; the JSON body encoder and the
parameter text of :mod:`._params` (and of form and multipart fields) both go
through it, so the two can never disagree.
"""

from __future__ import annotations

import base64
import datetime as _dt
import enum
import json
import os
import uuid
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ._types import NOT_GIVEN

__all__ = [
    "binary_content",
    "encode_json",
    "encode_json_body",
    "form_fields",
    "iso_duration",
    "multipart",
    "param_text",
    "wire_value",
]


def iso_duration(value: _dt.timedelta) -> str:
    """ISO 8601 duration text (``P1DT2.5S``), as pydantic reads and writes it."""
    micros = abs(value) // _dt.timedelta(microseconds=1)
    days, micros = divmod(micros, 86_400_000_000)
    seconds, micros = divmod(micros, 1_000_000)
    sign = "-" if value < _dt.timedelta(0) else ""
    text = f"{sign}P{days}D" if days else f"{sign}P"
    if seconds or micros or not days:
        fraction = f".{micros:06d}".rstrip("0") if micros else ""
        text += f"T{seconds}{fraction}S"
    return text


def wire_value(value: Any) -> Any:
    """What a value JSON cannot encode natively is on the wire.

    Models become their JSON dict (wire names, unset fields left out); dates
    and times ISO 8601 text; durations ISO 8601 durations; UUIDs their text;
    enums their value; decimals floats; bytes base64 text; sets lists.
    Anything else raises :class:`TypeError`.
    """
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return iso_duration(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"cannot send a value of type {type(value).__name__}")


def param_text(value: Any) -> str:
    """One value as parameter or form text (booleans as ``true``/``false``).

    Raises :class:`TypeError` for a value with no text form (an object, a
    list, a path, a file): sending ``str()`` of it would send nonsense, or
    worse, a local path.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)  # exact, where JSON would make it a float
    converted = wire_value(value)
    if isinstance(converted, str):
        return converted
    if isinstance(converted, (bool, int, float)):
        return param_text(converted)
    raise TypeError(f"cannot send a value of type {type(value).__name__} as text")


def encode_json(data: Any) -> bytes:
    """``data`` as compact UTF-8 JSON; values JSON cannot hold go through :func:`wire_value`."""
    return json.dumps(
        data,
        default=wire_value,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def encode_json_body(body: Any) -> bytes:
    """A JSON request body; a value JSON cannot hold raises :class:`TypeError` naming its field."""
    try:
        return encode_json(body)
    except TypeError as exc:
        if isinstance(body, Mapping):
            for key, value in body.items():
                try:
                    encode_json(value)
                except TypeError:
                    raise TypeError(f"body field {key!r}: {exc}") from None
        raise TypeError(f"the body: {exc}") from None


def form_fields(
    body: Mapping[str, Any] | None, extra: Mapping[str, Any] | None
) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body for httpx (a list repeats the key)."""
    data: dict[str, Any] = {}
    for key, value in (body or {}).items():
        if value is NOT_GIVEN or value is None:
            continue
        try:
            data[key] = (
                [param_text(x) for x in value]
                if isinstance(value, (list, tuple))
                else param_text(value)
            )
        except TypeError as exc:
            raise TypeError(f"form field {key!r}: {exc}") from None
    if extra:
        data.update(extra)
    return data


def multipart(
    body: Mapping[str, Any],
    extra: Mapping[str, Any] | None,
    files: Collection[str] = (),
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Split a multipart body into form fields and files.

    Fields in ``files`` (the spec's binary fields) take bytes, an open
    binary file, a path (``os.PathLike``: the file is read and sent under its
    name) or a ``(filename, content[, content_type])`` tuple; the others take
    text (objects and lists as JSON). Anything else raises :class:`TypeError`
    naming the field, before anything is sent. Fields of ``extra`` (not in
    the spec) go by their value: file-like values as files.
    """
    data: dict[str, Any] = {}
    parts: list[tuple[str, Any]] = []
    for source, fields in ((True, body), (False, extra or {})):
        for key, value in fields.items():
            if value is NOT_GIVEN or value is None:
                continue
            values = value if isinstance(value, (list, tuple)) else [value]
            if isinstance(value, tuple) and _is_file(value):
                values = [value]
            for item in values:
                is_file = (key in files) if source else _is_file(item)
                try:
                    if is_file:
                        parts.append((key, _file_part(item)))
                    elif _is_file(item):
                        raise TypeError(
                            f"the spec declares text here, not a file "
                            f"({type(item).__name__})"
                        )
                    elif isinstance(item, (dict, list)):
                        text = encode_json(item).decode("utf-8")
                        data.setdefault(key, []).append(text)
                    else:
                        data.setdefault(key, []).append(param_text(item))
                except TypeError as exc:
                    raise TypeError(f"multipart field {key!r}: {exc}") from None
    return data, parts


def binary_content(body: Any) -> Any:
    """A raw request body: bytes, an open binary file, or a path (the file is read)."""
    if isinstance(body, os.PathLike):
        return Path(body).read_bytes()
    if isinstance(body, (bytes, bytearray, memoryview)) or hasattr(body, "read"):
        return body
    raise TypeError(
        f"the body takes bytes, a binary file or a path, not {type(body).__name__}"
    )


def _is_file(value: Any) -> bool:
    """Whether ``value`` is file content, or a (filename, content[, type]) tuple."""
    if isinstance(value, tuple):
        return len(value) in (2, 3) and isinstance(value[0], str) and _is_file(value[1])
    return isinstance(value, (bytes, bytearray, os.PathLike)) or hasattr(value, "read")


def _file_part(value: Any) -> Any:
    """What httpx sends as one file: content, or (filename, content[, content type])."""
    if isinstance(value, os.PathLike):
        path = Path(value)
        return (path.name, path.read_bytes())
    if isinstance(value, (bytes, bytearray)) or hasattr(value, "read"):
        return value
    if isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[0], str):
        content = value[1]
        if isinstance(content, os.PathLike):
            content = Path(content).read_bytes()
        elif not (isinstance(content, (bytes, bytearray)) or hasattr(content, "read")):
            raise TypeError(
                f"a (filename, content) tuple needs bytes or a binary file as content, "
                f"not {type(content).__name__}"
            )
        return (value[0], content, *value[2:])
    raise TypeError(
        "a file field takes bytes, a binary file, a path or a (filename, content) "
        f"tuple, not {type(value).__name__}"
    )

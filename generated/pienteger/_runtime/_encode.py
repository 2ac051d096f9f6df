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
import uuid
from decimal import Decimal
from typing import Any, Mapping

from ._types import NOT_GIVEN

__all__ = [
    "iso_duration",
    "wire_value",
    "param_text",
    "encode_json",
    "form_fields",
    "multipart",
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
    """One value as parameter or form text (booleans as ``true``/``false``)."""
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
    try:
        converted = wire_value(value)
    except TypeError:
        return str(value)
    return converted if isinstance(converted, str) else param_text(converted)


def encode_json(data: Any) -> bytes:
    """``data`` as compact UTF-8 JSON; values JSON cannot hold go through :func:`wire_value`."""
    return json.dumps(
        data,
        default=wire_value,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def form_fields(
    body: Mapping[str, Any] | None, extra: Mapping[str, Any] | None
) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body for httpx (a list repeats the key)."""
    data: dict[str, Any] = {
        k: (
            [param_text(x) for x in v]
            if isinstance(v, (list, tuple))
            else param_text(v)
        )
        for k, v in (body or {}).items()
        if v is not NOT_GIVEN and v is not None
    }
    if extra:
        data.update(extra)
    return data


def multipart(
    body: Mapping[str, Any], extra: Mapping[str, Any] | None
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Split a multipart body into form fields and files (bytes, file objects or (name, content[, type]) tuples)."""
    data: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    for key, value in {**body, **(extra or {})}.items():
        if value is NOT_GIVEN or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, (bytes, bytearray, tuple)) or hasattr(item, "read"):
                files.append((key, item))
            elif isinstance(item, (dict, list)):
                data.setdefault(key, []).append(encode_json(item).decode("utf-8"))
            else:
                data.setdefault(key, []).append(param_text(item))
    return data, files

"""Parameters on the wire, serialised as the OpenAPI ``style``/``explode`` of each says.

Query parameters default to ``form`` exploded (``?tag=a&tag=b``); path and
header parameters to ``simple`` (``a,b``). An operation lists the others in
its ``styles``: ``form`` unexploded (``?tag=a,b``), ``spaceDelimited``,
``pipeDelimited``, ``deepObject`` (``?filter[name]=x``), or ``json`` for a
parameter whose content is ``application/json`` (sent as JSON text).
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import uuid
from typing import Any, Callable, Mapping

from ._types import NOT_GIVEN

__all__ = [
    "encode_query",
    "encode_headers",
    "param_text",
    "simple_text",
    "iso_duration",
]

_SEPARATORS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


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


def param_text(value: Any) -> str:
    """One primitive value as parameter text (booleans as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, enum.Enum):
        return param_text(value.value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return iso_duration(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None:
        return ""
    return str(value)


def simple_text(
    value: Any, explode: bool = False, escape: Callable[[str], str] = str
) -> str:
    """The ``simple`` style (path and header parameters): ``a,b``; objects ``k,v`` or ``k=v``.

    ``escape`` is applied to each item, not to the delimiters (path parameters
    are percent-encoded item by item, keeping the commas).
    """
    if isinstance(value, Mapping):
        sep = "=" if explode else ","
        return ",".join(
            f"{escape(str(k))}{sep}{escape(param_text(v))}" for k, v in value.items()
        )
    if isinstance(value, (list, tuple)):
        return ",".join(escape(param_text(v)) for v in value)
    return escape(param_text(value))


def _json_text(value: Any) -> str:
    from ._base import _encode_json  # the body encoder: models, dates, bytes...

    return _encode_json(value).decode("utf-8")


def encode_query(
    values: Mapping[str, Any] | None,
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> dict[str, Any]:
    """Query parameters for httpx (a list value repeats the key); omitted and None ones left out."""
    out: dict[str, Any] = {}
    styles = styles or {}
    for name, value in (values or {}).items():
        if value is NOT_GIVEN or value is None:
            continue
        style, explode = styles.get(name, ("form", True))
        if style == "json":
            out[name] = _json_text(value)
        elif isinstance(value, Mapping):
            if style == "deepObject":
                for k, v in value.items():
                    out[f"{name}[{k}]"] = param_text(v)
            elif explode:
                for k, v in value.items():
                    out[str(k)] = param_text(v)
            else:
                out[name] = ",".join(f"{k},{param_text(v)}" for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            texts = [param_text(v) for v in value]
            if explode and style == "form":
                out[name] = texts
            else:
                out[name] = _SEPARATORS.get(style, ",").join(texts)
        else:
            out[name] = param_text(value)
    return out


def encode_headers(
    values: Mapping[str, Any] | None,
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> dict[str, str]:
    """Header parameters as text; omitted and None ones left out."""
    out: dict[str, str] = {}
    styles = styles or {}
    for name, value in (values or {}).items():
        if value is NOT_GIVEN or value is None:
            continue
        style, explode = styles.get(name, ("simple", False))
        out[name] = (
            _json_text(value) if style == "json" else simple_text(value, explode)
        )
    return out

"""Parameters on the wire, serialised as the OpenAPI ``style``/``explode`` of each says.

Query parameters default to ``form`` exploded (``?tag=a&tag=b``); path and
header parameters to ``simple`` (``a,b``). An operation lists the others in
its ``styles``: ``form`` unexploded (``?tag=a,b``), ``spaceDelimited``,
``pipeDelimited``, ``deepObject`` (``?filter[name]=x``), or ``json`` for a
parameter whose content is ``application/json`` (sent as JSON text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._encode import encode_json, param_text
from ._types import NOT_GIVEN

__all__ = [
    "encode_headers",
    "encode_query",
    "simple_text",
]

_SEPARATORS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


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
    return encode_json(value).decode("utf-8")


def encode_query(
    values: Mapping[str, Any] | None,
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> dict[str, Any]:
    """Query parameters for httpx (a list value repeats the key); omitted and None ones left out.

    A value that has no text form raises :class:`TypeError` naming the parameter.
    """
    out: dict[str, Any] = {}
    styles = styles or {}
    for name, value in (values or {}).items():
        if value is NOT_GIVEN or value is None:
            continue
        try:
            _encode_one(out, name, value, styles.get(name, ("form", True)))
        except TypeError as exc:
            raise TypeError(f"query parameter {name!r}: {exc}") from None
    return out


def _encode_one(
    out: dict[str, Any], name: str, value: Any, how: tuple[str, bool]
) -> None:
    style, explode = how
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
        try:
            out[name] = (
                _json_text(value) if style == "json" else simple_text(value, explode)
            )
        except TypeError as exc:
            raise TypeError(f"header parameter {name!r}: {exc}") from None
    return out

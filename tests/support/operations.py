"""Finding a generated client's method by its HTTP method and path, whatever it is named.

Method names are the naming rules' business; tests of what an operation does
find it by what it sends: each generated method calls the client with its
module-level :class:`Operation` descriptor, so the resources are walked
(``client.chat``, ``client.chat.completions``...) and each public method is
matched by the descriptor its code names.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

_VIEWS = ("with_raw_response", "with_streaming_response")


def resources(owner: Any, trail: str = "client") -> Iterator[tuple[str, Any]]:
    """(``client.a.b``, resource) for every resource under ``owner``, parents first."""
    for name, attr in sorted(vars(type(owner)).items()):
        if name in _VIEWS or not isinstance(attr, cached_property):
            continue
        value = getattr(owner, name)
        if hasattr(value, "_client") and not name.startswith("_"):
            yield f"{trail}.{name}", value
            yield from resources(value, f"{trail}.{name}")


def operations(client: Any) -> Iterator[tuple[str, str, str, Callable[..., Any]]]:
    """(HTTP method, path, dotted name, bound method) of every operation of ``client``."""
    for trail, resource in resources(client):
        for name, func in inspect.getmembers(type(resource), inspect.isfunction):
            if name.startswith("_"):
                continue
            descriptor = _descriptor(func)
            if descriptor is not None:
                yield (
                    descriptor.method,
                    descriptor.path,
                    f"{trail}.{name}",
                    getattr(resource, name),
                )


def method_for(client: Any, http_method: str, path: str) -> Callable[..., Any]:
    """The bound method of ``client`` that sends ``http_method path``."""
    found = [
        m
        for verb, p, _, m in operations(client)
        if verb == http_method.upper() and p == path
    ]
    assert len(found) == 1, f"{len(found)} methods send {http_method} {path}"
    return found[0]


def descriptor_for(client: Any, http_method: str, path: str) -> Any:
    """The :class:`Operation` descriptor of the method that sends ``http_method path``."""
    bound: Any = method_for(client, http_method, path)
    return _descriptor(bound.__func__)


def _descriptor(func: Callable[..., Any]) -> Any:
    """The Operation the method's code names, if any."""
    code = getattr(func, "__code__", None)
    if code is None:
        return None
    for const in code.co_names:
        value = func.__globals__.get(const)
        if type(value).__name__ == "Operation" and hasattr(value, "path"):
            return value
    return None

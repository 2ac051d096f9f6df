"""One connection pool per client: made on first use, once, whichever threads get there together.

The pool is an ``httpx.Client`` (``httpx.AsyncClient``), made lazily because
building its SSL context costs more than importing a whole package. A client
and the copies ``with_options`` makes share one :class:`Pool`. In a child
process after ``os.fork()`` the pools this runtime made start afresh: the
parent's sockets (and their TLS state) are never used from two processes.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

import httpx

__all__ = ["Pool"]

H = TypeVar("H", httpx.Client, httpx.AsyncClient)

_pools: weakref.WeakSet[Pool[httpx.Client] | Pool[httpx.AsyncClient]] = (
    weakref.WeakSet()
)


class Pool(Generic[H]):
    """The httpx client of one API client and its copies.

    ``given`` is the caller's own httpx client: used as is, never closed,
    kept after a fork (what to do with it then is the caller's choice).
    """

    __slots__ = ("__weakref__", "_client", "_lock", "_make", "owned")

    _make: Callable[[], H]

    def __init__(self, make: Callable[[], H], given: H | None = None) -> None:
        self._make = make
        self._client: H | None = given
        self._lock = threading.Lock()
        #: Whether this runtime made (and so closes) the httpx client.
        self.owned = given is None
        if self.owned:
            _pools.add(self)

    def get(self) -> H:
        """The httpx client, made now if this is the first use."""
        client = self._client
        if client is None:
            with self._lock:
                client = self._client
                if client is None:
                    client = self._client = self._make()
        return client

    @property
    def made(self) -> H | None:
        """The httpx client if it exists, without making it."""
        return self._client

    def _forget(self) -> None:
        """In a forked child: drop the parent's pool (not closed: its sockets are the parent's)."""
        self._lock = threading.Lock()  # it may have been held by a parent thread
        if self.owned:
            self._client = None


def _after_fork_in_child() -> None:
    for pool in list(_pools):
        pool._forget()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)

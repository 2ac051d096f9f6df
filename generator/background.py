"""A function run in a forked child while this process goes on: a small future.

``generate`` validates each spec in a child while it generates: validating a
big spec takes longer than generating it, and the two are independent once
the structure checks passed. Threads would not help (both are CPU-bound
Python), and a process pool would pickle the spec on the way in; a fork
inherits it and only the result comes back, pickled through a pipe.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def background(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Callable[[], T]:
    """Start ``fn(*args, **kwargs)`` in a forked child; the returned callable waits for its result.

    Falls back to running it right away where forking is unsafe or unavailable:
    other threads running (a fork copies their locks in whatever state), or
    no ``os.fork`` (Windows).
    """
    if (
        not hasattr(os, "fork")
        or threading.active_count() > 1
        or os.environ.get("CLIENTGEN_NO_FORK")
    ):
        value = fn(*args, **kwargs)
        return lambda: value
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send the pickled outcome, leave at once
        code = 0
        try:
            os.close(read_fd)
            try:
                payload = pickle.dumps((True, fn(*args, **kwargs)))
            # Whatever failed in the child goes to the parent, to be raised there.
            except BaseException as exc:  # noqa: BLE001
                payload = pickle.dumps((False, _picklable(exc)))
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)

    def wait() -> T:
        with os.fdopen(read_fd, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
        if not payload:
            raise RuntimeError(
                f"the background process running {fn.__name__} died without a result"
            )
        ok, value = pickle.loads(payload)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    return wait


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")

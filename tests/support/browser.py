"""Headless Chromium driven over the DevTools protocol, with nothing but the stdlib.

``chromium --dump-dom`` takes its snapshot at the load event, but Redoc keeps
rendering sections after that (they appear one by one, so a snapshot may hold
only some operations). Waiting for what the page should show needs a live
page: Chromium's ``--remote-debugging-pipe`` speaks the DevTools protocol as
NUL-terminated JSON over file descriptors 3 (commands in) and 4 (replies
out), which a subprocess with ``pass_fds`` can drive without a websocket
library or a Node driver.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typing_extensions import Self

CHROMIUM = os.environ.get("CLIENTGEN_CHROMIUM", "/usr/bin/chromium")
# The flags from ../shared/tooling-notes.md: no sandbox (we run as root in a
# container), and nothing that would reach the network on its own.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,2000",
)


class BrowserError(Exception):
    """Chromium failed, or a page did not reach the awaited state in time."""


class Browser:
    """One headless Chromium; use as a context manager."""

    def __init__(self, executable: str = CHROMIUM) -> None:
        self._profile = tempfile.mkdtemp(prefix="clientgen-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4. Copies
        # at 10 and above cannot be clobbered when the child moves them there.
        child_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
        child_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)

        def _child_fds() -> None:
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        try:
            self._proc = subprocess.Popen(
                [
                    executable,
                    *FLAGS,
                    f"--user-data-dir={self._profile}",
                    "--remote-debugging-pipe",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(3, 4),
                preexec_fn=_child_fds,  # noqa: PLW1509 - only dup2 calls, before any thread
            )
        finally:
            for fd in (to_browser_r, from_browser_w, child_r, child_w):
                os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None
        self.events: list[dict[str, Any]] = []  # everything Chromium sent unasked

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        try:
            self._send("Browser.close", timeout=5)
        except (BrowserError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe (did it crash?)")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def _send(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method}
        if params:
            message["params"] = params
        if self._session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if "id" not in reply:
                self.events.append(reply)
            elif reply["id"] == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def open(self, url: str) -> None:
        """Open ``url`` in a new tab and make it the tab later calls talk to."""
        target = self._send("Target.createTarget", {"url": "about:blank"})
        attached = self._send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        self._session = attached["sessionId"]
        # Every request the page makes is recorded (see requested_urls), and
        # the network is off, as for a reader with no connection.
        self._send("Network.enable")
        self._send(
            "Network.emulateNetworkConditions",
            {
                "offline": True,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            },
        )
        self._send("Page.navigate", {"url": url})

    def requested_urls(self) -> list[str]:
        """The URL of every request the open tab has made so far."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the open tab."""
        result = self._send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} raised {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(
        self,
        expression: str,
        done: Callable[[Any], bool],
        *,
        timeout: float = 60,
        every: float = 0.25,
    ) -> Any:
        """Evaluate ``expression`` until ``done(value)``; the last value either way.

        The caller asserts on the returned value, so a page that never gets
        there fails with what it did show rather than with a bare timeout.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if done(value) or time.monotonic() > deadline:
                return value
            time.sleep(every)


def file_url(path: Path) -> str:
    """The ``file://`` URL of a local file, as a person would open it."""
    return path.resolve().as_uri()

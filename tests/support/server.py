"""A real HTTP/1.1 server on 127.0.0.1 for end-to-end tests, with scripted replies.

Each route maps (method, path) to a list of replies served in turn (the last
one repeats), so a test can say "429 with Retry-After, then 200". Replies can
stream server-sent events in chunks, stall, or drop the connection mid-body,
so the clients' fault handling is exercised over real sockets.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str  # raw path with query, as sent on the wire
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """A scripted answer.

    ``chunks`` streams the body piece by piece (chunked encoding) with
    ``chunk_delay`` seconds between pieces; ``drop_after`` closes the socket
    after that many chunks without finishing the body; ``delay`` waits before
    sending anything (for timeouts); ``hang_up`` closes the connection without
    answering at all. Waits end early when the client goes away, so a
    timed-out request does not keep a server thread (and a connection) alive.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Sequence[bytes] | None = None
    chunk_delay: float = 0.0
    drop_after: int | None = None
    delay: float = 0.0
    hang_up: bool = False


def json_reply(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Reply:
    return Reply(
        status,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", **(headers or {})},
    )


def text_reply(text: str, status: int, content_type: str = "text/html") -> Reply:
    return Reply(status, text.encode(), {"Content-Type": content_type})


def sse_reply(
    events: Sequence[Any],
    *,
    done: str | None = "[DONE]",
    chunk_delay: float = 0.0,
    drop_after: int | None = None,
    split: int | None = None,
) -> Reply:
    """Each event (a JSON-able object, or a raw ``str`` data payload) as ``data: ...\\n\\n``.

    ``split`` re-chunks the whole body into pieces of that many bytes.
    """
    frames = [
        f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode()
        for e in events
    ]
    if done is not None:
        frames.append(f"data: {done}\n\n".encode())
    if split:
        blob = b"".join(frames)
        frames = [blob[i : i + split] for i in range(0, len(blob), split)]
    return Reply(
        200,
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"},
        chunks=frames,
        chunk_delay=chunk_delay,
        drop_after=drop_after,
    )


Handler = Callable[[Recorded], Reply]


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 resets connections when many
    # clients connect at once (the load test opens 100).
    request_queue_size = 256


class LocalServer:
    """Start with :meth:`start`; ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Reply | Handler]] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.open_connections = 0
        self.peak_connections = 0  # the most ever open at once
        self.total_connections = 0  # every connection ever accepted

    # -- scripting -------------------------------------------------------------

    def route(self, method: str, path: str, *replies: Reply | Handler) -> None:
        """Serve ``replies`` in turn for ``method path`` (path without query)."""
        with self._lock:
            self.routes[(method.upper(), path)] = list(replies)

    def reset(self) -> None:
        with self._lock:
            self.routes.clear()
            self.requests.clear()

    def _next_reply(self, rec: Recorded) -> Reply:
        path = rec.path.split("?", 1)[0]
        with self._lock:
            self.requests.append(rec)
            replies = self.routes.get((rec.method, path))
            if not replies:
                return json_reply(
                    {"error": {"message": f"no route for {rec.method} {path}"}}, 404
                )
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
        return reply(rec) if callable(reply) else reply

    # -- lifecycle ---------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def setup(self) -> None:
                super().setup()
                with owner._lock:
                    owner.open_connections += 1
                    owner.total_connections += 1
                    owner.peak_connections = max(
                        owner.peak_connections, owner.open_connections
                    )

            def finish(self) -> None:
                try:
                    super().finish()
                except OSError:
                    pass  # flushing to a client that already left
                finally:
                    with owner._lock:
                        owner.open_connections -= 1

            def handle(self) -> None:
                try:
                    super().handle()
                except (ConnectionError, TimeoutError):
                    pass  # the client went away: nothing to report

            def _pause(self, seconds: float) -> bool:
                """Wait ``seconds``; False (at once) if the client closed the connection meanwhile."""
                deadline = time.monotonic() + seconds
                while (remaining := deadline - time.monotonic()) > 0:
                    readable, _, _ = select.select([self.connection], [], [], remaining)
                    if not readable:
                        break
                    try:
                        if self.connection.recv(1, socket.MSG_PEEK) == b"":
                            self.close_connection = True
                            return False
                    except OSError:
                        self.close_connection = True
                        return False
                    # Bytes of a next request, not an end: keep waiting.
                    time.sleep(min(remaining, 0.01))
                return True

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = Recorded(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                reply = owner._next_reply(rec)
                if reply.hang_up:
                    self._drop()
                    return
                if reply.delay and not self._pause(reply.delay):
                    return
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.chunks is None:
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i, chunk in enumerate(reply.chunks):
                    if reply.drop_after is not None and i >= reply.drop_after:
                        self._drop()
                        return
                    if chunk:
                        self.wfile.write(
                            f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
                        )
                        self.wfile.flush()
                    if reply.chunk_delay and not self._pause(reply.chunk_delay):
                        return
                if reply.drop_after is not None and reply.drop_after >= len(
                    reply.chunks
                ):
                    self._drop()
                    return
                self.wfile.write(b"0\r\n\r\n")

            def _drop(self) -> None:
                self.wfile.flush()
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits up to one interval
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

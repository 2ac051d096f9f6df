"""What the sync and async streams share: records into typed chunks or folded answers, and errors.

A stream's records are what its wire format delivers after the stream layer
has dealt with terminators, keep-alives and unknown events: a
:class:`ServerSentEvent` for SSE, the undecoded ``bytes`` of one JSON line or
JSON text sequence record otherwise. A record becomes either a typed chunk
(iteration) or decoded JSON folded into the final answer
(``get_final_response()``, ``text_stream``, ``until_done()``). Folding skips
validating each chunk: the answer it builds is validated once, at the end.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._fold import Folder, FoldError
from ._ndjson import JSON_LINES, SSE, media_types
from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStreamError,
    APITimeoutError,
    error_body,
    error_summary,
)

if TYPE_CHECKING:
    from ._api import StreamSpec

#: ``(type, raw JSON, where) -> value``: a chunk read as well as it fits, or ValueError.
Tolerate = Callable[[Any, "str | bytes", str], Any]

__all__ = ["OneOrTwo", "StreamCore"]

# "<package>._runtime._stream_core" logs as "<package>": one logger per package.
log = logging.getLogger(__name__.rpartition("._runtime")[0] or __name__)

UNSET: Any = object()
_NAME = {SSE: "event stream", JSON_LINES: "JSON Lines stream"}
_UNIT = {SSE: "event", JSON_LINES: "line"}
_from_json: Callable[[str | bytes], Any] | None = None


def _json_decoder() -> Callable[[str | bytes], Any]:
    global _from_json
    if _from_json is None:
        # pydantic-core's parser: about twice as fast as json.loads, and
        # imported only when a stream is first folded.
        from pydantic_core import from_json

        _from_json = from_json
    return _from_json


class OneOrTwo:
    """Lets ``Stream[Chunk]`` mean ``Stream[Chunk, Any]`` at run time too.

    (Type checkers read the default of the final-response parameter from its
    ``TypeVar``; importing typing_extensions at run time for it would cost
    every client import ~5 ms.)
    """

    __slots__ = ()

    if not TYPE_CHECKING:

        def __class_getitem__(cls, params):
            if not isinstance(params, tuple):
                params = (params, Any)
            return super().__class_getitem__(params)


class StreamCore:
    """The state and decisions of one stream; :class:`Stream` and :class:`AsyncStream` add the I/O."""

    __slots__ = (
        "_complete",
        "_count",
        "_ctypes",
        "_end",
        "_final",
        "_folder",
        "_parse",
        "_redact",
        "_request",
        "_seen",
        "_spec",
        "_sse",
        "_tail",
        "_tolerate",
        "_unknown",
        "response",
    )

    def __init__(
        self,
        response: httpx.Response,
        spec: StreamSpec,
        request: httpx.Request,
        redact: Callable[[str], str],
        tolerate: Tolerate | None = None,
    ) -> None:
        self.response = response
        # Reads a chunk that does not fit its type as well as it can (None: strict).
        self._tolerate = tolerate
        self._spec = spec
        self._request = request
        self._redact = redact
        self._count = 0  # records turned into chunks (or folded) so far
        self._end = False  # the final marker was delivered: the stream ends next
        self._complete = False  # reached its end: terminator, marker or end of body
        self._tail = False  # the record at hand is a last line without its line end
        # Records delivered as chunks, kept for a fold that may come later (_keep).
        self._seen: list[Any] | None = [] if spec.fold is not None else None
        self._folder: Folder | None = None
        self._final: Any = UNSET
        self._unknown: set[str] | None = None
        # One validator for every chunk, unless event names choose the type.
        self._parse = None if spec.events is not None else spec.parser("message")
        self._sse = spec.format == SSE
        self._ctypes = media_types(spec.format)

    def _where(self) -> str:
        return f"{self._request.method} {self._request.url.path}"

    # -- records into typed chunks ----------------------------------------------

    def _event_item(self, sse: Any) -> Any:
        """The typed chunk of one event (terminators and skipped events never get here)."""
        event = sse.event
        if event == "error":
            raise self._server_error(sse.data)
        parse = self._parse
        try:
            item = (parse or self._spec.parser(event))(sse.data)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            item = self._drifted(sse.data, exc, event)
        extra = getattr(item, "__pydantic_extra__", None)
        if extra and extra.get("error"):
            raise self._server_error(sse.data)
        self._count += 1
        if self._spec.final_marker is not None:
            self._check_marker(item)
        return item

    def _record_item(self, record: bytes) -> Any:
        """The typed chunk of one JSON line or record."""
        try:
            item = self._parse(record)  # type: ignore[misc]
        except ValueError as exc:
            item = self._drifted(record, exc, "message")
        extra = getattr(item, "__pydantic_extra__", None)
        if extra and extra.get("error"):
            raise self._server_error(record)
        self._count += 1
        if self._spec.final_marker is not None:
            self._check_marker(item)
        return item

    def _drifted(self, data: str | bytes, exc: ValueError, event: str) -> Any:
        """A chunk that does not fit its type: read tolerantly, or the error strict mode wants.

        One drifted chunk never ends a stream unless the client is strict;
        data that is not JSON at all always does.
        """
        tolerate = self._tolerate
        if tolerate is not None:
            events = self._spec.events
            tp = self._spec.type if events is None else events[event]
            suffix = "" if event == "message" else f" ({event} event)"
            try:
                return tolerate(tp, data, f"{self._where()} chunk{suffix}")
            except ValueError:
                pass  # not JSON: nothing to keep
        raise self._bad_record(data, exc, event) from None

    def _check_marker(self, item: Any) -> None:
        key, value = self._spec.final_marker  # type: ignore[misc]
        if _same(_field(item, key), value):
            self._end = True

    # -- records into a folded answer ---------------------------------------------

    def _start_fold(self) -> Folder:
        """The stream's folder, caught up with every chunk delivered so far."""
        rule = self._spec.fold_rule
        if rule is None:
            raise TypeError(
                f"{self._where()}: this stream has no fold rule, so it cannot build a "
                "final response or a text stream"
            )
        folder = self._folder
        if folder is None:
            folder = self._folder = Folder(rule)
        seen = self._seen
        if seen:
            self._seen = []
            if self._spec.format == SSE:
                for i in range(0, len(seen), 2):
                    self._fold_data(folder, seen[i], seen[i + 1], True, False)
            else:
                for data in seen:
                    self._fold_data(folder, "message", data, True, False)
        return folder

    def _keep(self, record: Any) -> None:
        """Keep a record delivered as a chunk, for a fold that may come later.

        Kept as strings and bytes: a list of event objects would make every
        garbage collection pass walk them.
        """
        seen = self._seen
        if seen is not None:
            if self._spec.format == SSE:
                seen.append(record.event)
                seen.append(record.data)
            else:
                seen.append(record)

    def _fold(
        self, folder: Folder, record: Any, texts: bool = False
    ) -> list[str] | None:
        """Fold one record into the answer; its text deltas when ``texts``."""
        if self._spec.format == SSE:
            return self._fold_data(folder, record.event, record.data, False, texts)
        return self._fold_data(folder, "message", record, False, texts)

    def _fold_data(
        self, folder: Folder, event: str, data: str | bytes, replay: bool, texts: bool
    ) -> list[str] | None:
        if event == "error":
            raise self._server_error(data)
        try:
            payload = (_from_json or _json_decoder())(data)
        except ValueError as exc:
            raise self._bad_record(data, exc, event) from None
        if type(payload) is dict and payload.get("error"):
            raise self._server_error(data)
        if not replay:
            self._count += 1
            marker = self._spec.final_marker
            if (
                marker is not None
                and type(payload) is dict
                and _same(payload.get(marker[0]), marker[1])
            ):
                self._end = True
        found = folder.texts(event, payload) if texts else None
        try:
            folder.add(event, payload)
        except FoldError as exc:
            raise APIResponseValidationError(
                self._redact(
                    f"{self._where()}: cannot fold {self._unit()} {folder.count} of the "
                    f"stream ({event}): {exc}"
                ),
                response=self.response,
                body=payload,
            ) from None
        return found

    def _finish_fold(self, folder: Folder) -> Any:
        if not self._complete:
            raise RuntimeError(
                f"{self._where()}: the stream was closed (or failed) before its end, "
                "so its final response cannot be built"
            )
        try:
            data = folder.result()
        except FoldError as exc:
            raise APIResponseValidationError(
                self._redact(f"{self._where()}: cannot fold the stream: {exc}"),
                response=self.response,
            ) from None
        try:
            final = self._spec.parse_final(data)
        except ValueError as exc:
            if self._tolerate is not None and self._spec.final is not None:
                # Read like a body that drifted: what fits is typed, the rest
                # kept as sent, each mismatch logged once.
                final = self._tolerate(
                    self._spec.final, json.dumps(data), f"{self._where()} (folded)"
                )
                self._final = final
                return final
            name = getattr(self._spec.final, "__name__", str(self._spec.final))
            raise APIResponseValidationError(
                self._redact(
                    f"{self._where()}: the response folded from {folder.count} "
                    f"{self._unit()}s does not match {name}: {exc}"
                ),
                response=self.response,
                body=data,
            ) from None
        self._final = final
        return final

    # -- what the stream layer decides ------------------------------------------------

    def _unknown_event(self, event: str) -> None:
        """An event the spec does not name: skipped, logged once per stream and name."""
        seen = self._unknown
        if seen is None:
            seen = self._unknown = set()
        if event not in seen:
            seen.add(event)
            log.debug(
                "%s: skipping events named %r, which the stream does not declare",
                self._where(),
                event,
            )

    def _name(self) -> str:
        return _NAME.get(self._spec.format, "JSON text sequence")

    def _unit(self) -> str:
        return _UNIT.get(self._spec.format, "record")

    def _server_error(self, data: str | bytes) -> APIStreamError:
        try:
            body: Any = json.loads(data)
        except ValueError:
            body = data if isinstance(data, str) else data.decode("utf-8", "replace")
        message = self._redact(
            f"{self._where()}: the server sent an error in the stream: {error_summary(body)}"
        )
        return APIStreamError(message, body=body, request=self._request)

    def _bad_record(self, data: str | bytes, exc: Exception, event: str) -> Exception:
        number = f"{self._unit()} {self._count + 1} of the stream"
        try:
            payload = json.loads(data)
        except ValueError as parse_error:
            if self._tail:
                return APIConnectionError(
                    f"{self._where()}: the stream ended in the middle of {number}",
                    request=self._request,
                )
            text = data if isinstance(data, str) else data.decode("utf-8", "replace")
            return APIResponseValidationError(
                self._redact(
                    f"{self._where()}: {number} is not valid JSON ({parse_error}): "
                    f"{text[:200]!r}"
                ),
                response=self.response,
                body=text,
            )
        if isinstance(payload, dict) and payload.get("error"):
            return self._server_error(data)
        tp = self._spec.chunk_type(event)
        name = getattr(tp, "__name__", str(tp))
        return APIResponseValidationError(
            self._redact(f"{self._where()}: {number} does not match {name}: {exc}"),
            response=self.response,
            body=payload,
        )

    def _transport_error(self, exc: Exception) -> APIConnectionError:
        unit = self._unit()
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(
                f"{self._where()}: the stream timed out after {self._count} {unit}s",
                request=self._request,
            )
        return APIConnectionError(
            self._redact(
                f"{self._where()}: the connection broke after {self._count} {unit}s of "
                f"the stream ({type(exc).__name__}: {exc})"
            ),
            request=self._request,
        )

    def _ended_early(self) -> APIConnectionError:
        spec = self._spec
        if spec.terminator is not None:
            expected = f"its terminator {spec.terminator!r}"
        else:
            assert spec.final_marker is not None
            key, value = spec.final_marker
            expected = f"its last chunk ({key!r}: {json.dumps(value)})"
        return APIConnectionError(
            f"{self._where()}: the stream ended after {self._count} {self._unit()}s "
            f"without {expected}",
            request=self._request,
        )

    def _wrong_content_type(self) -> bool:
        ctype = self.response.headers.get("content-type")
        return (
            ctype is not None
            and ctype.split(";", 1)[0].strip().lower() not in self._ctypes
        )

    def _wrong_content_type_error(self) -> APIResponseValidationError:
        """For a 2xx answer in another format (its body has been read)."""
        body = error_body(self.response)
        ctype = self.response.headers.get("content-type")
        name = self._name()
        what = ("an " if name[0] == "e" else "a ") + name
        return APIResponseValidationError(
            self._redact(
                f"{self._where()}: expected {what} ({self._spec.media_type}) but got "
                f"{ctype}: {error_summary(body)}"
            ),
            response=self.response,
            body=body,
        )

    def _decode_error(self, exc: ValueError) -> APIResponseValidationError:
        return APIResponseValidationError(
            f"{self._where()}: cannot decode the {self._name()}: {exc}",
            response=self.response,
        )


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``1`` is not ``true``."""
    return a == b and type(a) is type(b)


_ALIASES: dict[type, dict[str, str]] = {}


def _field(item: Any, key: str) -> Any:
    """The value of a chunk's top-level JSON ``key`` (a model's field by its alias, or an extra)."""
    if isinstance(item, dict):
        return item.get(key)
    cls = type(item)
    aliases = _ALIASES.get(cls)
    if aliases is None:
        fields = getattr(cls, "model_fields", {})
        aliases = _ALIASES[cls] = {(f.alias or n): n for n, f in fields.items()}
    name = aliases.get(key)
    if name is not None:
        return getattr(item, name, None)
    extra = getattr(item, "__pydantic_extra__", None)
    return extra.get(key) if extra else None

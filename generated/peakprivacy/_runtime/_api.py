"""Descriptions of an API and its operations, as data.

Generated code declares one :class:`ApiInfo` per client and one
:class:`Operation` per method; the client reads them. Everything specific to a
provider (its auth headers, fixed headers, stream terminator) arrives here
from the spec, so the runtime itself never names a provider.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

from ._fold import FoldRule
from ._ndjson import SSE, stream_format
from ._params import simple_text
from .errors import DEFAULT_REQUEST_ID_HEADERS

__all__ = [
    "ApiInfo",
    "AuthScheme",
    "Credential",
    "Operation",
    "Result",
    "StreamSpec",
    "json_parser",
]


class Credential:
    """A secret or setting the client constructor takes (``api_key``, ``organization``...).

    ``env`` names the environment variable read when the argument is omitted;
    a ``required`` credential missing from both raises at construction.
    """

    __slots__ = ("env", "name", "required")

    def __init__(
        self, name: str, env: str | None = None, required: bool = False
    ) -> None:
        self.name = name
        self.env = env
        self.required = required


class AuthScheme:
    """How one security scheme puts its credential on a request.

    ``location`` is ``"header"``, ``"query"`` or ``"cookie"``; ``prefix`` is
    prepended to the value (``"Bearer "`` for HTTP bearer auth).
    """

    __slots__ = ("credential", "location", "name", "prefix")

    def __init__(
        self, credential: str, location: str, name: str, prefix: str = ""
    ) -> None:
        self.credential = credential
        self.location = location
        self.name = name
        self.prefix = prefix


class ApiInfo:
    """Everything a client class needs to know about its API.

    ``security`` lists alternatives (each a tuple of scheme names, all of which
    apply together); the first alternative whose credentials are all present is
    used. ``base_url_env`` optionally names an environment variable that
    overrides the spec's server URL. ``request_id_header`` names the response
    header that carries the server's request id, when the spec declares one
    (``x-request-id`` and ``request-id`` are looked for in any case).
    """

    __slots__ = (
        "base_url",
        "base_url_env",
        "client_name",
        "credentials",
        "request_id_headers",
        "schemes",
        "security",
        "user_agent",
    )

    def __init__(
        self,
        client_name: str,
        base_url: str,
        credentials: Sequence[Credential],
        schemes: Mapping[str, AuthScheme],
        security: Sequence[Sequence[str]],
        user_agent: str,
        base_url_env: str | None = None,
        request_id_header: str | None = None,
    ) -> None:
        self.client_name = client_name
        self.base_url = base_url
        self.base_url_env = base_url_env
        self.credentials = tuple(credentials)
        self.schemes = dict(schemes)
        self.security = tuple(tuple(alt) for alt in security)
        self.user_agent = user_agent
        #: Response headers holding the request id, in the order they are looked for.
        self.request_id_headers: tuple[str, ...] = (
            (request_id_header.lower(),)
            + tuple(
                h for h in DEFAULT_REQUEST_ID_HEADERS if h != request_id_header.lower()
            )
            if request_id_header
            else DEFAULT_REQUEST_ID_HEADERS
        )


def json_parser(tp: Any) -> Callable[[str | bytes], Any]:
    """A function validating JSON text into ``tp`` (a pydantic model or any type expression)."""
    validate = getattr(tp, "model_validate_json", None)
    if validate is not None:
        return validate  # type: ignore[no-any-return]
    from pydantic import TypeAdapter

    return TypeAdapter(tp).validate_json


class Result:
    """What a successful response body becomes.

    ``kind`` is ``"json"`` (validated into ``type``), ``"text"``, ``"bytes"`` or
    ``"none"``. The JSON validator is built on first use, so importing a
    resource costs no schema building.
    """

    __slots__ = ("_parse", "kind", "type")

    def __init__(self, kind: str, type: Any = None) -> None:
        self.kind = kind
        self.type = type
        self._parse: Callable[[str | bytes], Any] | None = None

    def parse_json(self, content: str | bytes) -> Any:
        parse = self._parse
        if parse is None:
            parse = self._parse = json_parser(self.type)
        # An empty body (a 204 next to JSON responses) reads as null, which
        # validates only where the result type allows None.
        return parse(content or b"null")


class StreamSpec:
    """How an operation streams: its wire format, its chunk types, what ends it, how it folds.

    Only ``type`` is required; everything else has the default of a plain
    server-sent-event stream.

    ``type``
        The chunk type: each event's JSON data (SSE), or each line's or
        record's JSON (JSON Lines, JSON text sequences).
    ``terminator``, ``terminator_required``
        The payload that ends the stream (``"[DONE]"``: an SSE event's data, or
        a line or record whose text is exactly that), or ``None`` when the
        stream ends with the body. When ``terminator_required``, a body that
        ends before the terminator (or the ``final_marker``) means the stream
        was cut short, and is an error.
    ``media_type``
        The media type the spec declares for the stream:
        ``text/event-stream`` (default), a JSON Lines type
        (``application/x-ndjson``, ``application/jsonl``...) or
        ``application/json-seq``. It decides the decoder and the ``Accept``
        header.
    ``events``
        For SSE streams whose event names say what each event is (a
        messages-style API: ``message_start``, ``content_block_delta``...):
        ``{event name: chunk type}``. An event whose name is not listed is
        skipped, and logged at DEBUG (an API adds events; a client should not
        break on them). ``error`` always raises.
    ``skip_events``
        Names of events that carry no chunk (keep-alives such as ``ping``):
        skipped silently, unless ``events`` lists them.
    ``final_marker``
        ``(key, value)``: the chunk whose top-level ``key`` equals ``value`` is
        the last one (``("done", True)``); it is delivered, and ends the stream.
    ``final``, ``fold``
        The operation's non-streaming response type, and the rule (data, see
        :mod:`._fold`) that builds it from the chunks, for
        ``get_final_response()`` and ``text_stream``.
    """

    __slots__ = (
        "_final_parse",
        "_fold_rule",
        "_parse",
        "_parsers",
        "accept",
        "events",
        "final",
        "final_marker",
        "fold",
        "format",
        "media_type",
        "skip_events",
        "terminator",
        "terminator_required",
        "type",
    )

    def __init__(
        self,
        type: Any,
        terminator: str | None = None,
        terminator_required: bool = False,
        *,
        media_type: str = "text/event-stream",
        events: Mapping[str, Any] | None = None,
        skip_events: Sequence[str] = ("ping",),
        final_marker: tuple[str, Any] | None = None,
        final: Any = None,
        fold: Mapping[str, Any] | None = None,
    ) -> None:
        self.type = type
        self.terminator = terminator
        self.terminator_required = terminator_required and (
            terminator is not None or final_marker is not None
        )
        self.media_type = media_type
        self.format = stream_format(media_type)
        if events is not None and self.format != SSE:
            raise ValueError(
                f"named events need an event stream (text/event-stream), not {media_type!r}"
            )
        self.accept = f"{media_type}, application/json;q=0.9"
        self.events = None if events is None else dict(events)
        self.skip_events = frozenset(skip_events) - set(self.events or ())
        self.final_marker = final_marker
        self.final = final
        self.fold = fold
        self._parse: Callable[[str | bytes], Any] | None = None
        self._parsers: dict[str, Callable[[str | bytes], Any]] = {}
        self._fold_rule: FoldRule | None = None
        self._final_parse: Callable[[Any], Any] | None = None

    def parse_json(self, data: str | bytes) -> Any:
        """Validate one chunk's JSON into ``type``."""
        parse = self._parse
        if parse is None:
            parse = self._parse = json_parser(self.type)
        return parse(data)

    def parser(self, event: str) -> Callable[[str | bytes], Any]:
        """The validator for the JSON of an event named ``event`` (built on first use)."""
        if self.events is None:
            parse = self._parse
            if parse is None:
                parse = self._parse = json_parser(self.type)
            return parse
        parse = self._parsers.get(event)
        if parse is None:
            parse = self._parsers[event] = json_parser(self.events[event])
        return parse

    def chunk_type(self, event: str) -> Any:
        """The chunk type of an event named ``event``."""
        return self.type if self.events is None else self.events[event]

    @property
    def fold_rule(self) -> FoldRule | None:
        """The compiled fold rule (compiled on first use), or ``None``."""
        if self._fold_rule is None and self.fold is not None:
            self._fold_rule = FoldRule(self.fold)
        return self._fold_rule

    def parse_final(self, data: Any) -> Any:
        """Validate a folded answer (decoded JSON) into ``final`` (returned as is without one)."""
        if self.final is None:
            return data
        parse = self._final_parse
        if parse is None:
            validate = getattr(self.final, "model_validate", None)
            if validate is None:
                from pydantic import TypeAdapter

                validate = TypeAdapter(self.final).validate_python
            parse = self._final_parse = validate
        return parse(data)


class Operation:
    """One API operation.

    ``path`` is the spec's path template (``/models/{model}``); parameters
    listed in ``slash_params`` keep ``/`` unescaped (ids like
    ``meta-llama/llama-3.1-70b-instruct``). ``headers`` are fixed headers the
    spec requires with a constant value; ``query`` fixed query parameters
    (a spec path such as ``/responses?beta=true``), sent before the call's
    own. ``body`` is the request encoding
    (``"json"``, ``"form"``, ``"multipart"``, ``"binary"`` or ``None``);
    ``drop_none`` names body fields whose schema does not allow ``null``, for
    which ``None`` means "not given". ``security`` overrides the API's
    default alternatives (``()`` means no auth). ``styles`` maps parameters
    not serialised the default way to their ``(style, explode)``
    (see :mod:`._params`). ``files`` names the multipart fields the spec
    declares binary: they take files, the others text.
    """

    __slots__ = (
        "_segments",
        "accept",
        "body",
        "drop_none",
        "files",
        "headers",
        "method",
        "path",
        "query",
        "result",
        "security",
        "slash_params",
        "stream",
        "styles",
    )

    def __init__(
        self,
        method: str,
        path: str,
        result: Result,
        *,
        stream: StreamSpec | None = None,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: str | None = None,
        drop_none: Sequence[str] = (),
        security: Sequence[Sequence[str]] | None = None,
        slash_params: Sequence[str] = (),
        accept: str | None = None,
        styles: Mapping[str, tuple[str, bool]] | None = None,
        files: Sequence[str] = (),
    ) -> None:
        self.method = method
        self.path = path
        self.result = result
        self.stream = stream
        self.headers = dict(headers or {})
        self.query = dict(query or {})
        self.body = body
        self.drop_none = frozenset(drop_none)
        self.security = (
            None if security is None else tuple(tuple(alt) for alt in security)
        )
        self.slash_params = frozenset(slash_params)
        self.accept = accept
        self.styles = dict(styles or {})
        self.files = frozenset(files)
        # Split the template once: literal text at even indexes, names at odd ones.
        # (str.format is not used: a template could contain "{0}" or "{a.b}".)
        segments: list[str] = []
        rest = path
        while True:
            start = rest.find("{")
            end = rest.find("}", start + 1)
            if start < 0 or end < 0:
                segments.append(rest)
                break
            segments.append(rest[:start])
            segments.append(rest[start + 1 : end])
            rest = rest[end + 1 :]
        self._segments = tuple(segments)

    def format_path(self, values: Mapping[str, Any] | None) -> str:
        """The path with each parameter percent-encoded into place."""
        segments = self._segments
        if len(segments) == 1:
            return segments[0]
        values = values or {}
        out = []
        for i, seg in enumerate(segments):
            if i % 2 == 0:
                out.append(seg)
                continue
            if seg not in values:
                raise TypeError(f"missing path parameter {seg!r}")
            explode = self.styles.get(seg, ("simple", False))[1]
            safe = "/" if seg in self.slash_params else ""
            try:
                encoded = simple_text(values[seg], explode, partial(quote, safe=safe))
            except TypeError as exc:
                raise TypeError(f"path parameter {seg!r}: {exc}") from None
            if not encoded:
                raise ValueError(f"path parameter {seg!r} must not be empty")
            if "." in encoded:
                # "." and ".." would be resolved away as dot-segments and send
                # the request to another endpoint: encode them.
                encoded = "/".join(
                    p.replace(".", "%2E") if p in (".", "..") else p
                    for p in encoded.split("/")
                )
            out.append(encoded)
        return "".join(out)

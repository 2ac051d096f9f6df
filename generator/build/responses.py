"""Responses of an operation -> the method's result and stream, for ``build``.

The first JSON schema of the 2xx responses (several different ones: a Union;
a 2xx without a body as well: Optional) is the result; otherwise text,
bytes or None. A stream media type (server-sent events, JSON Lines, JSON
text sequences, in any convention :mod:`.streams` reads) makes the method
stream; its chunk type comes from there and its fold rule from :mod:`.fold`.
How the caller selects the stream is :mod:`.stream_flags`' job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Code
from ..ir_types import NONE, TypeNode, UnionOf
from ..names import pascal_identifier
from ..openapi import deref, escape_pointer_token, is_json_media_type
from . import fold, streams
from .expr import ANY, RESPONSE, TypeExpr, union_of
from .schemas import Reporter
from .streams import Item, StreamSource
from .types import TypeBuilder


@dataclass(frozen=True)
class StreamPlan:
    """What a stream carries and what it folds into."""

    source: StreamSource
    chunk: TypeExpr  # each item's type (named events: the union of theirs)
    events: tuple[tuple[str, TypeExpr], ...]  # SSE event name -> its data's type
    final: TypeExpr | None  # the answer the stream folds into (with ``fold``)
    fold: dict[str, Any] | None  # the fold rule, in the runtime's format
    # Warnings (pointer, message, code) that matter only if a call can select
    # the stream: the caller reports them once it knows.
    notes: tuple[tuple[str, str, Code], ...] = ()


@dataclass(frozen=True)
class ResponsePlan:
    """What an operation answers."""

    kind: str  # "json" | "text" | "bytes" | "none"
    result: TypeExpr  # the JSON body's type (None when the body is not JSON)
    accept: str | None  # the Accept header for a text or bytes body
    stream: StreamPlan | None  # when a 2xx answer is a stream
    status: str | None = None  # the first 2xx status (where a stream would be declared)


def responses(
    types: TypeBuilder, report: Reporter, op: dict[str, Any], where: str, hint: str
) -> ResponsePlan:
    """The result of the operation at ``where`` (``hint`` prefixes inline type names)."""
    data = types.reader.data
    responses = op.get("responses") or {}
    responses = responses if isinstance(responses, dict) else {}
    success = [c for c in responses if str(c).startswith("2")]
    success.sort(key=lambda c: (str(c).upper() == "2XX", str(c)))
    if not success and "default" in responses:
        success = ["default"]  # OpenAPI: default covers success when no 2xx is given
    answers: list[tuple[Item, TypeExpr]] = []
    kind = "none"
    accept: str | None = None
    source: StreamSource | None = None
    empty = False
    for code in success:
        rwhere = f"{where}/responses/{escape_pointer_token(str(code))}"
        resp, _ = deref(data, responses[code], rwhere)
        if not isinstance(resp, dict):
            continue
        content = resp.get("content")
        if not isinstance(content, dict) or not content:
            empty = True
            continue
        found, others = streams.find_stream(
            data, op, where, content, rwhere + "/content"
        )
        if found is not None and source is not None:
            others.insert(0, found.where)
        elif found is not None:
            source = found
        for other in others:
            report.warn(
                other,
                "a second stream in another format or response: the client streams "
                f"only the first one ({source.media_type if source else ''})",
                code=Code.STREAM_IGNORED,
            )
        for ctype, media in content.items():
            media = media if isinstance(media, dict) else {}
            mwhere = f"{rwhere}/content/{escape_pointer_token(ctype)}"
            lower = ctype.lower()
            if streams.stream_format(lower) is not None:
                continue
            if is_json_media_type(lower):
                if found is not None and found.replaces_json:
                    if found.condition is None:
                        continue  # Fern: the JSON media type is the stream itself
                    item = found.final or Item(media.get("schema", {}), mwhere + "/schema")
                else:
                    item = Item(media.get("schema", {}), mwhere + "/schema")
                answers.append(
                    (item, types.expr(item.schema, RESPONSE, hint + "Response", item.where))
                )
                kind = "json"
            elif kind == "none" and lower.startswith("text/"):
                kind, accept = "text", ctype
            elif kind == "none":
                kind, accept = "bytes", ctype
    stream = (
        _stream(types, report, source, answers, hint) if source is not None else None
    )
    status = str(success[0]) if success else None
    if kind != "json":
        return ResponsePlan(kind, TypeExpr(NONE), accept, stream, status)
    seen: dict[TypeNode, TypeExpr] = {}
    for _, t in answers:
        seen.setdefault(t.node, t)
    if len(seen) == 1:
        result = next(iter(seen.values()))
    else:
        nullable = any(t.nullable for t in seen.values())
        result = TypeExpr(UnionOf(tuple(seen)), nullable)
    if empty:
        result = result.optional()  # e.g. 200 with JSON, 204 without a body
    return ResponsePlan(kind, result, None, stream, status)


def _stream(
    types: TypeBuilder,
    report: Reporter,
    source: StreamSource,
    answers: list[tuple[Item, TypeExpr]],
    hint: str,
) -> StreamPlan:
    """Type the stream's items and decide its fold rule."""
    notes: list[tuple[str, str, Code]] = []
    events = tuple(
        (
            name,
            types.expr(
                item.schema,
                RESPONSE,
                hint + pascal_identifier(name, fallback="Event") + "Event",
                item.where,
            ),
        )
        for name, item in source.events
    )
    if events:
        chunk = union_of([t for _, t in events])
    elif source.chunk is not None:
        chunk = types.expr(source.chunk.schema, RESPONSE, hint + "Chunk", source.chunk.where)
    else:
        notes.append(
            (
                source.where,
                f"stream chunks are untyped JSON: {source.untyped}",
                Code.STREAM_UNTYPED,
            )
        )
        chunk = ANY
    answer = answers[0] if answers else None
    rule: dict[str, Any] | None = None
    if source.declared_fold is not None:
        value, at = source.declared_fold
        rule, problem = fold.declared(value)
        if problem is not None:
            report.error(at, problem, code=Code.STREAM_FOLD_INVALID)
    elif answer is not None:
        if events:
            reason = (
                "its events are named, and how they build the response cannot be "
                "read from their schemas"
            )
        elif source.chunk is None:
            reason = "its chunks are untyped"
        else:
            found = fold.derive(types.reader.data, source.chunk.schema, answer[0].schema)
            rule, reason = found.rule, found.reason
        if rule is None:
            notes.append(
                (
                    source.where,
                    ("the stream has no fold rule, so get_final_response() and "
                    f"text_stream raise on it: {reason}; declare one with x-stream-fold "
                    "(see the README)"),
                    Code.STREAM_NO_FOLD,
                )
            )
    final = answer[1] if answer is not None and rule is not None else None
    return StreamPlan(source, chunk, events, final, rule, tuple(notes))

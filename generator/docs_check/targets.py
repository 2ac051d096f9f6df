"""Which schema a doc body is checked against: the operation's JSON request or response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..openapi import deref, escape_pointer_token, is_json_media_type


@dataclass(frozen=True)
class BodyTarget:
    """The schema a doc body is checked against, and how reports name the body."""

    what: str  # "the request body of completions.create", "the 200 response of models.list"
    media_pointer: str
    schema_pointer: str


def json_media(content: Any) -> str | None:
    """The JSON media type among a content map's keys (``application/json`` first)."""
    if not isinstance(content, dict):
        return None
    keys = [k for k in content if isinstance(k, str)]
    for key in keys:
        if key.split(";")[0].strip().lower() == "application/json":
            return key
    for key in keys:
        media = key.split(";")[0].strip()
        if is_json_media_type(media) or media in ("*/*", "application/*"):
            return key
    return None


def request_target(
    data: dict[str, Any], op_pointer: str, op: dict[str, Any], name: str
) -> tuple[BodyTarget | None, str | None]:
    """Where a request body's schema is; else why there is none to check against."""
    body, where = deref(data, op.get("requestBody"), op_pointer + "/requestBody")
    if not isinstance(body, dict):
        return None, f"{name} takes no request body in the spec"
    content = body.get("content")
    media = json_media(content)
    if media is None:
        kinds = ", ".join(content) if isinstance(content, dict) else "nothing"
        return None, f"{name}'s request body is {kinds} in the spec, not JSON"
    mptr = f"{where}/content/{escape_pointer_token(media)}"
    if not isinstance(content, dict) or "schema" not in content[media]:
        return None, f"{name}'s JSON request body has no schema in the spec"
    return BodyTarget(f"the request body of {name}", mptr, mptr + "/schema"), None


def response_target(
    data: dict[str, Any],
    op_pointer: str,
    op: dict[str, Any],
    name: str,
    status: str | None,
) -> tuple[BodyTarget | None, str | None]:
    """Where the schema for a response of ``status`` (else the 2xx one) is; else why not."""
    responses = op.get("responses")
    if not isinstance(responses, dict):
        return None, f"{name} has no responses in the spec"
    keys = [str(k) for k in responses]
    if status is None:
        ok = sorted(k for k in keys if k.startswith("2"))
        chosen = next(
            (k for k in ok if _has_json(data, responses[k])), ok[0] if ok else None
        )
        if chosen is None:
            return None, f"{name} has no 2xx response in the spec"
    elif status in keys:
        chosen = status
    elif status[0] + "XX" in keys or status[0] + "xx" in keys:
        chosen = status[0] + ("XX" if status[0] + "XX" in keys else "xx")
    elif "default" in keys and not status.startswith("2"):
        chosen = "default"
    else:
        return (
            None,
            f"the spec lists no {status} response for {name} (it has {', '.join(keys)})",
        )
    resp, where = deref(
        data,
        responses[chosen],
        f"{op_pointer}/responses/{escape_pointer_token(chosen)}",
    )
    content = resp.get("content") if isinstance(resp, dict) else None
    media = json_media(content)
    label = f"the {status or chosen} response of {name}"
    if media is None or not isinstance(content, dict) or "schema" not in content[media]:
        return None, f"{label} has no JSON schema in the spec"
    mptr = f"{where}/content/{escape_pointer_token(media)}"
    return BodyTarget(label, mptr, mptr + "/schema"), None


def _has_json(data: dict[str, Any], response: Any) -> bool:
    resp, _ = deref(data, response, "")
    return isinstance(resp, dict) and json_media(resp.get("content")) is not None

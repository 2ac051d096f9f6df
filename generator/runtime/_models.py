"""The pydantic base class of every generated response model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pydantic

__all__ = ["BaseModel", "discriminate"]


class BaseModel(pydantic.BaseModel):
    """A response object: unknown fields are kept (providers add fields), and
    schema building is deferred to first use so importing many models is cheap.

    Fields are read by their Python names; ``model_dump(by_alias=True)`` gives
    the wire names back.
    """

    model_config = pydantic.ConfigDict(
        extra="allow",
        defer_build=True,
        populate_by_name=True,
        protected_namespaces=(),
        # Binary data in JSON is base64 text, both ways (as the client sends it).
        val_json_bytes="base64",
        ser_json_bytes="base64",
    )


def discriminate(prop: str, tags: Mapping[str, str]) -> Callable[[Any], str | None]:
    """A function for pydantic's ``Discriminator``: which union member a value is.

    Raw data is looked up by its ``prop`` value in ``tags`` (the spec's
    discriminator mapping, to member names); a model instance is its own
    member. ``None`` (no such tag) makes validation fail with a clear error.
    """

    def member(value: Any) -> str | None:
        if isinstance(value, Mapping):
            tag = value.get(prop)
            return tags.get(tag) if isinstance(tag, str) else None
        return type(value).__name__

    return member

"""The pydantic base class of every generated response model."""

from __future__ import annotations

import pydantic

__all__ = ["BaseModel"]


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
    )

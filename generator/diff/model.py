"""What ``diff`` reports: one :class:`Change` per difference a client user could notice."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a spec.

    ``rule`` names the kind of change (``request-property-removed``); it is
    the key the README's rule table and the tests use. ``location`` says
    where in client terms (``POST /completions request body (application/json)
    .model``); ``pointer`` is the JSON pointer of the node in the new spec, or
    in the old one when the thing is gone.
    """

    rule: str
    breaking: bool
    location: str
    message: str
    pointer: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "breaking": self.breaking,
            "location": self.location,
            "message": self.message,
            "pointer": self.pointer,
        }


@dataclass(frozen=True)
class SchemaChange:
    """A change found inside a schema, located relative to where the comparison started."""

    rule: str
    breaking: bool
    path: str  # ".messages[].role", "" for the schema itself
    message: str
    pointer: str

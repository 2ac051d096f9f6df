"""Where diff's findings go: one list of changes, each documentation change once."""

from __future__ import annotations

from typing import Any

from .model import Change, SchemaChange


class Changes:
    """The changes found so far, in the order they were found."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._seen_docs: set[tuple[str, str]] = set()

    def add(
        self, rule: str, breaking: bool, location: str, message: str, ptr: str
    ) -> None:
        self.changes.append(Change(rule, breaking, location, message, ptr))

    def add_schema(self, where: str, found: list[SchemaChange]) -> None:
        for c in found:
            if c.rule == "description-changed":
                # A component's documentation is reported once, not per use.
                if (c.rule, c.pointer) in self._seen_docs:
                    continue
                self._seen_docs.add((c.rule, c.pointer))
            self.add(
                c.rule,
                c.breaking,
                f"{where}{' ' if c.path else ''}{c.path}",
                c.message,
                c.pointer,
            )

    def docs(
        self, where: str, old: dict[str, Any], new: dict[str, Any], ptr: str
    ) -> None:
        for key in ("summary", "description"):
            if old.get(key) != new.get(key):
                self.add(
                    "description-changed",
                    False,
                    where,
                    f"{key} changed",
                    f"{ptr}/{key}",
                )

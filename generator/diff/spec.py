"""Compare two OpenAPI documents: names, servers, auth, then every operation.

The document-level parts are here and in :mod:`.security`; operations,
parameters, bodies and responses in :mod:`.operations`.
"""

from __future__ import annotations

from typing import Any

from .changes import Changes
from .model import Change
from .operations import OperationsDiff
from .security import security, security_schemes


class SpecDiff:
    """The changes from ``old`` to ``new`` (both plain, already-loaded spec data)."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old = old
        self.new = new
        self.out = Changes()

    def run(self) -> list[Change]:
        self.names()
        self.servers()
        security_schemes(self.out, self.old, self.new)
        security(
            self.out,
            "security",
            self.old.get("security"),
            self.new.get("security"),
            "#/security",
        )
        OperationsDiff(self.out, self.old, self.new).operations()
        return self.out.changes

    def names(self) -> None:
        oi, ni = self.old.get("info") or {}, self.new.get("info") or {}
        for key, what in (
            ("x-package-name", "package"),
            ("x-client-name", "client class"),
        ):
            if oi.get(key) != ni.get(key):
                self.out.add(
                    f"{what.split()[0]}-name-changed",
                    True,
                    f"info.{key}",
                    f"{what} name changed from {oi.get(key)!r} to {ni.get(key)!r}: "
                    "imports of the generated client break",
                    f"#/info/{key}",
                )
        if oi.get("version") != ni.get("version"):
            self.out.add(
                "version-changed",
                False,
                "info.version",
                f"version changed from {oi.get('version')!r} to {ni.get('version')!r}",
                "#/info/version",
            )
        for key in ("title", "description"):
            if oi.get(key) != ni.get(key):
                self.out.add(
                    "description-changed",
                    False,
                    f"info.{key}",
                    f"{key} changed",
                    f"#/info/{key}",
                )

    def servers(self) -> None:
        def urls(doc: dict[str, Any]) -> list[str]:
            return [
                str(s.get("url"))
                for s in doc.get("servers") or []
                if isinstance(s, dict)
            ]

        old, new = urls(self.old), urls(self.new)
        old_default = old[0] if old else None
        new_default = new[0] if new else None
        if old_default != new_default:
            self.out.add(
                "server-url-changed",
                True,
                "servers[0]",
                f"default base URL changed from {old_default!r} to {new_default!r}: "
                "clients built on the old spec call the old server",
                "#/servers/0" if new else "#/servers",
            )
        for url in old[1:]:
            if url not in new:
                self.out.add(
                    "server-removed",
                    False,
                    "servers",
                    f"server {url!r} removed",
                    "#/servers",
                )
        for url in new[1:]:
            if url not in old:
                self.out.add(
                    "server-added",
                    False,
                    "servers",
                    f"server {url!r} added",
                    "#/servers",
                )


def diff_specs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking ones first, each group in spec order."""
    changes = SpecDiff(old, new).run()
    return sorted(changes, key=lambda c: not c.breaking)

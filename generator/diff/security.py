"""Security: the schemes a client sends credentials by, and which credentials are needed."""

from __future__ import annotations

from typing import Any

from ..openapi import escape_pointer_token as esc
from .changes import Changes


def security_schemes(
    out: Changes, old_doc: dict[str, Any], new_doc: dict[str, Any]
) -> None:
    """Security schemes removed, added or sent differently."""

    def schemes(doc: dict[str, Any]) -> dict[str, Any]:
        return (doc.get("components") or {}).get("securitySchemes") or {}

    old, new = schemes(old_doc), schemes(new_doc)
    for name, scheme in old.items():
        ptr = f"#/components/securitySchemes/{esc(name)}"
        where = f"security scheme {name}"
        if name not in new:
            out.add(
                "security-scheme-removed",
                True,
                where,
                f"security scheme {name!r} removed: its credential argument goes away",
                ptr,
            )
            continue
        now = new[name]
        if not isinstance(scheme, dict) or not isinstance(now, dict):
            continue
        for key in (
            "type",
            "in",
            "name",
            "scheme",
            "bearerFormat",
            "flows",
            "openIdConnectUrl",
        ):
            if scheme.get(key) != now.get(key):
                out.add(
                    "security-scheme-changed",
                    True,
                    where,
                    f"{key} changed from {scheme.get(key)!r} to {now.get(key)!r}: "
                    "the credential is sent differently",
                    f"{ptr}/{key}",
                )
        for key in ("x-client-param", "x-env-var"):
            if scheme.get(key) != now.get(key):
                out.add(
                    "credential-renamed",
                    True,
                    where,
                    f"{key} changed from {scheme.get(key)!r} to {now.get(key)!r}",
                    f"{ptr}/{key}",
                )
        if scheme.get("description") != now.get("description"):
            out.add(
                "description-changed",
                False,
                where,
                "description changed",
                f"{ptr}/description",
            )
    for name in new:
        if name not in old:
            out.add(
                "security-scheme-added",
                False,
                f"security scheme {name}",
                f"security scheme {name!r} added",
                f"#/components/securitySchemes/{esc(name)}",
            )


def security(out: Changes, where: str, old: Any, new: Any, ptr: str) -> None:
    """Security requirements: a credential that becomes needed breaks callers without it."""

    def parse(value: Any) -> list[frozenset[str]]:
        return [frozenset(alt) for alt in value or [] if isinstance(alt, dict)]

    o, n = parse(old), parse(new)
    if o == n:
        return

    def required(alts: list[frozenset[str]]) -> frozenset[str]:
        return frozenset.intersection(*alts) if alts else frozenset()

    def anywhere(alts: list[frozenset[str]]) -> frozenset[str]:
        return frozenset().union(*alts) if alts else frozenset()

    for name in sorted(required(n) - required(o)):
        out.add(
            "security-requirement-added",
            True,
            where,
            f"credential {name!r} is now required",
            ptr,
        )
    for name in sorted(required(o) - required(n)):
        out.add(
            "security-requirement-relaxed",
            False,
            where,
            f"credential {name!r} is no longer required",
            ptr,
        )
    for name in sorted(anywhere(n) - anywhere(o) - required(n)):
        out.add(
            "security-optional-credential-added",
            False,
            where,
            f"credential {name!r} can now be sent (optional)",
            ptr,
        )
    for name in sorted(anywhere(o) - anywhere(n) - required(o)):
        out.add(
            "security-optional-credential-removed",
            True,
            where,
            f"optional credential {name!r} is no longer accepted",
            ptr,
        )

"""A client's credentials: found at construction, put on each request, kept out of every text.

What a credential is called, which environment variable holds it and where
it goes on a request (header, query, cookie; ``Bearer`` prefix) arrive as
data (:class:`._api.ApiInfo`); this module only applies them.
"""

from __future__ import annotations

import os
from typing import Mapping

from ._api import ApiInfo, AuthScheme, Operation
from .errors import MissingCredentialError

__all__ = ["Credentials", "REDACTED"]

REDACTED = "[REDACTED]"
_MIN_REDACTED = 4


class Credentials:
    """The credentials one client holds (arguments, else environment variables)."""

    __slots__ = ("_api", "_values")

    def __init__(self, api: ApiInfo, given: Mapping[str, str | None]) -> None:
        self._api = api
        values: dict[str, str] = {}
        for cred in api.credentials:
            value = given.get(cred.name)
            if value is None and cred.env:
                value = os.environ.get(cred.env) or None
            if value is None:
                if cred.required:
                    hint = (
                        f" or set the {cred.env} environment variable"
                        if cred.env
                        else ""
                    )
                    raise MissingCredentialError(
                        f"{api.client_name}: no {cred.name} was given: pass {cred.name}=...{hint}"
                    )
                continue
            values[cred.name] = value
        self._values = values

    def held(self) -> dict[str, str]:
        """The credentials held, by argument name (for tests; never shown to users)."""
        return dict(self._values)

    def schemes_for(self, op: Operation) -> tuple[AuthScheme, ...]:
        """The schemes ``op`` is sent with: the first alternative whose credentials are all held.

        Raises :class:`MissingCredentialError` when the operation needs
        credentials and no alternative is complete.
        """
        api = self._api
        alternatives = api.security if op.security is None else op.security
        if not alternatives:
            return ()
        for alt in alternatives:
            if all(api.schemes[s].credential in self._values for s in alt):
                return tuple(api.schemes[s] for s in alt)
        needed = sorted(
            {api.schemes[s].credential for alt in alternatives for s in alt}
        )
        raise MissingCredentialError(
            f"{api.client_name}: {op.method} {op.path} needs credentials that were not given "
            f"(one of: {', '.join(needed)})"
        )

    def place(
        self,
        schemes: tuple[AuthScheme, ...],
        headers: dict[str, str],
        query: dict[str, str],
        cookies: dict[str, str],
    ) -> None:
        """Put each scheme's credential where it goes (header, query or cookie)."""
        for scheme in schemes:
            value = scheme.prefix + self._values[scheme.credential]
            target = (
                headers
                if scheme.location == "header"
                else query if scheme.location == "query" else cookies
            )
            target[scheme.name] = value

    def redact(self, text: str) -> str:
        """``text`` with every credential value replaced by ``[REDACTED]``.

        Values shorter than four characters are left alone: replacing every
        "42" (a team id, say) would mangle messages ("HTTP 429"), and so short
        a value protects nothing anyway.
        """
        for value in self._values.values():
            if len(value) >= _MIN_REDACTED and value in text:
                text = text.replace(value, REDACTED)
        return text

    def secret_header_names(self) -> set[str]:
        """Lower-cased names of the headers that carry credentials (never logged)."""
        return {
            s.name.lower() for s in self._api.schemes.values() if s.location == "header"
        } | {"authorization", "cookie"}

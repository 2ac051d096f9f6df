"""A client's credentials: found at construction, put on each request, kept out of every text.

What a credential is called, which environment variable holds it and where
it goes on a request (header, query, cookie; ``Bearer`` prefix) arrive as
data (:class:`._api.ApiInfo`); this module only applies them.

A credential is a string, or a function returning one (a token that
refreshes): the function is called for every attempt of every request, just
before it is sent (:meth:`Credentials.resolve`). The async client also takes
functions returning an awaitable.
"""

from __future__ import annotations

import inspect
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ._api import ApiInfo, AuthScheme, Operation
from .errors import MissingCredentialError

__all__ = ["REDACTED", "CredentialInput", "Credentials"]

REDACTED = "[REDACTED]"
_MIN_REDACTED = 4
#: Values a credential function returned lately, redacted like fixed ones.
_RECENT = 8

#: What a credential argument takes: the value, or a function returning it.
CredentialInput = str | Callable[[], Any] | None


class Credentials:
    """The credentials one client holds (arguments, else environment variables)."""

    __slots__ = ("_api", "_functions", "_lock", "_recent", "_values")

    def __init__(self, api: ApiInfo, given: Mapping[str, CredentialInput]) -> None:
        self._api = api
        values: dict[str, str] = {}
        functions: dict[str, Callable[[], Any]] = {}
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
            if isinstance(value, str):
                values[cred.name] = value
            elif callable(value):
                functions[cred.name] = value
            else:
                raise TypeError(
                    f"{api.client_name}: {cred.name} must be a str or a function returning one, "
                    f"not {type(value).__name__}"
                )
        self._values = values
        self._functions = functions
        self._recent: dict[str, None] = {}  # insertion-ordered set
        self._lock = threading.Lock()

    def held(self) -> dict[str, str | Callable[[], Any]]:
        """The credentials held, by argument name (for tests; never shown to users)."""
        return {**self._values, **self._functions}

    def replaced(self, given: Mapping[str, CredentialInput]) -> Credentials:
        """A copy with the credentials in ``given`` (those not ``None``) replaced."""
        new = Credentials.__new__(Credentials)
        new._api = self._api
        new._values = dict(self._values)
        new._functions = dict(self._functions)
        new._recent = {}
        new._lock = threading.Lock()
        for name, value in given.items():
            if value is None:
                continue
            new._values.pop(name, None)
            new._functions.pop(name, None)
            if isinstance(value, str):
                new._values[name] = value
            elif callable(value):
                new._functions[name] = value
            else:
                raise TypeError(
                    f"{self._api.client_name}: {name} must be a str or a function returning one, "
                    f"not {type(value).__name__}"
                )
        return new

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
            if all(self._holds(api.schemes[s].credential) for s in alt):
                return tuple(api.schemes[s] for s in alt)
        needed = sorted(
            {api.schemes[s].credential for alt in alternatives for s in alt}
        )
        raise MissingCredentialError(
            f"{api.client_name}: {op.method} {op.path} needs credentials that were not given "
            f"(one of: {', '.join(needed)})"
        )

    def _holds(self, name: str) -> bool:
        return name in self._values or name in self._functions

    def place(
        self,
        schemes: tuple[AuthScheme, ...],
        headers: dict[str, str],
        query: dict[str, str],
        cookies: dict[str, str],
    ) -> tuple[AuthScheme, ...]:
        """Put each fixed credential where it goes; return the schemes whose value a function gives."""
        later = []
        for scheme in schemes:
            value = self._values.get(scheme.credential)
            if value is None:
                later.append(scheme)
                continue
            _target(scheme, headers, query, cookies)[scheme.name] = (
                scheme.prefix + value
            )
        return tuple(later)

    def resolve(self, schemes: tuple[AuthScheme, ...]) -> dict[AuthScheme, str]:
        """Call the functions of ``schemes`` (sync client): each scheme's value for this attempt."""
        out = {}
        for scheme in schemes:
            value = self._functions[scheme.credential]()
            if inspect.isawaitable(value):
                close = getattr(value, "close", None)
                if close is not None:
                    close()  # never awaited: say so here, not in a RuntimeWarning
                raise TypeError(
                    f"{self._api.client_name}: the function given as {scheme.credential} "
                    "returned an awaitable: the sync client needs a plain function "
                    "(the async client takes both)"
                )
            out[scheme] = self._checked(scheme, value)
        return out

    async def aresolve(self, schemes: tuple[AuthScheme, ...]) -> dict[AuthScheme, str]:
        """Async twin of :meth:`resolve`: functions may return an awaitable."""
        out = {}
        for scheme in schemes:
            value = self._functions[scheme.credential]()
            if inspect.isawaitable(value):
                value = await value
            out[scheme] = self._checked(scheme, value)
        return out

    def _checked(self, scheme: AuthScheme, value: Any) -> str:
        if value is None or value == "":
            raise MissingCredentialError(
                f"{self._api.client_name}: the function given as {scheme.credential} "
                "returned no value"
            )
        if not isinstance(value, str):
            raise TypeError(
                f"{self._api.client_name}: the function given as {scheme.credential} "
                f"returned {type(value).__name__}, not a str"
            )
        if value not in self._recent:
            with self._lock:
                recent = dict(self._recent)
                recent[value] = None
                while len(recent) > _RECENT:
                    del recent[next(iter(recent))]
                self._recent = recent  # replaced whole: redact() reads without the lock
        return value

    @staticmethod
    def apply(request: httpx.Request, values: Mapping[AuthScheme, str]) -> None:
        """Put resolved values on ``request`` (replacing those of an earlier attempt)."""
        for scheme, value in values.items():
            text = scheme.prefix + value
            if scheme.location == "header":
                request.headers[scheme.name] = text
            elif scheme.location == "query":
                request.url = request.url.copy_set_param(scheme.name, text)
            else:
                pairs = [
                    p
                    for p in request.headers.get("cookie", "").split("; ")
                    if p and p.split("=", 1)[0] != scheme.name
                ]
                request.headers["Cookie"] = "; ".join([*pairs, f"{scheme.name}={text}"])

    def redact(self, text: str) -> str:
        """``text`` with every credential value replaced by ``[REDACTED]``.

        Values shorter than four characters are left alone: replacing every
        "42" (a team id, say) would mangle messages ("HTTP 429"), and so short
        a value protects nothing anyway. Values functions returned lately count.
        """
        for value in (*self._values.values(), *self._recent):
            if len(value) >= _MIN_REDACTED and value in text:
                text = text.replace(value, REDACTED)
        return text

    def secret_header_names(self) -> set[str]:
        """Lower-cased names of the headers that carry credentials (never logged)."""
        return {
            s.name.lower() for s in self._api.schemes.values() if s.location == "header"
        } | {"authorization", "cookie"}


def _target(
    scheme: AuthScheme,
    headers: dict[str, str],
    query: dict[str, str],
    cookies: dict[str, str],
) -> dict[str, str]:
    if scheme.location == "header":
        return headers
    return query if scheme.location == "query" else cookies

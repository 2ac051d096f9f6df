"""What the client class knows of its API, for ``build``.

Security schemes become constructor credentials; the servers give the base
URL and the environment variable that overrides it; the responses' headers
(or ``info.x-request-id-header``) name the header carrying the request id.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Code
from ..ir import Credential, Scheme
from ..names import KEYWORDS, Scope, is_identifier, snake_identifier
from ..openapi import child, deref, iter_operations, mapping, pointer
from .schemas import Reporter

# The client constructor's own keyword arguments: credentials cannot take them.
CONSTRUCTOR_NAMES = frozenset(
    {"base_url", "timeout", "max_retries", "http_client", "default_headers", "self"}
)


def auth(
    data: dict[str, Any], package: str, report: Reporter
) -> tuple[tuple[Credential, ...], tuple[Scheme, ...], tuple[tuple[str, ...], ...]]:
    """(credentials, schemes, default security alternatives) of the API.

    Schemes that send their value to the same place (OpenRouter's ``apiKey``
    and ``bearer``, both ``Authorization: Bearer``) share one credential:
    one header holds one value. ``x-client-param`` on a scheme names its
    credential explicitly.
    """
    schemes_data = (data.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(schemes_data, dict):
        schemes_data = {}
    schemes: list[Scheme] = []
    cred_info: dict[str, tuple[str | None, str | None]] = {}
    cred_scope = Scope(CONSTRUCTOR_NAMES | KEYWORDS)
    by_place: dict[tuple[str, str], str] = {}  # where a value is sent -> credential
    for i, (key, raw) in enumerate(schemes_data.items()):
        where = pointer(["components", "securitySchemes", key])
        scheme, _ = deref(data, raw, where)
        if not isinstance(scheme, dict):
            continue
        kind = scheme.get("type")
        default_param = (
            "api_key"
            if i == 0
            else snake_identifier(
                key, fallback="credential", reserved=CONSTRUCTOR_NAMES
            )
        )
        place = _place(scheme)
        if "x-client-param" not in scheme and place in by_place:
            default_param = by_place[place]
        param = scheme.get("x-client-param", default_param)
        if (
            not isinstance(param, str)
            or not is_identifier(param)
            or param in KEYWORDS
            or param in CONSTRUCTOR_NAMES
        ):
            report.error(
                where + "/x-client-param",
                f"x-client-param {param!r} is not a usable argument name "
                "(an identifier that is not a keyword or another constructor argument)",
                Code.NAME_INVALID,
            )
            continue
        if param not in cred_info:
            param = cred_scope.claim(param)
            env = scheme.get("x-env-var", f"{package.upper()}_{param.upper()}")
            cred_info[param] = (
                env if isinstance(env, str) else None,
                scheme.get("description"),
            )
        http_scheme = str(scheme.get("scheme", "")).lower()
        if kind == "apiKey":
            location = scheme.get("in", "header")
            if location not in ("header", "query", "cookie"):
                report.warn(
                    where,
                    f"apiKey in {location!r} is not supported; it is ignored",
                    Code.SECURITY_UNSUPPORTED,
                )
                continue
            schemes.append(
                Scheme(key, param, location, str(scheme.get("name", "")), "")
            )
        elif kind == "http" and http_scheme == "bearer":
            schemes.append(Scheme(key, param, "header", "Authorization", "Bearer "))
        elif kind == "http" and http_scheme == "basic":
            report.warn(
                where,
                "HTTP basic auth: pass the base64 'user:password' token as the credential",
                Code.SECURITY_UNSUPPORTED,
            )
            schemes.append(Scheme(key, param, "header", "Authorization", "Basic "))
        elif kind in ("oauth2", "openIdConnect"):
            report.warn(
                where,
                f"{kind}: the client takes an access token and sends it as a bearer token",
                Code.SECURITY_UNSUPPORTED,
            )
            schemes.append(Scheme(key, param, "header", "Authorization", "Bearer "))
        else:
            what = f"http {http_scheme!r}" if kind == "http" else repr(kind)
            report.warn(
                where,
                f"security scheme type {what} is not supported; it is ignored",
                Code.SECURITY_UNSUPPORTED,
            )
        if place is not None and schemes and schemes[-1].key == key:
            by_place.setdefault(place, param)  # the scheme is sent: its place is taken
    known = {s.key for s in schemes}
    security = security_of(data.get("security"), "#/security", known, report) or ()
    used = {s.key: s.credential for s in schemes}
    required: set[str] | None = None
    for alt in security:
        creds = {used[k] for k in alt}
        required = creds if required is None else required & creds
    credentials = tuple(
        Credential(
            name,
            env,
            name in (required or set()),
            desc if isinstance(desc, str) else None,
        )
        for name, (env, desc) in cred_info.items()
        if any(s.credential == name for s in schemes)
    )
    return credentials, tuple(schemes), security


def _place(scheme: dict[str, Any]) -> tuple[str, str] | None:
    """Where a scheme sends its value: (location, name; header names in lower case)."""
    kind = scheme.get("type")
    if kind == "apiKey":
        location, name = str(scheme.get("in", "header")), str(scheme.get("name", ""))
        return (location, name.lower() if location == "header" else name)
    if kind in ("http", "oauth2", "openIdConnect"):
        return ("header", "authorization")
    return None


def security_of(
    value: Any, where: str, known: set[str], report: Reporter
) -> tuple[tuple[str, ...], ...] | None:
    """Security alternatives (tuples of scheme names); None when not given."""
    if value is None:
        return None
    if not isinstance(value, list):
        report.error(
            where,
            "security must be a list of requirement objects",
            Code.SECURITY_UNSUPPORTED,
        )
        return None
    alts: list[tuple[str, ...]] = []
    for i, req in enumerate(value):
        if not isinstance(req, dict):
            report.error(
                f"{where}/{i}",
                "a security requirement must be an object",
                Code.SECURITY_UNSUPPORTED,
            )
            continue
        missing = [k for k in req if k not in known]
        if missing:
            # Unsupported schemes (e.g. mutualTLS) make that alternative unusable.
            report.warn(
                f"{where}/{i}",
                f"security alternative uses unsupported scheme(s) {missing}; skipped",
                Code.SECURITY_UNSUPPORTED,
            )
            continue
        alts.append(tuple(req))
    return tuple(alts)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token
_REQUEST_ID = re.compile(r"request[-_]?id", re.IGNORECASE)


def request_id_header(data: dict[str, Any], report: Reporter) -> str | None:
    """The response header that carries the server's request id, if the spec says.

    ``info.x-request-id-header`` says so explicitly; otherwise a header the
    responses declare whose name contains "request id" (``x-request-id``,
    ``Request-Id``, ``x-amzn-RequestId``), the one most operations declare.
    The runtime looks for ``x-request-id`` and ``request-id`` in any case,
    after this one.
    """
    info = mapping(data.get("info"))
    if "x-request-id-header" in info:
        name = info["x-request-id-header"]
        if isinstance(name, str) and _HEADER_NAME.match(name):
            return name
        report.error(
            "#/info/x-request-id-header",
            f"x-request-id-header {name!r} is not an HTTP header name",
            Code.NAME_INVALID,
        )
        return None
    declared: dict[str, tuple[str, int]] = {}  # lower-cased -> (as spelled, count)
    for _path, _method, op, where in iter_operations(data):
        names: set[str] = set()
        for status, raw in mapping(op.get("responses")).items():
            response, _ = deref(data, raw, child(where, "responses", status))
            for name in mapping(mapping(response).get("headers")):
                if (
                    isinstance(name, str)
                    and _REQUEST_ID.search(name)
                    and _HEADER_NAME.match(name)
                ):
                    names.add(name)
        for name in sorted(names):
            spelled, count = declared.get(name.lower(), (name, 0))
            declared[name.lower()] = (spelled, count + 1)
    if not declared:
        return None
    # Most operations first; among equals, the first declared.
    return max(declared.values(), key=lambda found: found[1])[0]


def base_url_env(data: dict[str, Any], package: str, report: Reporter) -> str:
    """The environment variable that overrides the base URL.

    The first server's ``x-env-var`` (the one the provider's users know,
    ``OPENAI_BASE_URL``), else ``<PACKAGE>_BASE_URL``.
    """
    servers = data.get("servers")
    first = servers[0] if isinstance(servers, list) and servers else None
    if isinstance(first, dict) and "x-env-var" in first:
        env = first["x-env-var"]
        if isinstance(env, str) and _ENV_NAME.match(env):
            return env
        report.error(
            "#/servers/0/x-env-var",
            f"x-env-var {env!r} is not an environment variable name "
            "(letters, digits and _, not starting with a digit)",
            Code.NAME_INVALID,
        )
    return f"{package.upper()}_BASE_URL"


def base_url(data: dict[str, Any], report: Reporter) -> str:
    """The first server's URL with its variables' defaults substituted."""
    servers = data.get("servers") or []
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        report.warn(
            "#/servers",
            "no server: clients need base_url= (or the _BASE_URL env var)",
            Code.SERVER_UNUSABLE,
        )
        return ""
    url = str(servers[0].get("url", ""))
    variables = servers[0].get("variables") or {}
    for name, var in (variables if isinstance(variables, dict) else {}).items():
        if isinstance(var, dict) and "default" in var:
            url = url.replace("{" + name + "}", str(var["default"]))
    if "{" in url:
        report.warn(
            "#/servers/0/url",
            f"server URL {url!r} has variables without a default; pass base_url=",
            Code.SERVER_UNUSABLE,
        )
    elif not url.startswith(("http://", "https://")):
        report.warn(
            "#/servers/0/url",
            f"server URL {url!r} is not absolute; clients need base_url=",
            Code.SERVER_UNUSABLE,
        )
    return url

"""Security schemes and servers -> constructor credentials and the base URL, for ``build``."""

from __future__ import annotations

from typing import Any

from ..ir import Credential, Scheme
from ..names import KEYWORDS, Scope, is_identifier, snake_identifier
from ..openapi import deref, pointer
from .schemas import Reporter

# The client constructor's own keyword arguments: credentials cannot take them.
CONSTRUCTOR_NAMES = frozenset(
    {"base_url", "timeout", "max_retries", "http_client", "default_headers", "self"}
)


def auth(
    data: dict[str, Any], package: str, report: Reporter
) -> tuple[tuple[Credential, ...], tuple[Scheme, ...], tuple[tuple[str, ...], ...]]:
    """(credentials, schemes, default security alternatives) of the API."""
    schemes_data = (data.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(schemes_data, dict):
        schemes_data = {}
    schemes: list[Scheme] = []
    cred_info: dict[str, tuple[str | None, str | None]] = {}
    cred_scope = Scope(CONSTRUCTOR_NAMES | KEYWORDS)
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
                report.warn(where, f"apiKey in {location!r} is not supported; it is ignored")
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
            )
            schemes.append(Scheme(key, param, "header", "Authorization", "Basic "))
        elif kind in ("oauth2", "openIdConnect"):
            report.warn(
                where,
                f"{kind}: the client takes an access token and sends it as a bearer token",
            )
            schemes.append(Scheme(key, param, "header", "Authorization", "Bearer "))
        else:
            what = f"http {http_scheme!r}" if kind == "http" else repr(kind)
            report.warn(where, f"security scheme type {what} is not supported; it is ignored")
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


def security_of(
    value: Any, where: str, known: set[str], report: Reporter
) -> tuple[tuple[str, ...], ...] | None:
    """Security alternatives (tuples of scheme names); None when not given."""
    if value is None:
        return None
    if not isinstance(value, list):
        report.error(where, "security must be a list of requirement objects")
        return None
    alts: list[tuple[str, ...]] = []
    for i, req in enumerate(value):
        if not isinstance(req, dict):
            report.error(f"{where}/{i}", "a security requirement must be an object")
            continue
        missing = [k for k in req if k not in known]
        if missing:
            # Unsupported schemes (e.g. mutualTLS) make that alternative unusable.
            report.warn(
                f"{where}/{i}",
                f"security alternative uses unsupported scheme(s) {missing}; skipped",
            )
            continue
        alts.append(tuple(req))
    return tuple(alts)


def base_url(data: dict[str, Any], report: Reporter) -> str:
    """The first server's URL with its variables' defaults substituted."""
    servers = data.get("servers") or []
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        report.warn(
            "#/servers", "no server: clients need base_url= (or the _BASE_URL env var)"
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
        )
    elif not url.startswith(("http://", "https://")):
        report.warn(
            "#/servers/0/url",
            f"server URL {url!r} is not absolute; clients need base_url=",
        )
    return url

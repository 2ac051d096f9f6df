"""Stage 3: turn a validated spec into the IR (the only stage that knows OpenAPI).

Operations become methods on resources named by dotted operationIds
(``chat.completions.create`` -> ``client.chat.completions.create``); security
schemes become constructor credentials; schemas become types
(:mod:`generator.build_types`). See README "Spec conventions" for the ``x-``
extensions read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .build_types import PARAM, RESPONSE, TypeBuilder, TypeExpr
from .errors import Finding, SpecError, escape_pointer_token, pointer
from .ir import (
    Api,
    Credential,
    Method,
    Param,
    Resource,
    ResourceModule,
    Scheme,
    StreamInfo,
)
from .load import LoadedSpec
from .names import (
    KEYWORDS,
    Scope,
    is_identifier,
    pascal,
    pascal_identifier,
    snake,
    snake_identifier,
)
from .validate import HTTP_METHODS, resolve_pointer

# Names a generated method's signature and body already use.
METHOD_RESERVED = frozenset(
    {"self", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}
)
# Attributes the client and resource classes already have.
CLIENT_RESERVED = frozenset(
    {
        "base_url", "timeout", "max_retries", "close", "aclose", "with_options", "copy",
        "types", "request", "self",
    }
)  # fmt: skip

_JSON_TYPE = re.compile(
    r"^application/([\w.+-]*\+)?json\b|^application/json", re.IGNORECASE
)


@dataclass
class _ResourceNode:
    attr: str
    class_name: str
    scope: Scope
    methods: list[Method] = field(default_factory=list)
    children: dict[str, "_ResourceNode"] = field(default_factory=dict)
    deps: set[str] = field(default_factory=set)

    def freeze(self) -> Resource:
        return Resource(
            attr=self.attr,
            class_name=self.class_name,
            methods=tuple(self.methods),
            children=tuple(c.freeze() for c in self.children.values()),
        )

    def all_deps(self) -> set[str]:
        out = set(self.deps)
        for c in self.children.values():
            out |= c.all_deps()
        return out


class _Builder:
    def __init__(self, spec: LoadedSpec, lenient: bool) -> None:
        self.spec = spec
        self.data = spec.data
        self.lenient = lenient
        self.types = TypeBuilder(spec.data, spec.display, lenient=lenient)
        self.errors: list[Finding] = []
        self.roots: dict[str, _ResourceNode] = {}
        self.root_scope = Scope(CLIENT_RESERVED | KEYWORDS)
        self.class_scope = Scope({"BaseClient", "SyncAPIClient", "AsyncAPIClient"})
        self.op_consts = Scope()

    def error(self, where: str, message: str) -> None:
        self.errors.append(self.spec.finding(where, message))

    def deref(self, node: Any) -> Any:
        seen = 0
        while (
            isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 64
        ):
            node = resolve_pointer(self.data, node["$ref"])
            seen += 1
        return node

    # -- naming -----------------------------------------------------------------

    def names(self) -> tuple[str, str]:
        info = self.data.get("info") or {}
        stem = snake(self.spec.path.stem) or "client"
        package = info.get("x-package-name", stem)
        client = info.get("x-client-name", pascal(self.spec.path.stem) or "Client")
        if (
            not isinstance(package, str)
            or not is_identifier(package)
            or package in KEYWORDS
        ):
            self.error(
                "#/info/x-package-name",
                f"package name {package!r} is not a valid Python identifier",
            )
            package = stem
        if (
            not isinstance(client, str)
            or not is_identifier(client)
            or client in KEYWORDS
        ):
            self.error(
                "#/info/x-client-name",
                f"client name {client!r} is not a valid Python identifier",
            )
            client = "Client"
        return package, client

    def resource_for(self, path: list[str]) -> _ResourceNode:
        nodes = self.roots
        node: _ResourceNode | None = None
        prefix = ""
        for raw in path:
            scope = self.root_scope if node is None else node.scope
            key = raw
            if key not in nodes:
                attr = scope.claim(
                    snake_identifier(raw, fallback="resource", reserved=CLIENT_RESERVED)
                )
                prefix_class = prefix + pascal_identifier(raw, fallback="Resource")
                class_name = self.class_scope.claim(prefix_class)
                nodes[key] = _ResourceNode(
                    attr,
                    class_name,
                    Scope(METHOD_RESERVED | CLIENT_RESERVED | KEYWORDS),
                )
            node = nodes[key]
            prefix = node.class_name
            nodes = node.children
        assert node is not None
        return node

    # -- auth -----------------------------------------------------------------

    def auth(
        self, package: str
    ) -> tuple[tuple[Credential, ...], tuple[Scheme, ...], tuple[tuple[str, ...], ...]]:
        schemes_data = (self.data.get("components") or {}).get("securitySchemes") or {}
        schemes: list[Scheme] = []
        cred_info: dict[str, tuple[str | None, str | None]] = {}
        cred_scope = Scope(
            {
                "base_url",
                "timeout",
                "max_retries",
                "http_client",
                "default_headers",
                "self",
            }
            | KEYWORDS
        )
        for i, (key, raw) in enumerate(schemes_data.items()):
            where = pointer(["components", "securitySchemes", key])
            scheme = self.deref(raw)
            if not isinstance(scheme, dict):
                continue
            kind = scheme.get("type")
            default_param = (
                "api_key" if i == 0 else snake_identifier(key, fallback="credential")
            )
            param = scheme.get("x-client-param", default_param)
            if (
                not isinstance(param, str)
                or not is_identifier(param)
                or param in KEYWORDS
            ):
                self.error(
                    where + "/x-client-param",
                    f"x-client-param {param!r} is not a valid Python identifier",
                )
                continue
            if param not in cred_info:
                param = cred_scope.claim(param) if param not in cred_scope else param
                env = scheme.get("x-env-var", f"{package.upper()}_{param.upper()}")
                cred_info[param] = (
                    env if isinstance(env, str) else None,
                    scheme.get("description"),
                )
            if kind == "apiKey":
                location = scheme.get("in", "header")
                schemes.append(
                    Scheme(key, param, location, str(scheme.get("name", "")), "")
                )
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                schemes.append(Scheme(key, param, "header", "Authorization", "Bearer "))
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                self.types.warn(
                    where,
                    "HTTP basic auth: pass the base64 'user:password' token as the credential",
                )
                schemes.append(Scheme(key, param, "header", "Authorization", "Basic "))
            elif kind in ("oauth2", "openIdConnect"):
                self.types.warn(
                    where,
                    f"{kind}: the client takes an access token and sends it as a bearer token",
                )
                schemes.append(Scheme(key, param, "header", "Authorization", "Bearer "))
            else:
                self.types.warn(
                    where,
                    f"security scheme type {kind!r} is not supported; it is ignored",
                )
        known = {s.key for s in schemes}
        security = (
            self.security_of(self.data.get("security"), "#/security", known) or ()
        )
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
        self, value: Any, where: str, known: set[str]
    ) -> tuple[tuple[str, ...], ...] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.error(where, "security must be a list of requirement objects")
            return None
        alts: list[tuple[str, ...]] = []
        for i, req in enumerate(value):
            if not isinstance(req, dict):
                self.error(f"{where}/{i}", "a security requirement must be an object")
                continue
            missing = [k for k in req if k not in known]
            if missing:
                # Unsupported schemes (e.g. mutualTLS) make that alternative unusable.
                self.types.warn(
                    f"{where}/{i}",
                    f"security alternative uses unsupported scheme(s) {missing}; skipped",
                )
                continue
            alts.append(tuple(req))
        return tuple(alts)

    # -- operations ----------------------------------------------------------------

    def operations(self, known_schemes: set[str]) -> None:
        for path, item in (self.data.get("paths") or {}).items():
            if not isinstance(item, dict) or path.startswith("x-"):
                continue
            item_where = pointer(["paths", path])
            item = self.deref(item)
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    try:
                        self.operation(
                            path,
                            method,
                            item,
                            op,
                            f"{item_where}/{method}",
                            known_schemes,
                        )
                    except SpecError as exc:
                        self.errors.extend(exc.findings)

    def operation(
        self,
        path: str,
        http_method: str,
        item: dict[str, Any],
        op: dict[str, Any],
        where: str,
        known: set[str],
    ) -> None:
        op_id = op.get("operationId")
        parts = op_id.split(".") if isinstance(op_id, str) and op_id else []
        if len(parts) >= 2 and all(parts):
            resource_path, method_raw = parts[:-1], parts[-1]
        else:
            tags = op.get("tags") or []
            first_segment = next(
                (s for s in path.split("/") if s and not s.startswith("{")), "root"
            )
            resource_path = [
                tags[0] if tags and isinstance(tags[0], str) else first_segment
            ]
            method_raw = (
                op_id if isinstance(op_id, str) and op_id else f"{http_method}_{path}"
            )
        node = self.resource_for(resource_path)
        name = node.scope.claim(snake_identifier(method_raw, fallback="call"))
        const = self.op_consts.claim(
            "_" + (snake(node.class_name) + "_" + name).upper()
        )

        scope = Scope(METHOD_RESERVED | KEYWORDS)
        params: list[Param] = []
        deps: set[str] = set()
        fixed: list[tuple[str, str]] = []
        slash: list[str] = []
        hint_base = pascal_identifier(
            "_".join(resource_path + [method_raw]), fallback="Op"
        )

        # Parameters: path-level ones, overridden by operation-level ones of the same (name, in).
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for source, base in (
            (item.get("parameters"), pointer(["paths", path, "parameters"])),
            (op.get("parameters"), where + "/parameters"),
        ):
            for i, raw in enumerate(source or []):
                p = self.deref(raw)
                if (
                    isinstance(p, dict)
                    and isinstance(p.get("name"), str)
                    and isinstance(p.get("in"), str)
                ):
                    merged[(p["name"], p["in"])] = (p, f"{base}/{i}")
        path_names = re.findall(r"\{([^}/]+)\}", path)
        path_params: dict[str, Param] = {}
        other: list[Param] = []
        for (pname, location), (p, pwhere) in merged.items():
            schema = p.get("schema", {})
            if location == "header" and pname.lower() in (
                "accept",
                "content-type",
                "authorization",
            ):
                continue  # OpenAPI: such header parameters are ignored
            if location == "header" and p.get("required"):
                value = _constant(self.deref(schema))
                if value is not None:
                    fixed.append((pname, value))
                    continue
            if location == "cookie":
                self.types.warn(
                    pwhere,
                    "cookie parameters are not supported; pass it with extra_headers",
                )
                continue
            t = self.types.expr(
                schema,
                PARAM,
                hint_base + pascal_identifier(pname, fallback="Param"),
                pwhere + "/schema",
            )
            deps |= t.deps
            py = scope.claim(
                snake_identifier(pname, fallback="param", reserved=METHOD_RESERVED)
            )
            required = bool(p.get("required")) or location == "path"
            param = Param(
                name=py,
                wire=pname,
                location=location,
                annotation=(
                    t.annotation if required else f"Union[{t.annotation}, NotGiven]"
                ),
                required=required,
                description=_text(p.get("description")),
                deprecated=bool(p.get("deprecated")),
            )
            if location == "path":
                path_params[pname] = param
                if p.get("x-allow-slash") is True:
                    slash.append(pname)
            else:
                other.append(param)
        for pname in path_names:
            if pname not in path_params:
                self.error(
                    where, f"path parameter {{{pname}}} in {path!r} is not declared"
                )
                return

        body_kind, body_params, drop_none, body_deps = self.request_body(
            op, where, scope, hint_base
        )
        deps |= body_deps
        other.extend(body_params)

        result_kind, result_t, accept, stream = self.responses(
            op, where, hint_base, body_params
        )
        deps |= result_t.deps
        if stream is not None:
            deps |= stream[0].deps

        stream_info = None
        if stream is not None:
            chunk_t, terminator, required_terminator = stream
            stream_param = next(
                (
                    p
                    for p in body_params
                    if p.wire == "stream" and "bool" in p.annotation
                ),
                None,
            )
            if stream_param is None and result_kind != "none":
                self.types.warn(
                    where,
                    "operation can stream but has no boolean 'stream' body field; it never streams",
                )
            else:
                stream_info = StreamInfo(
                    chunk_annotation=chunk_t.annotation,
                    chunk_runtime=chunk_t.annotation,
                    terminator=terminator,
                    terminator_required=required_terminator,
                    param=stream_param.name if stream_param else None,
                    param_wire="stream" if stream_param else None,
                    param_nullable=bool(
                        stream_param and "Optional[" in stream_param.annotation
                    ),
                    always=stream_param is None,
                )

        security = self.security_of(op.get("security"), where + "/security", known)
        ordered = [path_params[n] for n in path_names] + sorted(
            other, key=lambda p: not p.required
        )
        method = Method(
            name=name,
            const=const,
            http_method=http_method.upper(),
            path=path,
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            params=tuple(ordered),
            body_kind=body_kind,
            result_kind=result_kind,
            result_annotation=(
                result_t.annotation
                if result_kind == "json"
                else {"text": "str", "bytes": "bytes"}.get(result_kind, "None")
            ),
            result_runtime=result_t.annotation if result_kind == "json" else "None",
            stream=stream_info,
            fixed_headers=tuple(fixed),
            security=security,
            slash_params=tuple(slash),
            drop_none=tuple(drop_none),
            accept=accept,
            deprecated=bool(op.get("deprecated")),
            pointer=where,
            doc=_method_doc(op, ordered),
        )
        node.methods.append(method)
        node.deps |= deps

    def request_body(
        self, op: dict[str, Any], where: str, scope: Scope, hint_base: str
    ) -> tuple[str | None, list[Param], list[str], set[str]]:
        body = self.deref(op.get("requestBody"))
        if not isinstance(body, dict):
            return None, [], [], set()
        content = body.get("content") or {}
        body_required = bool(body.get("required"))
        chosen = None
        for kind, match in (
            ("json", lambda c: bool(_JSON_TYPE.match(c))),
            ("form", lambda c: c.startswith("application/x-www-form-urlencoded")),
            ("multipart", lambda c: c.startswith("multipart/")),
            ("binary", lambda c: True),
        ):
            for ctype, media in content.items():
                if match(ctype.lower()):
                    chosen = (kind, ctype, media if isinstance(media, dict) else {})
                    break
            if chosen:
                break
        if chosen is None:
            return None, [], [], set()
        kind, ctype, media = chosen
        media_where = f"{where}/requestBody/content/{escape_pointer_token(ctype)}"
        schema = media.get("schema", {})
        resolved = self.deref(schema)
        if kind == "binary":
            param = Param(
                "body",
                "body",
                "body_whole",
                "bytes" if body_required else "Union[bytes, NotGiven]",
                body_required,
            )
            return kind, [scope_claim(scope, param)], [], set()
        if self.types._is_object(resolved):
            props, required = self.types._collect_properties(
                resolved,
                (
                    schema.get("$ref", media_where + "/schema")
                    if isinstance(schema, dict)
                    else media_where
                ),
            )
            params: list[Param] = []
            drop: list[str] = []
            deps: set[str] = set()
            for wire, sub, sub_where in props:
                sub_resolved = self.deref(sub)
                flags = sub_resolved if isinstance(sub_resolved, dict) else {}
                own = sub if isinstance(sub, dict) else {}
                if own.get("readOnly") or flags.get("readOnly"):
                    continue
                t = self.types.expr(
                    sub,
                    PARAM,
                    hint_base + pascal_identifier(wire, fallback="Field"),
                    sub_where,
                )
                if kind == "multipart" and _is_binary(flags):
                    t = TypeExpr("FileInput")
                deps |= t.deps
                is_required = wire in required and body_required
                py = scope.claim(
                    snake_identifier(wire, fallback="field", reserved=METHOD_RESERVED)
                )
                if not t.nullable:
                    drop.append(wire)
                params.append(
                    Param(
                        name=py,
                        wire=wire,
                        location="body",
                        annotation=(
                            t.annotation
                            if is_required
                            else f"Union[{t.annotation}, NotGiven]"
                        ),
                        required=is_required,
                        description=_text(own.get("description"))
                        or _text(flags.get("description")),
                        deprecated=bool(
                            own.get("deprecated") or flags.get("deprecated")
                        ),
                    )
                )
            return kind, params, drop, deps
        t = self.types.expr(schema, PARAM, hint_base + "Body", media_where + "/schema")
        param = Param(
            name=scope.claim("body"),
            wire="body",
            location="body_whole",
            annotation=(
                t.annotation if body_required else f"Union[{t.annotation}, NotGiven]"
            ),
            required=body_required,
            description=_text(body.get("description")),
        )
        return kind, [param], [], set(t.deps)

    def responses(
        self, op: dict[str, Any], where: str, hint_base: str, body_params: list[Param]
    ) -> tuple[str, TypeExpr, str | None, tuple[TypeExpr, str | None, bool] | None]:
        responses = op.get("responses") or {}
        success = [c for c in responses if str(c).startswith("2")]
        success.sort(key=lambda c: (str(c).upper() == "2XX", str(c)))
        json_types: list[TypeExpr] = []
        kind = "none"
        accept: str | None = None
        stream: tuple[TypeExpr, str | None, bool] | None = None
        for code in success:
            resp = self.deref(responses[code])
            if not isinstance(resp, dict):
                continue
            rwhere = f"{where}/responses/{escape_pointer_token(str(code))}"
            for ctype, media in (resp.get("content") or {}).items():
                media = media if isinstance(media, dict) else {}
                mwhere = f"{rwhere}/content/{escape_pointer_token(ctype)}"
                lower = ctype.lower()
                if lower.startswith("text/event-stream"):
                    if stream is None:
                        stream = self.stream_of(media, mwhere, hint_base)
                    continue
                if _JSON_TYPE.match(lower):
                    json_types.append(
                        self.types.expr(
                            media.get("schema", {}),
                            RESPONSE,
                            hint_base + "Response",
                            mwhere + "/schema",
                        )
                    )
                    kind = "json"
                elif kind == "none" and lower.startswith("text/"):
                    kind, accept = "text", ctype
                elif kind == "none":
                    kind, accept = "bytes", ctype
        if kind == "json":
            seen: dict[str, TypeExpr] = {}
            for t in json_types:
                seen.setdefault(t.annotation, t)
            if len(seen) == 1:
                result = next(iter(seen.values()))
            else:
                deps = frozenset().union(*(t.deps for t in seen.values()))
                result = TypeExpr(f"Union[{', '.join(seen)}]", deps)
            return kind, result, None, stream
        return kind, TypeExpr("None"), accept, stream

    def stream_of(
        self, media: dict[str, Any], where: str, hint_base: str
    ) -> tuple[TypeExpr, str | None, bool]:
        data_schema = media.get("x-event-data-schema")
        data_where = where + "/x-event-data-schema"
        if data_schema is None:
            # The official OpenAI spec's convention: the media type's schema is the event data.
            schema = media.get("schema")
            resolved = self.deref(schema)
            if (
                isinstance(resolved, dict)
                and resolved.get("type") not in (None, "string")
                or (isinstance(schema, dict) and "$ref" in schema)
            ):
                data_schema, data_where = schema, where + "/schema"
        if data_schema is None:
            self.types.warn(
                where,
                "event stream without x-event-data-schema: chunks are untyped JSON",
            )
            chunk = TypeExpr("Any", nullable=True)
        else:
            chunk = self.types.expr(
                data_schema, RESPONSE, hint_base + "Chunk", data_where
            )
        terminator = media.get("x-stream-terminator")
        if isinstance(terminator, str):
            return chunk, terminator, True
        # Not declared: accept the OpenAI convention if the server sends it, but do
        # not require it (streams of other APIs simply end).
        return chunk, "[DONE]", False

    # -- everything --------------------------------------------------------------------------

    def build(self) -> Api:
        package, client = self.names()
        credentials, schemes, security = self.auth(package)
        self.operations({s.key for s in schemes})
        if self.errors:
            raise SpecError(self.errors)
        type_modules = self.types.modules()
        resources = []
        module_scope = Scope({"__init__"})
        for node in self.roots.values():
            deps = node.all_deps()
            imports: dict[str, set[str]] = {}
            for d in deps:
                imports.setdefault(self.types.module_of(d), set()).add(d)
            resources.append(
                ResourceModule(
                    name=module_scope.claim(node.attr),
                    resource=node.freeze(),
                    type_imports=tuple(
                        (m, tuple(sorted(n))) for m, n in sorted(imports.items())
                    ),
                )
            )
        info = self.data.get("info") or {}
        title = _text(info.get("title")) or client
        env_lines = "\n".join(
            f"  {c.name}: {c.env}" + (" (required)" if c.required else "")
            for c in credentials
            if c.env
        )
        client_doc = f"Client for the {title}." + (
            f"\n\n{_text(info.get('description'))}"
            if _text(info.get("description"))
            else ""
        )
        if env_lines:
            client_doc += f"\n\nCredentials not passed as arguments are read from the environment:\n\n{env_lines}"
        return Api(
            package=package,
            client_name=client,
            title=_text(info.get("title")) or client,
            version=str(info.get("version", "")),
            description=_text(info.get("description")),
            base_url=self.base_url(),
            base_url_env=f"{package.upper()}_BASE_URL",
            spec_name=self.spec.path.name,
            spec_sha256=self.spec.sha256,
            credentials=credentials,
            schemes=schemes,
            security=security,
            resources=tuple(resources),
            type_modules=type_modules,
            client_doc=client_doc,
            async_client_doc=f"Asynchronous twin of :class:`{client}`: the same API, with ``await``.\n\n"
            + client_doc,
            package_doc=f"Typed client for the {title}.\n\n    from {package} import {client}\n\n    client = {client}()\n",
            warnings=tuple(f.format() for f in self.types.warnings),
        )

    def base_url(self) -> str:
        servers = self.data.get("servers") or []
        if not servers or not isinstance(servers[0], dict):
            return ""
        url = str(servers[0].get("url", ""))
        for name, var in (servers[0].get("variables") or {}).items():
            if isinstance(var, dict) and "default" in var:
                url = url.replace("{" + name + "}", str(var["default"]))
        return url


def scope_claim(scope: Scope, param: Param) -> Param:
    name = scope.claim(param.name)
    if name == param.name:
        return param
    return Param(
        name,
        param.wire,
        param.location,
        param.annotation,
        param.required,
        param.description,
        param.deprecated,
    )


def _constant(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("const"), str):
        return str(schema["const"])
    enum = schema.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0]
    return None


def _is_binary(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "string"
        and schema.get("format") in ("binary", "byte")
        or bool(schema.get("contentMediaType"))
    )


def _method_doc(op: dict[str, Any], params: list[Param]) -> str | None:
    parts = [t for t in (_text(op.get("summary")), _text(op.get("description"))) if t]
    if parts[1:] and parts[0] == parts[1]:
        parts.pop()
    described = [p for p in params if p.description]
    if described:
        lines = ["Args:"]
        for p in described:
            text = (p.description or "").replace("\n", "\n    ")
            lines.append(f"  {p.name}: {text}")
        parts.append("\n".join(lines))
    if op.get("deprecated"):
        parts.insert(0, "Deprecated.")
    return "\n\n".join(parts) or None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def build(spec: LoadedSpec, *, lenient: bool = False) -> Api:
    """The IR for one validated spec; raises :class:`SpecError` naming what cannot be generated."""
    return _Builder(spec, lenient).build()

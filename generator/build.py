"""Stage 3: turn a validated spec into the IR (the only stage that knows OpenAPI).

Operations become methods on resources named by dotted operationIds
(``chat.completions.create`` -> ``client.chat.completions.create``); security
schemes become constructor credentials (:mod:`generator.build_auth`); schemas
become types (:mod:`generator.build_types`). See README "Spec conventions"
for the ``x-`` extensions read here, and "How specs map to Python" for the
rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from . import build_auth
from .build_modules import used_extras
from .build_types import ANY, PARAM, RESPONSE, BuildFailure, TypeBuilder, TypeExpr
from .errors import Finding, SpecError, escape_pointer_token, pointer
from .ir import Api, Method, Param, Resource, ResourceModule, StreamInfo
from .load import LoadedSpec
from .names import (
    KEYWORDS,
    METHOD_RESERVED,
    RESOURCE_RESERVED,
    TYPE_RESERVED,
    Scope,
    is_identifier,
    pascal,
    pascal_identifier,
    snake,
    snake_identifier,
)
from .validate import HTTP_METHODS, resolve_pointer

_JSON_TYPE = re.compile(r"^application/([\w.+-]*\+)?json\b|^application/json", re.I)
# The default serialisation of each parameter location (OpenAPI: style, explode).
_DEFAULT_STYLE = {
    "query": ("form", True),
    "path": ("simple", False),
    "header": ("simple", False),
}
_QUERY_STYLES = {"form", "spaceDelimited", "pipeDelimited", "deepObject"}
# Values of an enum body field that select a server-sent-event stream.
_SSE_VALUES = ("sse", "event-stream", "text/event-stream")
# Schema keywords described in a parameter's docstring.
_BOUNDS = (
    ("minimum", ">="),
    ("exclusiveMinimum", ">"),
    ("maximum", "<="),
    ("exclusiveMaximum", "<"),
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("pattern", "pattern"),
)


@dataclass
class _ResourceNode:
    attr: str
    base: str  # the class name it asks for (the parent's name + its own)
    scope: Scope
    class_name: str = ""
    methods: list[Method] = field(default_factory=list)
    children: dict[str, "_ResourceNode"] = field(default_factory=dict)
    deps: set[str] = field(default_factory=set)

    def walk(self) -> Iterator[_ResourceNode]:
        yield self
        for c in self.children.values():
            yield from c.walk()

    def freeze(self) -> Resource:
        return Resource(
            attr=self.attr,
            class_name=self.class_name,
            methods=tuple(self.methods),
            children=tuple(c.freeze() for c in self.children.values()),
        )


class _Builder:
    def __init__(self, spec: LoadedSpec, lenient: bool) -> None:
        self.spec = spec
        self.data = spec.data
        self.lenient = lenient
        self.types = TypeBuilder(spec.data, spec.display, lenient=lenient)
        self.errors: list[Finding] = []
        self.roots: dict[str, _ResourceNode] = {}
        self.root_scope = Scope(RESOURCE_RESERVED | KEYWORDS)
        self.op_consts = Scope()

    def error(self, where: str, message: str) -> None:
        self.errors.append(self.spec.finding(where, message))

    def warn(self, where: str, message: str) -> None:
        self.types.warn(where, message)

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
            or client in TYPE_RESERVED
        ):
            self.error(
                "#/info/x-client-name",
                f"client name {client!r} is not a usable class name",
            )
            client = "Client"
        return package, client

    def resource_for(self, path: list[str]) -> _ResourceNode:
        nodes = self.roots
        node: _ResourceNode | None = None
        for raw in path:
            scope = self.root_scope if node is None else node.scope
            # Keyed by the snake_case name, so "Responses" (a tag) and
            # "responses" (a path segment) are one resource.
            key = snake_identifier(raw, fallback="resource", reserved=RESOURCE_RESERVED)
            if key not in nodes:
                base = (node.base if node else "") + pascal_identifier(
                    raw, fallback="Resource"
                )
                nodes[key] = _ResourceNode(
                    scope.claim(key),
                    base,
                    Scope(RESOURCE_RESERVED | KEYWORDS),
                )
            node = nodes[key]
            nodes = node.children
        assert node is not None
        return node

    def name_classes(self) -> None:
        """Resource class names, chosen once every type is named: types keep their names."""
        taken = set(self.types.defs) | TYPE_RESERVED | KEYWORDS | {"Async"}
        taken |= {"Async" + n for n in self.types.defs}
        for root in self.roots.values():
            for node in root.walk():
                for candidate in (node.base, node.base + "Resource"):
                    if candidate not in taken and "Async" + candidate not in taken:
                        break
                else:
                    n = 2
                    while f"{candidate}{n}" in taken or f"Async{candidate}{n}" in taken:
                        n += 1
                    candidate = f"{candidate}{n}"
                node.class_name = candidate
                taken |= {candidate, "Async" + candidate}

    # -- operations ----------------------------------------------------------------

    def operations(self, known_schemes: set[str]) -> None:
        paths = self.data.get("paths") or {}
        for path, item in (paths if isinstance(paths, dict) else {}).items():
            if not isinstance(item, dict) or path.startswith("x-"):
                continue
            item_where = pointer(["paths", path])
            item = self.deref(item)
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                where = f"{item_where}/{method}"
                try:
                    self.operation(path, method, item, op, where, known_schemes)
                except SpecError as exc:
                    self.errors.extend(exc.findings)
                except BuildFailure as exc:
                    self.error(
                        exc.pointer,
                        "the generator cannot handle this schema "
                        f"({type(exc.error).__name__}: {exc.error}); please report it",
                    )
                except RecursionError:
                    self.error(where, "schemas nest too deeply to generate code")

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
                (
                    s
                    for s in path.split("?")[0].split("/")
                    if s and not s.startswith("{")
                ),
                "root",
            )
            resource_path = [
                (
                    tags[0]
                    if isinstance(tags, list) and tags and isinstance(tags[0], str)
                    else first_segment
                )
            ]
            method_raw = (
                op_id if isinstance(op_id, str) and op_id else f"{http_method}_{path}"
            )
        node = self.resource_for(resource_path)
        name = node.scope.claim(
            snake_identifier(method_raw, fallback="call", reserved=RESOURCE_RESERVED)
        )
        const = self.op_consts.claim("_" + (snake(node.base) + "_" + name).upper())
        hint_base = pascal_identifier(
            "_".join(resource_path + [method_raw]), fallback="Op"
        )
        scope = Scope(METHOD_RESERVED | KEYWORDS)

        params, fixed, slash, styles, deps = self.parameters(
            path, item, op, where, scope, hint_base
        )
        if params is None:
            return
        body_kind, body_params, drop_none, body_deps, literals = self.request_body(
            op, where, scope, hint_base
        )
        deps |= body_deps
        result_kind, result_t, accept, stream = self.responses(op, where, hint_base)
        deps |= result_t.deps
        stream_info = None
        if stream is not None:
            deps |= stream[0].deps
            stream_info = self.stream_info(
                stream, body_params, literals, result_kind, where
            )

        path_params = [p for p in params if p.location == "path"]
        other = [p for p in params if p.location != "path"] + body_params
        ordered = path_params + sorted(other, key=lambda p: not p.required)
        security = build_auth.security_of(
            op.get("security"), where + "/security", known, self.error, self.warn
        )
        node.methods.append(
            Method(
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
                doc=_method_doc(op, ordered, http_method, path),
                styles=tuple(styles),
            )
        )
        node.deps |= deps

    # -- parameters --------------------------------------------------------------------

    def parameters(
        self,
        path: str,
        item: dict[str, Any],
        op: dict[str, Any],
        where: str,
        scope: Scope,
        hint_base: str,
    ) -> tuple[
        list[Param] | None,
        list[tuple[str, str]],
        list[str],
        list[tuple[str, str, bool]],
        set[str],
    ]:
        """Path, query and header parameters (path ones in template order), fixed headers,
        slash-allowing path params, non-default styles, and the types they use."""
        # Path-level ones, overridden by operation-level ones of the same (name, in).
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for source, base in (
            (item.get("parameters"), pointer(["paths", path, "parameters"])),
            (op.get("parameters"), where + "/parameters"),
        ):
            for i, raw in enumerate(source if isinstance(source, list) else []):
                p = self.deref(raw)
                if (
                    isinstance(p, dict)
                    and isinstance(p.get("name"), str)
                    and isinstance(p.get("in"), str)
                ):
                    merged[(p["name"], p["in"])] = (p, f"{base}/{i}")
        path_names = re.findall(r"\{([^}/]+)\}", path.split("?")[0])
        by_path: dict[str, Param] = {}
        other: list[Param] = []
        fixed: list[tuple[str, str]] = []
        slash: list[str] = []
        styles: list[tuple[str, str, bool]] = []
        deps: set[str] = set()
        for (pname, location), (p, pwhere) in merged.items():
            if location == "header" and pname.lower() in (
                "accept",
                "content-type",
                "authorization",
            ):
                continue  # OpenAPI: such header parameters are ignored
            if location == "cookie":
                self.warn(
                    pwhere,
                    "cookie parameters are not supported; pass it with extra_headers",
                )
                continue
            if location not in ("path", "query", "header"):
                self.warn(pwhere, f"parameters in {location!r} are not supported")
                continue
            schema, style, explode = self.param_schema(p, location, pwhere)
            if location == "header" and p.get("required"):
                value = _constant(self.deref(schema))
                if value is not None:
                    fixed.append((pname, value))
                    continue
            if location == "path" and pname not in path_names:
                self.warn(
                    pwhere, f"path parameter {pname!r} is not in the path; ignored"
                )
                continue
            t = self.types.expr(
                schema,
                PARAM,
                hint_base + pascal_identifier(pname, fallback="Param"),
                pwhere + ("/schema" if "schema" in p else "/content"),
            )
            deps |= t.deps
            if (style, explode) != _DEFAULT_STYLE[location]:
                styles.append((pname, style, explode))
            required = bool(p.get("required")) or location == "path"
            param = Param(
                name=scope.claim(
                    snake_identifier(pname, fallback="param", reserved=METHOD_RESERVED)
                ),
                wire=pname,
                location=location,
                annotation=t.annotation if required else f"{t.annotation} | NotGiven",
                required=required,
                description=_param_doc(p.get("description"), self.deref(schema)),
                deprecated=bool(p.get("deprecated")),
            )
            if location == "path":
                by_path[pname] = param
                if p.get("x-allow-slash") is True:
                    slash.append(pname)
            else:
                other.append(param)
        missing = [n for n in path_names if n not in by_path]
        if missing:
            self.error(
                where,
                f"path parameter {{{missing[0]}}} in {path!r} is not declared",
            )
            return None, [], [], [], set()
        ordered = [by_path[n] for n in dict.fromkeys(path_names)] + other
        return ordered, fixed, slash, styles, deps

    def param_schema(
        self, p: dict[str, Any], location: str, where: str
    ) -> tuple[Any, str, bool]:
        """A parameter's schema and its (style, explode), checked against what we send."""
        default_style, _ = _DEFAULT_STYLE[location]
        if "schema" not in p and isinstance(p.get("content"), dict) and p["content"]:
            ctype, media = next(iter(p["content"].items()))
            media = media if isinstance(media, dict) else {}
            if _JSON_TYPE.match(str(ctype)):
                return media.get("schema", {}), "json", False
            self.warn(
                where + "/content",
                f"parameter content {ctype!r} is sent as plain text",
            )
            return media.get("schema", {}), default_style, False
        style = p.get("style", default_style)
        explode = p.get("explode", style == "form")
        explode = explode if isinstance(explode, bool) else style == "form"
        allowed = _QUERY_STYLES if location == "query" else {"simple"}
        if style not in allowed:
            self.warn(
                where + "/style",
                f"style {style!r} is not supported for {location} parameters; "
                f"sent as {default_style!r}",
            )
            style = default_style
        return p.get("schema", {}), style, explode

    # -- request bodies ----------------------------------------------------------------

    def request_body(
        self, op: dict[str, Any], where: str, scope: Scope, hint_base: str
    ) -> tuple[
        str | None, list[Param], list[str], set[str], dict[str, tuple[Any, ...]]
    ]:
        """(encoding, body arguments, fields where None means omit, types used,
        Literal values of each argument that has them)."""
        body = self.deref(op.get("requestBody"))
        if not isinstance(body, dict):
            return None, [], [], set(), {}
        content = body.get("content") or {}
        content = content if isinstance(content, dict) else {}
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
            return None, [], [], set(), {}
        kind, ctype, media = chosen
        media_where = f"{where}/requestBody/content/{escape_pointer_token(ctype)}"
        schema = media.get("schema", {})
        resolved = self.deref(schema)
        if kind == "binary":
            param = Param(
                scope.claim("body"),
                "body",
                "body_whole",
                "bytes" if body_required else "bytes | NotGiven",
                body_required,
            )
            return kind, [param], [], set(), {}
        if not self.types._is_object(resolved):
            t = self.types.expr(
                schema, PARAM, hint_base + "Body", media_where + "/schema"
            )
            param = Param(
                name=scope.claim("body"),
                wire="body",
                location="body_whole",
                annotation=(
                    t.annotation if body_required else f"{t.annotation} | NotGiven"
                ),
                required=body_required,
                description=_text(body.get("description")),
            )
            return kind, [param], [], set(t.deps), {}
        schema_where = (
            schema["$ref"]
            if isinstance(schema, dict) and isinstance(schema.get("$ref"), str)
            else media_where + "/schema"
        )
        props, required = self.types.collect_properties(resolved, schema_where)
        params: list[Param] = []
        drop: list[str] = []
        deps: set[str] = set()
        literals: dict[str, tuple[Any, ...]] = {}
        for wire, sub, sub_where, _, own, flags in self.types.field_plan(props, PARAM):
            t = self.types.expr(
                sub,
                PARAM,
                hint_base + pascal_identifier(wire, fallback="Field"),
                sub_where,
            )
            if kind == "multipart":
                t = self._file_type(t, flags)
            deps |= t.deps
            is_required = wire in required and body_required
            if not t.nullable:
                drop.append(wire)
            py_name = scope.claim(
                snake_identifier(wire, fallback="field", reserved=METHOD_RESERVED)
            )
            if t.literals is not None:
                literals[py_name] = t.literals
            params.append(
                Param(
                    name=py_name,
                    wire=wire,
                    location="body",
                    annotation=(
                        t.annotation if is_required else f"{t.annotation} | NotGiven"
                    ),
                    required=is_required,
                    description=_param_doc(
                        own.get("description") or flags.get("description"),
                        flags,
                        own.get("default", flags.get("default", _NO_DEFAULT)),
                    ),
                    deprecated=bool(own.get("deprecated") or flags.get("deprecated")),
                )
            )
        return kind, params, drop, deps, literals

    def _file_type(self, t: TypeExpr, schema: dict[str, Any]) -> TypeExpr:
        """Multipart: a binary field (or a list of them) takes files."""
        if _is_binary(schema):
            return TypeExpr("FileInput", nullable=t.nullable)
        items = self.deref(schema.get("items"))
        if schema.get("type") == "array" and isinstance(items, dict):
            if _is_binary(items):
                return TypeExpr("Sequence[FileInput]", nullable=t.nullable)
        return t

    # -- responses ----------------------------------------------------------------------

    def responses(
        self, op: dict[str, Any], where: str, hint_base: str
    ) -> tuple[str, TypeExpr, str | None, tuple[TypeExpr, str | None, bool] | None]:
        """(result kind, JSON result type, Accept override, (chunk type, terminator, required))."""
        responses = op.get("responses") or {}
        responses = responses if isinstance(responses, dict) else {}
        success = [c for c in responses if str(c).startswith("2")]
        success.sort(key=lambda c: (str(c).upper() == "2XX", str(c)))
        if not success and "default" in responses:
            success = [
                "default"
            ]  # OpenAPI: default covers success when no 2xx is given
        json_types: list[TypeExpr] = []
        kind = "none"
        accept: str | None = None
        stream: tuple[TypeExpr, str | None, bool] | None = None
        empty = False
        for code in success:
            resp = self.deref(responses[code])
            if not isinstance(resp, dict):
                continue
            rwhere = f"{where}/responses/{escape_pointer_token(str(code))}"
            content = resp.get("content")
            if not isinstance(content, dict) or not content:
                empty = True
                continue
            for ctype, media in content.items():
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
        if kind != "json":
            return kind, TypeExpr("None"), accept, stream
        seen: dict[str, TypeExpr] = {}
        for t in json_types:
            seen.setdefault(t.annotation, t)
        if len(seen) == 1:
            result = next(iter(seen.values()))
        else:
            deps = frozenset().union(*(t.deps for t in seen.values()))
            nullable = any(t.nullable for t in seen.values())
            result = TypeExpr(f"Union[{', '.join(seen)}]", deps, nullable)
        if empty:
            result = result.optional()  # e.g. 200 with JSON, 204 without a body
        return kind, result, None, stream

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
            self.warn(
                where,
                "event stream without x-event-data-schema: chunks are untyped JSON",
            )
            chunk = ANY
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

    def stream_info(
        self,
        stream: tuple[TypeExpr, str | None, bool],
        body_params: list[Param],
        literals: dict[str, tuple[Any, ...]],
        result_kind: str,
        where: str,
    ) -> StreamInfo | None:
        """How the method streams: a boolean ``stream`` field, an enum field with an
        SSE value (``stream_format: "sse"``), or always (nothing else to return)."""
        chunk_t, terminator, required_terminator = stream
        common = dict(
            chunk_annotation=chunk_t.annotation,
            chunk_runtime=chunk_t.annotation,
            terminator=terminator,
            terminator_required=required_terminator,
        )
        for p in body_params:
            base = p.annotation.removesuffix(" | NotGiven")
            if p.wire == "stream" and base in ("bool", "Optional[bool]"):
                nullable = base.startswith("Optional[")
                return StreamInfo(
                    **common,
                    param=p.name,
                    param_wire=p.wire,
                    param_nullable=nullable,
                    always=False,
                    on_value=True,
                    on_annotation="Literal[True]",
                    off_annotation=(
                        "Optional[Literal[False]]" if nullable else "Literal[False]"
                    ),
                    any_annotation=base,
                )
        for p in body_params:
            values = literals.get(p.name, ())
            on = next((v for v in values if v in _SSE_VALUES), None)
            if on is not None and len(values) > 1:
                off = ", ".join(repr(v) for v in values if v != on)
                return StreamInfo(
                    **common,
                    param=p.name,
                    param_wire=p.wire,
                    param_nullable=False,
                    always=False,
                    on_value=on,
                    on_annotation=f"Literal[{on!r}]",
                    off_annotation=f"Literal[{off}]",
                    any_annotation=f"Literal[{', '.join(repr(v) for v in values)}]",
                )
        if result_kind != "none":
            self.warn(
                where,
                "operation can stream but has no boolean 'stream' body field (nor an "
                "enum field with an 'sse' value); it never streams",
            )
            return None
        return StreamInfo(
            **common, param=None, param_wire=None, param_nullable=False, always=True
        )

    # -- everything --------------------------------------------------------------------------

    def build(self) -> Api:
        package, client = self.names()
        credentials, schemes, security = build_auth.auth(
            self.data, package, self.deref, self.error, self.warn
        )
        self.operations({s.key for s in schemes})
        if self.errors:
            raise SpecError(self.errors)
        type_modules = self.types.modules()
        self.name_classes()
        resources = []
        module_scope = Scope({"__init__"})
        for node in self.roots.values():
            deps: set[str] = set()
            for n in node.walk():
                deps |= n.deps
            imports: dict[str, set[str]] = {}
            for d in deps:
                imports.setdefault(self.types.module_of(d), set()).add(d)
            annotations = [
                a
                for n in node.walk()
                for m in n.methods
                for a in (
                    m.result_runtime,
                    m.stream.chunk_runtime if m.stream else "",
                    *(p.annotation for p in m.params),
                )
            ]
            resources.append(
                ResourceModule(
                    name=module_scope.claim(node.attr),
                    resource=node.freeze(),
                    type_imports=tuple(
                        (m, tuple(sorted(n))) for m, n in sorted(imports.items())
                    ),
                    extras=used_extras(annotations),
                )
            )
        info = self.data.get("info") or {}
        title = _text(info.get("title")) or client
        description = _text(info.get("description"))
        env_lines = "\n".join(
            f"  {c.name}: {c.env}" + (" (required)" if c.required else "")
            for c in credentials
            if c.env
        )
        client_doc = f"Client for the {title}." + (
            f"\n\n{description}" if description else ""
        )
        if env_lines:
            client_doc += (
                "\n\nCredentials not passed as arguments are read from the "
                f"environment:\n\n{env_lines}"
            )
        return Api(
            package=package,
            client_name=client,
            title=title,
            version=str(info.get("version", "")),
            description=description,
            base_url=build_auth.base_url(self.data, self.warn),
            base_url_env=f"{package.upper()}_BASE_URL",
            spec_name=self.spec.path.name,
            spec_sha256=self.spec.sha256,
            credentials=credentials,
            schemes=schemes,
            security=security,
            resources=tuple(resources),
            type_modules=type_modules,
            client_doc=client_doc,
            async_client_doc=f"Asynchronous twin of :class:`{client}`: the same API, "
            "with ``await``.\n\n" + client_doc,
            package_doc=f"Typed client for the {title}.\n\nUsage:\n\n    from {package} "
            f"import {client}\n\n    client = {client}()\n",
            warnings=tuple(
                replace(f, line=self.spec.line_of(f.pointer)).format()
                for f in self.types.warnings
            ),
        )


_NO_DEFAULT = object()


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
        or schema.get("contentEncoding") == "binary"
    )


def _param_doc(description: Any, schema: Any, default: Any = _NO_DEFAULT) -> str | None:
    """A parameter's description, with its bounds and default (the server's, when omitted)."""
    text = _text(description)
    notes = []
    if isinstance(schema, dict):
        for key, label in _BOUNDS:
            value = schema.get(key)
            if value is not None and not isinstance(value, bool):
                notes.append(f"{label} {json.dumps(value)}")
        if default is _NO_DEFAULT and "default" in schema:
            default = schema["default"]
    if default is not _NO_DEFAULT:
        notes.append(f"default {json.dumps(default, ensure_ascii=False)[:80]}")
    if not notes:
        return text
    note = "(" + ", ".join(notes) + ")"
    return f"{text} {note}" if text else note


def _method_doc(
    op: dict[str, Any], params: list[Param], http_method: str, path: str
) -> str | None:
    parts = [t for t in (_text(op.get("summary")), _text(op.get("description"))) if t]
    if parts[1:] and parts[0] == parts[1]:
        parts.pop()
    described = [p for p in params if p.description]
    if described and not parts:
        # A first line, so that the indented argument list keeps its indentation.
        parts.append(f"{http_method.upper()} {path}")
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

"""The Builder: a validated spec -> the IR's resource tree, operations and names.

Operations become methods on resources, where :mod:`.naming` places them
(``chat.completions.create`` -> ``client.chat.completions.create``); security
schemes become constructor credentials (:mod:`.auth`); schemas
become types (:mod:`.types`). See README "Spec conventions"
for the ``x-`` extensions read here, and "How specs map to Python" for the
rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import Code, Finding, SpecError
from ..ir import Api, Method, Param, Resource, ResourceModule
from ..ir_types import NONE, Prim, refs
from ..load import LoadedSpec
from ..names import (
    KEYWORDS,
    METHOD_RESERVED,
    RESOURCE_RESERVED,
    TYPE_RESERVED,
    Scope,
    is_identifier,
    pascal_identifier,
    snake,
    snake_identifier,
)
from ..openapi import HTTP_METHODS, iter_path_items
from . import auth, imports, naming, params, responses, stream_flags
from .expr import BuildFailure, Site, text
from .schemas import Reporter, SchemaReader
from .types import TypeBuilder


@dataclass
class _ResourceNode:
    attr: str
    base: str  # the class name it asks for (the parent's name + its own)
    scope: Scope
    class_name: str = ""
    methods: list[Method] = field(default_factory=list)
    children: dict[str, _ResourceNode] = field(default_factory=dict)

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


class Builder:
    """Builds the :class:`Api` of one spec: names, resources, operations, types."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.data = spec.data
        self.report = Reporter(spec.display, spec.line_of)
        self.types = TypeBuilder(SchemaReader(spec.data, self.report))
        self.roots: dict[str, _ResourceNode] = {}
        self.root_scope = Scope(RESOURCE_RESERVED | KEYWORDS)
        self.op_consts = Scope()

    def error(self, where: str, message: str, code: Code) -> None:
        self.report.error(where, message, code)

    def located_warnings(self) -> list[Finding]:
        """The warnings so far, each with its line in the spec."""
        return [
            replace(f, line=self.spec.line_of(f.pointer)) for f in self.report.warnings
        ]

    # -- naming -----------------------------------------------------------------

    def names(self) -> tuple[str, str]:
        info = self.data.get("info") or {}
        stem = snake(self.spec.path.stem) or "client"
        package = info.get("x-package-name", stem)
        client = naming.client_class_name(info, self.spec.path.stem)
        if (
            not isinstance(package, str)
            or not is_identifier(package)
            or package in KEYWORDS
        ):
            self.error(
                "#/info/x-package-name",
                f"package name {package!r} is not a valid Python identifier",
                Code.NAME_INVALID,
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
                Code.NAME_INVALID,
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

        def classes(name: str) -> set[str]:
            # The resource's classes: sync, async, and their response views.
            views = {name, name + "WithRawResponse", name + "WithStreamingResponse"}
            return views | {"Async" + v for v in views}

        for root in self.roots.values():
            for node in root.walk():
                for candidate in (node.base, node.base + "Resource"):
                    if not classes(candidate) & taken:
                        break
                else:
                    n = 2
                    while classes(f"{candidate}{n}") & taken:
                        n += 1
                    candidate = f"{candidate}{n}"
                node.class_name = candidate
                taken |= classes(candidate)

    # -- operations ----------------------------------------------------------------

    def operations(self, known_schemes: set[str]) -> None:
        places = naming.plan(self.data, self.report)
        for path, item, item_where in iter_path_items(self.data):
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                where = f"{item_where}/{method}"
                try:
                    self.operation(
                        path, method, item, item_where, op, places[where], known_schemes
                    )
                except SpecError as exc:
                    self.report.errors.extend(exc.findings)
                except BuildFailure as exc:
                    self.error(
                        exc.pointer,
                        "the generator cannot handle this schema "
                        f"({type(exc.error).__name__}: {exc.error}); please report it",
                        Code.GENERATOR_BUG,
                    )
                except RecursionError:
                    self.error(
                        where,
                        "schemas nest too deeply to generate code",
                        Code.SCHEMA_TOO_DEEP,
                    )

    def operation(
        self,
        path: str,
        http_method: str,
        item: dict[str, Any],
        item_where: str,
        op: dict[str, Any],
        place: naming.Name,
        known: set[str],
    ) -> None:
        where = f"{item_where}/{http_method}"
        node = self.resource_for(list(place.resource))
        # The plan made the name unique beside its methods and sub-resources.
        name = node.scope.claim(place.method)
        const = self.op_consts.claim("_" + (snake(node.base) + "_" + name).upper())
        hint = pascal_identifier("_".join((*place.resource, name)), fallback="Op")
        site = Site(path, item, item_where, op, where, hint)
        scope = Scope(METHOD_RESERVED | KEYWORDS)

        plan = params.parameters(self.types, self.report, site, scope)
        if plan is None:
            return
        body = params.request_body(self.types, site, scope)
        result = responses.responses(self.types, self.report, op, where, hint)
        stream_info = stream_flags.stream_info(
            self.types.reader, self.report, result, body, site
        )

        sent_to = params.request_path(path)
        path_params = [p for p in plan.params if p.location == "path"]
        other = [p for p in plan.params if p.location != "path"] + list(
            stream_flags.dropped(stream_info, body.params)
        )
        ordered = path_params + sorted(other, key=lambda p: not p.required)
        security = auth.security_of(
            op.get("security"), where + "/security", known, self.report
        )
        node.methods.append(
            Method(
                name=name,
                const=const,
                http_method=http_method.upper(),
                path=sent_to.path,
                summary=text(op.get("summary")),
                description=text(op.get("description")),
                params=tuple(ordered),
                body_kind=body.kind,
                result_kind=result.kind,
                result=(
                    result.result.node
                    if result.kind == "json"
                    else Prim(
                        {"text": "str", "bytes": "bytes"}.get(result.kind, "None")
                    )
                ),
                json_result=result.result.node if result.kind == "json" else NONE,
                stream=stream_info,
                fixed_headers=plan.fixed_headers,
                security=security,
                slash_params=plan.slash,
                drop_none=body.drop_none,
                accept=result.accept,
                deprecated=bool(op.get("deprecated")),
                pointer=where,
                doc=_method_doc(op, ordered, http_method, path),
                styles=plan.styles,
                fixed_query=sent_to.query,
            )
        )

    # -- everything --------------------------------------------------------------------------

    def build(self) -> Api:
        package, client = self.names()
        credentials, schemes, security = auth.auth(self.data, package, self.report)
        base_url_env = auth.base_url_env(self.data, package, self.report)
        request_id_header = auth.request_id_header(self.data, self.report)
        self.operations({s.key for s in schemes})
        if self.report.errors:
            raise SpecError(self.report.errors)
        type_modules = self.types.modules()
        self.name_classes()
        resources = []
        module_scope = Scope({"__init__"})
        for node in self.roots.values():
            resource = node.freeze()
            used: dict[str, set[str]] = {}
            for r in resource.walk():
                for m in r.methods:
                    for t in imports.method_types(m):
                        for ref in refs(t):
                            used.setdefault(self.types.module_of(ref), set()).add(ref)
            resources.append(
                ResourceModule(
                    name=module_scope.claim(node.attr),
                    resource=resource,
                    imports=imports.resource_module(resource, used),
                )
            )
        info = self.data.get("info") or {}
        title = text(info.get("title")) or client
        description = text(info.get("description"))
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
        api = Api(
            package=package,
            client_name=client,
            title=title,
            version=str(info.get("version", "")),
            description=description,
            base_url=auth.base_url(self.data, self.report),
            base_url_env=base_url_env,
            request_id_header=request_id_header,
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
                for f in self.report.warnings
            ),
        )
        return replace(api, client_imports=imports.client_module(api))


def _method_doc(
    op: dict[str, Any], params: list[Param], http_method: str, path: str
) -> str | None:
    parts = [t for t in (text(op.get("summary")), text(op.get("description"))) if t]
    if parts[1:] and parts[0] == parts[1]:
        parts.pop()
    described = [p for p in params if p.description]
    if described and not parts:
        # A first line, so that the indented argument list keeps its indentation.
        parts.append(f"{http_method.upper()} {path}")
    if described:
        lines = ["Args:"]
        for p in described:
            described_as = (p.description or "").replace("\n", "\n    ")
            lines.append(f"  {p.name}: {described_as}")
        parts.append("\n".join(lines))
    if op.get("deprecated"):
        parts.insert(0, "Deprecated.")
    return "\n\n".join(parts) or None


def build(spec: LoadedSpec, *, lenient: bool = False) -> Api:
    """The IR for one validated spec; raises :class:`SpecError` naming what cannot be generated.

    ``lenient`` changes nothing here (what build cannot type exactly it types
    loosely and warns about either way); it is accepted so that callers pass
    the pipeline's mode through unchanged.
    """
    return Builder(spec).build()


def build_reporting(
    spec: LoadedSpec, *, lenient: bool = False
) -> tuple[Api, list[Finding]]:
    """:func:`build`, and its warnings as findings (with their codes, located)."""
    builder = Builder(spec)
    return builder.build(), builder.located_warnings()

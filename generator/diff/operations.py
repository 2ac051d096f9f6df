"""Operations of two spec versions matched up, and their parameters, bodies and responses compared.

Operations are matched by method and path with parameter names blanked out
(``/models/{model}`` and ``/models/{id}`` are the same operation); an
operation whose path changed but whose operationId did not is reported as
moved. Schemas are compared by :mod:`.schema`, requests and responses each
in their own direction.
"""

from __future__ import annotations

import re
from typing import Any

from ..openapi import escape_pointer_token as esc
from ..openapi import iter_operations, path_item
from .changes import Changes
from .schema import Resolver, SchemaDiff
from .security import security

SSE = "text/event-stream"


def _norm_path(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _operations(
    doc: dict[str, Any],
) -> dict[tuple[str, str], tuple[str, str, dict[str, Any]]]:
    """(METHOD, normalised path) -> (path, pointer, operation)."""
    return {
        (method.upper(), _norm_path(path)): (path, where, op)
        for path, method, op, where in iter_operations(doc)
    }


def _is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


class OperationsDiff:
    """The changes to the operations from ``old`` to ``new``, into ``out``."""

    def __init__(self, out: Changes, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.out = out
        self.old = old
        self.new = new
        self.old_refs = Resolver(old)
        self.new_refs = Resolver(new)
        self.schemas = SchemaDiff(old, new)

    def operations(self) -> None:
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        moved_to: dict[tuple[str, str], tuple[str, str]] = {}
        new_by_id = {
            (op.get("operationId"), key[0]): key
            for key, (_, _, op) in new_ops.items()
            if op.get("operationId") and key not in old_ops
        }
        for key, (path, ptr, op) in old_ops.items():
            if key in new_ops:
                continue
            target = new_by_id.get((op.get("operationId"), key[0]))
            if target is not None:
                moved_to[target] = key
                self.out.add(
                    "operation-path-changed",
                    True,
                    f"{key[0]} {path}",
                    f"operation {op.get('operationId')!r} moved to {target[0]} {new_ops[target][0]}",
                    new_ops[target][1],
                )
                continue
            gone_path = not any(k[1] == key[1] for k in new_ops)
            self.out.add(
                "operation-removed",
                True,
                f"{key[0]} {path}",
                f"operation {op.get('operationId') or ''} removed".replace("  ", " ")
                + (" (the whole path is gone)" if gone_path else ""),
                ptr,
            )
        for key, (path, ptr, op) in new_ops.items():
            if key not in old_ops and key not in moved_to:
                self.out.add(
                    "operation-added",
                    False,
                    f"{key[0]} {path}",
                    f"operation {op.get('operationId') or ''} added".replace("  ", " "),
                    ptr,
                )
        pairs = [(k, k) for k in old_ops if k in new_ops]
        pairs += [(old_key, new_key) for new_key, old_key in moved_to.items()]
        for old_key, new_key in pairs:
            self.operation(old_ops[old_key], new_ops[new_key], new_key[0])

    def operation(
        self,
        old: tuple[str, str, dict[str, Any]],
        new: tuple[str, str, dict[str, Any]],
        method: str,
    ) -> None:
        (old_path, old_ptr, o), (path, ptr, n) = old, new
        where = f"{method} {path}"
        if o.get("operationId") != n.get("operationId"):
            self.out.add(
                "operation-id-changed",
                True,
                where,
                f"operationId changed from {o.get('operationId')!r} to {n.get('operationId')!r}: "
                "the generated method is renamed or moved",
                f"{ptr}/operationId",
            )
        if n.get("deprecated") and not o.get("deprecated"):
            self.out.add(
                "operation-deprecated",
                False,
                where,
                "operation deprecated",
                f"{ptr}/deprecated",
            )
        self.out.docs(where, o, n, ptr)
        if "security" in o or "security" in n:
            security(
                self.out,
                f"{where} security",
                o.get("security", self.old.get("security")),
                n.get("security", self.new.get("security")),
                f"{ptr}/security",
            )
        self.parameters(where, old_path, old_ptr, o, path, ptr, n)
        self.request_body(where, old_ptr, o, ptr, n)
        self.responses(where, old_ptr, o, ptr, n)

    def _params(
        self,
        refs: Resolver,
        doc: dict[str, Any],
        path: str,
        op_ptr: str,
        op: dict[str, Any],
    ) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
        item, item_ptr = path_item(doc, path)
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for owner, owner_ptr in ((item, item_ptr), (op, op_ptr)):
            for i, raw in enumerate(owner.get("parameters") or []):
                node, ptr, _ = refs.deref(raw, f"{owner_ptr}/parameters/{i}")
                if not isinstance(node, dict):
                    continue
                where, name = str(node.get("in")), str(node.get("name"))
                if where == "path":
                    # Path parameters are matched by position: renaming one
                    # (``{id}`` -> ``{model}``) is not a removal.
                    names = re.findall(r"\{([^}]*)\}", path)
                    name = f"#{names.index(name)}" if name in names else name
                found[(where, name)] = (node, ptr)
        return found

    def parameters(
        self,
        where: str,
        old_path: str,
        old_ptr: str,
        o: dict[str, Any],
        path: str,
        ptr: str,
        n: dict[str, Any],
    ) -> None:
        old = self._params(self.old_refs, self.old, old_path, old_ptr, o)
        new = self._params(self.new_refs, self.new, path, ptr, n)
        for key, (node, p_ptr) in old.items():
            if key not in new:
                self.out.add(
                    "parameter-removed",
                    True,
                    f"{where} {key[0]} parameter {node.get('name')!r}",
                    f"{key[0]} parameter {node.get('name')!r} removed: callers that pass it fail",
                    p_ptr,
                )
        for key, (node, p_ptr) in new.items():
            name = node.get("name")
            loc = f"{where} {key[0]} parameter {name!r}"
            if key not in old:
                needed = bool(node.get("required"))
                self.out.add(
                    "parameter-added-required" if needed else "parameter-added",
                    needed,
                    loc,
                    f"{'required' if needed else 'optional'} {key[0]} parameter {name!r} added",
                    p_ptr,
                )
                continue
            before, _ = old[key]
            if bool(before.get("required")) != bool(node.get("required")):
                now = bool(node.get("required"))
                self.out.add(
                    f"parameter-made-{'required' if now else 'optional'}",
                    now,
                    loc,
                    f"parameter {name!r} is now {'required' if now else 'optional'}",
                    f"{p_ptr}/required",
                )
            if key[0] == "path" and before.get("name") != name:
                self.out.add(
                    "parameter-renamed",
                    True,
                    loc,
                    f"path parameter renamed from {before.get('name')!r} to {name!r}: "
                    "calls that pass it by keyword fail",
                    p_ptr,
                )
            self.out.docs(loc, before, node, p_ptr)
            if "schema" in before or "schema" in node:
                self.out.add_schema(
                    loc,
                    self.schemas.compare(
                        before.get("schema", {}),
                        old[key][1] + "/schema",
                        node.get("schema", {}),
                        p_ptr + "/schema",
                        "request",
                    ),
                )

    def request_body(
        self, where: str, old_ptr: str, o: dict[str, Any], ptr: str, n: dict[str, Any]
    ) -> None:
        ob, ob_ptr, _ = self.old_refs.deref(
            o.get("requestBody"), f"{old_ptr}/requestBody"
        )
        nb, nb_ptr, _ = self.new_refs.deref(n.get("requestBody"), f"{ptr}/requestBody")
        loc = f"{where} request body"
        if not isinstance(ob, dict) and not isinstance(nb, dict):
            return
        if not isinstance(nb, dict):
            self.out.add(
                "request-body-removed",
                True,
                loc,
                "request body removed: callers that send it fail",
                ob_ptr,
            )
            return
        if not isinstance(ob, dict):
            needed = bool(nb.get("required"))
            self.out.add(
                "request-body-added-required" if needed else "request-body-added",
                needed,
                loc,
                f"{'required' if needed else 'optional'} request body added",
                nb_ptr,
            )
            return
        if bool(ob.get("required")) != bool(nb.get("required")):
            now = bool(nb.get("required"))
            self.out.add(
                f"request-body-made-{'required' if now else 'optional'}",
                now,
                loc,
                f"request body is now {'required' if now else 'optional'}",
                f"{nb_ptr}/required",
            )
        self.out.docs(loc, ob, nb, nb_ptr)
        self.content(
            loc,
            "request",
            ob.get("content") or {},
            ob_ptr,
            nb.get("content") or {},
            nb_ptr,
        )

    def content(
        self,
        loc: str,
        direction: str,
        old: dict[str, Any],
        old_ptr: str,
        new: dict[str, Any],
        new_ptr: str,
    ) -> None:
        for media in old:
            if media not in new:
                self.out.add(
                    f"{direction}-media-type-removed",
                    True,
                    f"{loc} ({media})",
                    f"media type {media} removed",
                    f"{old_ptr}/content/{esc(media)}",
                )
        for media, new_media in new.items():
            m_ptr = f"{new_ptr}/content/{esc(media)}"
            if media not in old:
                self.out.add(
                    f"{direction}-media-type-added",
                    False,
                    f"{loc} ({media})",
                    f"media type {media} added",
                    m_ptr,
                )
                continue
            om, nm = old[media] or {}, new_media or {}
            o_ptr = f"{old_ptr}/content/{esc(media)}"
            if media == SSE and direction == "response":
                self.stream(f"{loc} ({media})", om, o_ptr, nm, m_ptr)
                continue
            if "schema" in om or "schema" in nm:
                self.out.add_schema(
                    f"{loc} ({media})",
                    self.schemas.compare(
                        om.get("schema", {}),
                        f"{o_ptr}/schema",
                        nm.get("schema", {}),
                        f"{m_ptr}/schema",
                        direction,
                    ),
                )

    def stream(
        self, loc: str, om: dict[str, Any], o_ptr: str, nm: dict[str, Any], n_ptr: str
    ) -> None:
        """A ``text/event-stream``: its terminator and the schema of each event's data."""
        ot, nt = om.get("x-stream-terminator"), nm.get("x-stream-terminator")
        if ot != nt:
            self.out.add(
                "stream-terminator-changed",
                True,
                loc,
                f"stream terminator changed from {ot!r} to {nt!r}: clients stop at the wrong event",
                f"{n_ptr}/x-stream-terminator",
            )

        def chunk(m: dict[str, Any], ptr: str) -> tuple[Any, str]:
            if "x-event-data-schema" in m:
                return m["x-event-data-schema"], f"{ptr}/x-event-data-schema"
            return m.get("schema", {}), f"{ptr}/schema"

        (o_schema, o_sptr), (n_schema, n_sptr) = chunk(om, o_ptr), chunk(nm, n_ptr)
        self.out.add_schema(
            f"{loc} chunks",
            self.schemas.compare(o_schema, o_sptr, n_schema, n_sptr, "response"),
        )

    def responses(
        self, where: str, old_ptr: str, o: dict[str, Any], ptr: str, n: dict[str, Any]
    ) -> None:
        old, new = o.get("responses") or {}, n.get("responses") or {}
        for status in old:
            if status not in new:
                success = _is_success(str(status))
                self.out.add(
                    "response-status-removed" if success else "error-response-removed",
                    success,
                    f"{where} response {status}",
                    f"response {status} removed"
                    + (": clients built for it get something else" if success else ""),
                    f"{old_ptr}/responses/{esc(status)}",
                )
        for status in new:
            r_ptr = f"{ptr}/responses/{esc(status)}"
            if status not in old:
                success = _is_success(str(status))
                self.out.add(
                    "response-status-added" if success else "error-response-added",
                    False,
                    f"{where} response {status}",
                    f"response {status} added",
                    r_ptr,
                )
                continue
            orr, orr_ptr, _ = self.old_refs.deref(
                old[status], f"{old_ptr}/responses/{esc(status)}"
            )
            nr, nr_ptr, _ = self.new_refs.deref(new[status], r_ptr)
            if not isinstance(orr, dict) or not isinstance(nr, dict):
                continue
            loc = f"{where} response {status}"
            self.out.docs(loc, orr, nr, nr_ptr)
            self.content(
                loc,
                "response",
                orr.get("content") or {},
                orr_ptr,
                nr.get("content") or {},
                nr_ptr,
            )

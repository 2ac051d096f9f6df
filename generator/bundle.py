"""Bundle a spec spread over several files into one self-contained document.

A ``$ref`` to another file (``common.yaml#/components/schemas/Error``) is
pulled into the root document: a target under ``/components/<section>/<name>``
is hoisted into the root's ``components/<section>`` (renamed with its file's
stem when the name is taken by something else) and the reference rewritten to
point there, so named schemas stay named and recursive ones keep working; any
other target (a whole file, a path item) is copied in place of the reference.
References inside pulled content are resolved against the file they came
from. Only local files are followed: the publish step works offline.

A single-file spec (all ``$ref``s internal) comes out unchanged.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Code, Finding, SpecError
from .load import LoadedSpec, load_spec
from .openapi import (
    NAMES,
    OBJECT,
    openapi_children,
    pointer,
    resolve_pointer,
    split_pointer,
    unescape_pointer_token,
)

_COMPONENT = re.compile(r"^#/components/([A-Za-z]+)/([^/]+)$")


@dataclass(frozen=True)
class Bundled:
    """The bundled document, the spec it started from, and every file it read."""

    root: LoadedSpec
    data: dict[str, Any]
    files: tuple[str, ...]  # display names, root first

    @property
    def single_file(self) -> bool:
        return len(self.files) == 1


class _Bundler:
    def __init__(self, root: LoadedSpec) -> None:
        self.root = root
        self.root_path = root.path.resolve()
        self.docs: dict[Path, LoadedSpec] = {self.root_path: root}
        self.data: dict[str, Any] = copy.deepcopy(root.data)
        self.hoisted: dict[tuple[Path, str], str] = {}
        self.inlining: list[tuple[Path, str]] = []
        self.errors: list[Finding] = []

    def doc(self, path: Path, where: LoadedSpec, at: str) -> LoadedSpec | None:
        if path not in self.docs:
            if not path.is_file():
                self.errors.append(
                    where.finding(
                        at,
                        f"referenced file {path} does not exist",
                        code=Code.REF_FILE_MISSING,
                    )
                )
                return None
            try:
                self.docs[path] = load_spec(path)
            except SpecError as exc:
                self.errors.extend(exc.findings)
                return None
        return self.docs[path]

    def walk(
        self, node: Any, base: Path, parts: tuple[Any, ...], kind: str = OBJECT
    ) -> Any:
        """``node`` with every reference made internal (dicts are changed in place).

        Only OpenAPI is walked: a ``$ref`` inside an extension's value or an
        example is the vendor's text, left as it is (``kind``: what ``node``
        is, see :func:`openapi.openapi_children`).
        """
        if isinstance(node, list):
            for i, item in enumerate(node):
                node[i] = self.walk(item, base, parts + (i,))
            return node
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if kind != NAMES and isinstance(ref, str):
            replaced = self.reference(node, ref, base, parts)
            if replaced is not node:
                return replaced
        for key, value, value_kind in list(openapi_children(node, parts, kind)):
            if kind == NAMES or key != "$ref":
                node[key] = self.walk(value, base, parts + (key,), value_kind)
        return node

    def reference(
        self, node: dict[str, Any], ref: str, base: Path, parts: tuple[Any, ...]
    ) -> Any:
        where = self.docs[base]
        at = pointer(parts) + "/$ref"
        file_part, _, fragment = ref.partition("#")
        fragment = "#" + fragment
        if not file_part:
            if base == self.root_path:
                return node  # already internal
            target_path = base
        elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", file_part):
            self.errors.append(
                where.finding(
                    at,
                    f"remote reference {ref!r} is not supported: publishing works offline, "
                    "save the file next to the spec and refer to it by relative path",
                    code=Code.REF_REMOTE,
                )
            )
            return node
        else:
            target_path = (base.parent / file_part).resolve()
        target_doc = self.doc(target_path, where, at)
        if target_doc is None:
            return node
        key = (target_path, fragment)
        if target_path == self.root_path:
            node["$ref"] = fragment
            return node
        if key in self.hoisted:
            node["$ref"] = self.hoisted[key]
            return node
        try:
            target = resolve_pointer(target_doc.data, fragment)
        except KeyError:
            self.errors.append(
                where.finding(
                    at,
                    f"reference {ref!r} does not resolve in {target_doc.display}",
                    code=Code.REF_UNRESOLVED,
                )
            )
            return node
        m = _COMPONENT.match(fragment)
        if m:
            section, name = m.group(1), unescape_pointer_token(m.group(2))
            local = self.claim(section, name, target_path)
            self.hoisted[key] = local
            components = self.data.setdefault("components", {})
            slot = components.setdefault(section, {})
            taken = unescape_pointer_token(local.rsplit("/", 1)[1])
            slot[taken] = {}  # reserved before walking, so cycles end here
            slot[taken] = self.walk(
                copy.deepcopy(target), target_path, ("components", section, name)
            )
            node["$ref"] = local
            return node
        if key in self.inlining:
            self.errors.append(
                where.finding(
                    at,
                    f"reference {ref!r} is circular and cannot be copied in place: "
                    "move its target under components/ in its file",
                    code=Code.REF_CIRCULAR_COPY,
                )
            )
            return node
        self.inlining.append(key)
        try:
            copied = self.walk(
                copy.deepcopy(target), target_path, tuple(split_pointer(fragment))
            )
        finally:
            self.inlining.pop()
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if isinstance(copied, dict):
            return {**copied, **self.walk(siblings, base, parts)}
        return copied

    def claim(self, section: str, name: str, source: Path) -> str:
        """An unused name in the root's ``components/<section>`` for a hoisted target."""
        existing = self.data.get("components", {}).get(section, {})
        candidate = name
        n = 1
        while candidate in existing:
            n += 1
            candidate = (
                f"{source.stem}_{name}" if n == 2 else f"{source.stem}_{name}_{n}"
            )
        return pointer(["components", section, candidate])


def bundle(path: str | Path) -> Bundled:
    """Load the spec at ``path`` and pull every file it references into it.

    Raises :class:`SpecError` naming each reference that cannot be followed.
    """
    root = load_spec(path)
    bundler = _Bundler(root)
    bundler.walk(bundler.data, bundler.root_path, ())
    if bundler.errors:
        raise SpecError(bundler.errors)
    files = tuple(doc.display for doc in bundler.docs.values())
    return Bundled(root, bundler.data, files)

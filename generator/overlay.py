"""OpenAPI Overlays: amend a spec you do not own without editing it.

An overlay (Overlay Specification 1.0.0) is a YAML or JSON document::

    overlay: 1.0.0
    info: {title: Our fixes, version: 1.0.0}
    actions:
      - target: $.paths['/chat'].post   # RFC 9535 JSONPath
        update: {operationId: chat.create}
      - target: $.paths['/legacy']
        remove: true

Actions apply in order, each to the result of the one before, and several
overlays apply in order too. ``update`` is merged into every node the target
selects: into an object, property by property and recursively (objects merge
with objects, arrays are appended to arrays, primitives replace primitives,
any other pair is an error: the rule Overlay 1.1 spells out); onto an array,
it is appended (an array update is concatenated). ``remove: true`` removes
every selected node from the object or array that holds it.

Stricter than the specification, on purpose: a target that selects nothing
is an error (the spec changed under the overlay, and a fix would be lost
without a word), and so is an action with both ``update`` and ``remove``.
``extends`` is not followed: an overlay applies to the specs it is given to.

``<stem>.overlay.yaml`` beside a spec is applied by itself, before any
``--overlay`` file. The overlaid spec keeps the spec file's text, so findings
about nodes from the spec keep their lines; a finding about a node that an
overlay wrote names the overlay file and the line where it was written.

Modules: :mod:`.overlay_doc` reads and checks overlay documents,
:mod:`.overlay_apply` applies them; this one is what the commands call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Code, Finding, SpecError
from .load import LoadedSpec, line_of, load_spec
from .openapi import pointer, split_pointer
from .overlay_apply import Origins, apply
from .overlay_doc import Overlay, read_overlay_text, read_overlays

__all__ = [
    "SUFFIXES",
    "OverlaidSpec",
    "Overlay",
    "apply_overlays",
    "beside",
    "combined_sha256",
    "describe",
    "is_overlay_file",
    "load",
    "overlay_files",
    "overlay_names",
    "read_overlay_text",
    "read_overlays",
]

SUFFIXES = (".overlay.yaml", ".overlay.yml", ".overlay.json")


@dataclass(frozen=True)
class OverlaidSpec(LoadedSpec):
    """A spec with overlays applied: the spec file's path and text, the overlaid data.

    ``sha256`` covers the spec and every overlay (:func:`combined_sha256`):
    what is generated from it depends on all of them.
    """

    overlays: tuple[Overlay, ...] = ()
    origins: Origins | None = field(default=None, repr=False, compare=False)

    @property
    def source_names(self) -> str:
        """The files it came from, for generated files' headers: ``a.yaml + a.overlay.yaml``."""
        names = [self.path.name] + [o.source.path.name for o in self.overlays]
        return " + ".join(names)

    def line_of(self, ptr: str) -> int | None:
        """The spec file's line of the node, or of its nearest ancestor from the spec file."""
        if self.origins is None:
            return super().line_of(ptr)
        return line_of(self.text, pointer(self.origins.from_spec(split_pointer(ptr))))

    def finding(
        self,
        ptr: str,
        message: str,
        severity: str = "error",
        code: Code = Code.UNCLASSIFIED,
    ) -> Finding:
        """A finding located in the spec file, or in the overlay that wrote the node."""
        if self.origins is None:
            return super().finding(ptr, message, severity, code)
        source, tokens = self.origins.of(split_pointer(ptr))
        if source == 0:  # from the spec file: line_of maps it there
            return super().finding(ptr, message, severity, code)
        overlay = self.overlays[source - 1].source
        line = overlay.line_of(pointer(tokens))
        return Finding(overlay.display, ptr, message, severity, line, code)


def is_overlay_file(path: str | Path) -> bool:
    """Whether ``path`` is named like an overlay (``*.overlay.yaml``): never taken for a spec."""
    return Path(path).name.lower().endswith(SUFFIXES)


def beside(spec_path: Path) -> Path | None:
    """The overlay that applies to ``spec_path`` by itself: ``<stem>.overlay.yaml`` next to it."""
    found = [spec_path.with_name(spec_path.stem + s) for s in SUFFIXES]
    found = [p for p in found if p.is_file()]
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        raise SpecError(
            [
                Finding(
                    spec_path.as_posix(),
                    "#",
                    f"{names} are both beside it: keep one",
                    code=Code.OVERLAY_INVALID,
                )
            ]
        )
    return found[0] if found else None


def overlay_files(spec_path: Path, explicit: Sequence[str | Path] = ()) -> list[Path]:
    """The overlays of a spec in the order they apply: the one beside it, then ``explicit``."""
    files: list[Path] = []
    auto = beside(spec_path)
    for p in ([auto] if auto else []) + [Path(e) for e in explicit]:
        if not any(_same_file(p, q) for q in files):
            files.append(p)
    return files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def load(path: str | Path, overlays: Sequence[str | Path] = ()) -> LoadedSpec:
    """Load a spec with its overlays applied; :class:`SpecError` naming the file at fault."""
    spec = load_spec(path)
    if "overlay" in spec.data and "openapi" not in spec.data:
        message = (
            "this is an overlay, not a spec: give it with --overlay, "
            "or name it <spec stem>.overlay.yaml beside its spec"
        )
        raise SpecError([spec.finding("#/overlay", message, code=Code.OVERLAY_INVALID)])
    files = overlay_files(spec.path, overlays)
    return apply_overlays(spec, read_overlays(files)) if files else spec


def apply_overlays(spec: LoadedSpec, overlays: Sequence[Overlay]) -> LoadedSpec:
    """``spec`` with ``overlays`` applied in order; ``spec`` itself is left as it was.

    Raises :class:`SpecError` with every action that cannot be applied, each
    located in its overlay file.
    """
    if not overlays:
        return spec
    data, origins = apply(spec.data, overlays, spec.display)
    return OverlaidSpec(
        path=spec.path,
        display=spec.display,
        sha256=combined_sha256(spec.sha256, overlays),
        data=data,
        text=spec.text,
        overlays=tuple(overlays),
        origins=origins,
    )


def combined_sha256(spec_sha256: str, overlays: Sequence[Overlay]) -> str:
    """The digest of a spec with overlays, the sha256 of the files' digests one per line.

    The same as ``sha256sum SPEC OVERLAY... | cut -c1-64 | sha256sum``.
    """
    digests = [spec_sha256] + [o.source.sha256 for o in overlays]
    return hashlib.sha256("".join(d + "\n" for d in digests).encode()).hexdigest()


def overlay_names(spec: LoadedSpec) -> tuple[str, ...]:
    """The overlays applied to ``spec``, as shown to the user; none for a plain spec."""
    if isinstance(spec, OverlaidSpec):
        return tuple(o.display for o in spec.overlays)
    return ()


def describe(spec: LoadedSpec) -> str:
    """``specs/a.yaml``, or ``specs/a.yaml + specs/a.overlay.yaml`` when overlaid."""
    return " + ".join((spec.display,) + overlay_names(spec))

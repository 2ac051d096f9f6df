"""Wheels of what this venv has installed, so a fresh venv can install offline.

tests/test_install.py installs the clientgen wheel into a new venv. Fetching
its dependencies from the registry would take half a minute and need the
network, so pip is pointed (``--no-index --find-links``) at a directory
holding a wheel of each distribution that the clientgen wheel requires,
directly or not, re-packed from the files this venv installed from the
registry (the ones its ``RECORD`` lists). pip still resolves everything from
the clientgen wheel's own ``Requires-Dist``: a dependency missing from that
metadata is not installed, and a requirement this venv cannot satisfy fails
the install.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

# Written by the installer, not part of the wheel; RECORD is written anew.
_INSTALLER_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def requirement_closure(requires: list[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requires`` needs here, transitively."""
    found: dict[str, metadata.Distribution] = {}
    queue = [(Requirement(r), "") for r in requires]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        req, extra = queue.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = _canonical(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise LookupError(
                f"{req} is required but not installed in {sys.prefix}: "
                "run ./scripts/test.sh, which installs the project's dependencies"
            ) from None
        found[name] = dist
        for child in dist.requires or []:
            for wanted in ("", *sorted(req.extras)):
                queue.append((Requirement(child), wanted))
    return sorted(found.values(), key=lambda d: _canonical(d.metadata["Name"]))


def repack(dist: metadata.Distribution, dest: Path) -> Path:
    """A wheel of the installed ``dist`` in ``dest``, made of the files it installed."""
    files = [f for f in dist.files or [] if f.suffix != ".pyc"]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    data = info[: -len(".dist-info")] + ".data"
    site = Path(str(dist.locate_file("")))
    prefix = Path(sys.prefix)
    generated_scripts = {
        ep.name
        for ep in dist.entry_points
        if ep.group in ("console_scripts", "gui_scripts")
    }
    name = _canonical(dist.metadata["Name"]).replace("-", "_")
    wheel = dest / f"{name}-{dist.version}-{_tags(dist)}.whl"
    record: list[str] = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for f in files:
            full = Path(os.path.normpath(site / f))
            if not full.is_file() or "__pycache__" in f.parts:
                continue
            if f.parts[0] == info and f.name in _INSTALLER_FILES:
                continue
            body = full.read_bytes()
            if f.parts[0] != "..":
                arcname = f.as_posix()
            else:  # installed outside site-packages: scripts (bin/) or data
                rel = full.relative_to(prefix)
                if rel.parts[0] != "bin":
                    arcname = f"{data}/data/{rel.as_posix()}"
                elif rel.name in generated_scripts:
                    continue  # pip writes entry-point scripts itself
                else:
                    arcname = f"{data}/scripts/{rel.name}"
                    body = _relocatable_shebang(body)
            zf.writestr(_entry(arcname, full), body, compresslevel=1)
            digest = base64.urlsafe_b64encode(hashlib.sha256(body).digest())
            record.append(f"{arcname},sha256={digest.decode().rstrip('=')},{len(body)}")
        record.append(f"{info}/RECORD,,")
        zf.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


def wheelhouse(requires: list[str], dest: Path) -> Path:
    """``dest`` filled with a wheel of every distribution ``requires`` needs."""
    dest.mkdir(parents=True, exist_ok=True)
    for dist in requirement_closure(requires):
        repack(dist, dest)
    return dest


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _tags(dist: metadata.Distribution) -> str:
    """The compressed tag set (``py3-none-any``) of the wheel ``dist`` came from."""
    wheel_info = dist.read_text("WHEEL") or ""
    tags = [
        line.split(":", 1)[1].strip().split("-")
        for line in wheel_info.splitlines()
        if line.startswith("Tag:")
    ]
    if not tags:
        raise ValueError(f"{dist.metadata['Name']} was not installed from a wheel")
    return "-".join(".".join(sorted({t[i] for t in tags})) for i in range(3))


def _relocatable_shebang(body: bytes) -> bytes:
    # A script pip installed points at this venv's python; in a wheel it says
    # `#!python`, which pip rewrites to the target venv's interpreter.
    first, sep, rest = body.partition(b"\n")
    if first.startswith(b"#!") and b"python" in first:
        return b"#!python" + sep + rest
    return body


def _entry(arcname: str, full: Path) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(arcname)
    entry.external_attr = (full.stat().st_mode & 0o777 | 0o100000) << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry

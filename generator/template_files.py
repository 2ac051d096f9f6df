"""Where the Jinja2 templates are read from, installed or in a checkout.

The templates live in ``templates/`` at the top of the repository. The wheel
ships that folder as the package ``generator._templates`` (pyproject.toml maps
it), and an editable install maps the same name to the folder itself, so the
templates are always read through the package, with ``importlib.resources``:
never from a path worked out relative to this file, which points nowhere once
installed. Only a checkout run without any install (``PYTHONPATH=.``) falls
back to the folder next to ``generator/``.
"""

from __future__ import annotations

import importlib.resources
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:
    from importlib.abc import Traversable

TEMPLATES_PACKAGE = "generator._templates"
_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplatesMissing(Exception):
    """The templates are not installed: a broken installation, not a spec problem."""


def templates_root() -> Traversable:
    """The folder of templates, as installed (or in the checkout when nothing is)."""
    try:
        return importlib.resources.files(TEMPLATES_PACKAGE)
    except ModuleNotFoundError:
        if _CHECKOUT_TEMPLATES.is_dir():
            return _CHECKOUT_TEMPLATES
        raise TemplatesMissing(
            f"the templates are not installed (no package {TEMPLATES_PACKAGE}, "
            f"no folder {_CHECKOUT_TEMPLATES}): reinstall clientgen"
        ) from None


class TemplateLoader(jinja2.BaseLoader):
    """Loads templates by name from :func:`templates_root`, wherever it is.

    Reads through ``Traversable``, so it works for a folder on disk and for a
    package inside a zip file alike.
    """

    def __init__(self) -> None:
        self.root = templates_root()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        parts = template.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise jinja2.TemplateNotFound(template)
        entry = self.root
        for part in parts:
            entry = entry.joinpath(part)
        if not entry.is_file():
            raise jinja2.TemplateNotFound(template)
        source = entry.read_text(encoding="utf-8")
        filename = str(entry) if isinstance(entry, Path) else None
        # Templates do not change while the generator runs.
        return source, filename, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(
            entry.name for entry in self.root.iterdir() if entry.name.endswith(".j2")
        )

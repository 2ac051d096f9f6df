"""Stage 3: a validated spec -> the IR of :mod:`generator.ir` (the only stage that knows OpenAPI).

The face of the package is :func:`build`; its parts are private to it:

* ``api``: the :class:`Builder` (resource tree, operations, client and class names);
* ``params``, ``responses``, ``auth``: an operation's arguments, its result and
  stream, the API's credentials and base URL;
* ``types``: JSON Schema -> type nodes and named definitions (``TypeBuilder``),
  with ``unions`` (discriminated unions);
* ``modules``: grouping definitions into the modules of ``types/``;
* ``expr``: the small values they pass around.
"""

from .api import build

__all__ = ["build"]

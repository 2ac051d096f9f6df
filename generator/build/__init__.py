"""Stage 3: a validated spec -> the IR of :mod:`generator.ir` (the only stage that knows OpenAPI).

The face of the package is :func:`build`; its parts are private to it, each
taking what it needs (never the whole builder), imported in this order only:

* ``api``: the :class:`Builder` (resource tree, operations, client and class names);
* ``params``, ``responses``, ``auth``: an operation's arguments, its result and
  stream, the API's credentials and base URL; ``stream_flags`` (how a call
  selects the stream) after ``responses``, which uses ``streams`` (the stream
  conventions) and ``fold`` (fold rules);
* ``types``: JSON Schema -> type nodes and named definitions (``TypeBuilder``),
  with ``unions`` (discriminated unions);
* ``schemas``: reading schemas (``SchemaReader``) and collecting findings (``Reporter``);
* ``modules``, ``imports``: the modules of ``types/``, and what every generated
  module imports;
* ``expr``: the small values they pass around.
"""

from .api import build, build_reporting

__all__ = ["build", "build_reporting"]

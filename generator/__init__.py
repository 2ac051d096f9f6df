"""Generate typed Python client packages from OpenAPI specs.

Stages, one module each: ``load`` -> ``validate`` -> ``build`` (IR) -> ``render``
-> ``format`` -> ``write``. ``cli`` ties them together.
"""

__version__ = "0.1.0"

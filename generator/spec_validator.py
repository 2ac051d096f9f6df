"""openapi-spec-validator, adapted: absolute error locations, and linear speed.

Two things the library does not do that we need:

* Locations. Its keyword validators report paths relative to the sub-schema
  they check; we wrap them so each error carries the parts of the spec node
  it came from (see :func:`validator_class`).
* Speed. It validates with ``referencing`` registries that are never
  crawled, so every ``$dynamicRef`` lookup re-crawls the OpenAPI meta-schemas:
  about 3 ms per schema object, 6.6 s on the official OpenAI spec. Validators
  built once on crawled registries give identical results (the test suite
  checks the 25 errors of that spec) in a fraction of the time. And its
  schema validator remembers the schemas it has seen in lists, so each
  lookup scans them: quadratic, 40 % of the time left on that spec; sets
  answer the same question at once (:func:`_index_visited`).

This reaches into the library's internals (``schema_validator``,
``_get_schema_checker``, ``visited_schema_ids``), so its version is pinned
exactly in pyproject.toml; should those internals change, the plain library
code path is used instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any


@functools.cache
def validator_class(version: str) -> Any:
    """The spec validator class for ``"3.0"`` or ``"3.1"``, located and sped up."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    base = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator

    def locating(cls: Any, suffix: tuple[str, ...] = ()) -> Any:
        # ``suffix``: the "default" validator is given the schema that holds
        # the default, while its errors are about the default value itself.
        class Located(cls):  # type: ignore[misc]
            def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
                # The spec node is the first SchemaPath argument (operation and
                # path validators take the URL string first).
                node = next(
                    (a for a in (*args, *kwargs.values()) if hasattr(a, "parts")), None
                )
                for err in super().__call__(*args, **kwargs):
                    if not isinstance(err, OpenAPIValidationError):
                        err = OpenAPIValidationError.create_from(err)
                    if node is not None and not hasattr(err, "clientgen_parts"):
                        # Where the error is: read back by validate.py.
                        located: Any = err
                        located.clientgen_parts = tuple(node.parts) + suffix
                    yield err

            if hasattr(cls, "_get_schema_checker"):

                def _get_schema_checker(
                    self, schema: Any, schema_value: Any
                ) -> Callable[[Any], None]:
                    checker = super()._get_schema_checker(schema, schema_value)
                    return _fast_checker(checker)

            if hasattr(cls, "_collect_properties"):  # the schema validator

                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    super().__init__(*args, **kwargs)
                    _index_visited(self)

        Located.__name__ = cls.__name__
        return Located

    located = {
        "schema",
        "default",
        "parameter",
        "mediaType",
        "operation",
        "path",
        "tags",
    }
    attrs: dict[str, Any] = {
        "keyword_validators": {
            k: (
                locating(v, ("default",) if k == "default" else ())
                if k in located
                else v
            )
            for k, v in base.keyword_validators.items()
        }
    }
    if not _has_rust():
        # With jsonschema-rs installed the library already uses it for this pass.
        meta = _crawled_meta_validator(base)
        if meta is not None:
            attrs["schema_validator"] = meta
    return type("Located" + base.__name__, (base,), attrs)


def _has_rust() -> bool:
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:
        return False
    return True


def _crawled_meta_validator(base: Any) -> Any:
    """The whole-document meta-schema validator, on a crawled registry."""
    try:
        from jsonschema.validators import validator_for
        from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]
        from referencing.jsonschema import DRAFT202012

        schema = dict(base.schema_validator.schema)
        registry = REGISTRY
        if "$id" in schema:
            registry = registry.with_resource(
                schema["$id"], DRAFT202012.create_resource(schema)
            )
        return validator_for(schema)(schema, registry=registry.crawl())
    except Exception:  # noqa: BLE001 - fall back to the library's own validator
        return None


_META_VALIDATORS: dict[tuple[Any, int], Any] = {}


def _fast_checker(checker: Any) -> Callable[[Any], None]:
    """Replace ``partial(cls.check_schema, format_checker=fc)`` by a cached validator.

    openapi-schema-validator's ``check_schema`` builds a fresh meta-schema
    validator on an uncrawled registry for every schema object. We build one
    per dialect: on jsonschema-rs when it is installed, else on a crawled
    registry.
    """
    try:
        from jsonschema.exceptions import SchemaError
        from jsonschema.validators import validator_for
        from openapi_schema_validator._specifications import REGISTRY

        cls = checker.func.__self__
        format_checker = checker.keywords.get("format_checker")
        key = (cls, id(format_checker))
        meta = _META_VALIDATORS.get(key)
        if meta is None:
            meta = _rust_meta_validator(cls.META_SCHEMA, REGISTRY)
            if meta is None:
                meta_cls = validator_for(cls.META_SCHEMA, default=cls)
                meta = meta_cls(
                    cls.META_SCHEMA,
                    format_checker=format_checker,
                    registry=REGISTRY.crawl(),
                )
            _META_VALIDATORS[key] = meta
    except Exception:  # noqa: BLE001 - internals changed: keep the library's checker
        return checker  # type: ignore[no-any-return]

    def check(schema: Any) -> None:
        for error in meta.iter_errors(schema):
            if isinstance(error, SchemaError):
                raise error
            raise SchemaError.create_from(error)

    return check


class _RustMetaValidator:
    """The OpenAPI dialect's meta-schema, checked by jsonschema-rs (same rules, far faster).

    Yields jsonschema ``SchemaError``s carrying the message and the path in
    the checked schema, which is what openapi-spec-validator reads from them.
    """

    def __init__(self, validator: Any) -> None:
        self._validator = validator

    def iter_errors(self, schema: Any) -> Iterator[Any]:
        from jsonschema.exceptions import SchemaError

        for error in self._validator.iter_errors(schema):
            yield SchemaError(error.message, path=list(error.instance_path))


def _rust_meta_validator(meta_schema: Any, registry: Any) -> Any:
    """A jsonschema-rs validator for a 2020-12 meta-schema, or None when unavailable."""
    if "2020-12" not in str(meta_schema.get("$schema", "")) or not _has_rust():
        return None
    import jsonschema_rs

    resources = [
        (uri, registry.contents(uri)) for uri in registry if "spec.openapis.org" in uri
    ]
    validator = jsonschema_rs.validator_for(
        meta_schema, registry=jsonschema_rs.Registry(resources)
    )
    return _RustMetaValidator(validator)


class _SeenIds(list[int]):
    """A list of ``id()``s whose ``in`` is a set lookup (the library only appends and asks)."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(ids)
        self._seen = set(ids)

    def append(self, value: int) -> None:
        self._seen.add(value)
        super().append(value)

    def __contains__(self, value: object) -> bool:
        return value in self._seen


def _index_visited(validator: Any) -> None:
    """Give the schema validator's dedupe lists set-speed membership, where they are lists."""
    for name in ("visited_schema_ids", "meta_checked_schema_ids"):
        ids = getattr(validator, name, None)
        if type(ids) is list:
            setattr(validator, name, _SeenIds(ids))

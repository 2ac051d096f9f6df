"""The committed packages import by name and expose the contract's names."""

import importlib

import pytest

CONTRACT = {
    "pienteger": ("Pienteger", "AsyncPienteger"),
    "prime_intellect": ("PrimeIntellect", "AsyncPrimeIntellect"),
    "openai_api": ("OpenAI", "AsyncOpenAI"),
    "peakprivacy": ("PeakPrivacy", "AsyncPeakPrivacy"),
}
ERRORS = [
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
]


@pytest.mark.parametrize("package", sorted(CONTRACT))
def test_package_exports_clients_errors_and_types(package: str) -> None:
    module = importlib.import_module(package)
    for name in CONTRACT[package] + tuple(ERRORS) + ("types",):
        assert hasattr(module, name), f"{package} lacks {name}"
    assert issubclass(module.APITimeoutError, module.APIConnectionError)
    assert issubclass(module.APIConnectionError, module.APIError)
    assert issubclass(module.RateLimitError, module.APIStatusError)

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.support.packages import GENERATED
from tests.support.real_specs import RealPackages, RealSpecsMissing, generate_all
from tests.support.server import LocalServer

# The committed client packages import by their own names, as users import them.
if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


@pytest.fixture(scope="session")
def _server_session() -> Iterator[LocalServer]:
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def server(_server_session: LocalServer) -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 with no routes and no recorded requests."""
    _server_session.reset()
    yield _server_session
    _server_session.reset()


@pytest.fixture
def own_server() -> Iterator[LocalServer]:
    """A server of the test's own: its connection counts are not disturbed by other tests."""
    server = LocalServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def real_packages(tmp_path_factory: pytest.TempPathFactory) -> RealPackages:
    """Every spec in ../shared/real-specs/ generated once, as ``generate --lenient`` does.

    Shared by every test that needs a real provider's package. The specs are
    not optional: CI keeps them beside the repository, and a missing
    directory fails these tests rather than skipping them.
    """
    try:
        return generate_all(tmp_path_factory.mktemp("real-specs"))
    except RealSpecsMissing as exc:
        pytest.fail(str(exc))

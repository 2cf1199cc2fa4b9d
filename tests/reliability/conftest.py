from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.private_postgres import PrivatePostgres


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A throwaway PostgreSQL 16 server the tests may stop, crash and restart."""
    server = PrivatePostgres()
    try:
        yield server
    finally:
        server.destroy()

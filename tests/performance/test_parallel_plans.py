"""The app's connections make no parallel plans (``safeguard.dbroles``).

Its reads stop after a page of rows or a count of 100, and a parallel plan is
costed as if they read every match: starting the workers took longer than the
whole read (docs/performance.md, 2026-12-07)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from safeguard import dbroles
from safeguard.dbroles import database_settings


def _setting(cursor: Any) -> str:
    cursor.execute("SHOW max_parallel_workers_per_gather")
    row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_the_app_connection_plans_no_parallel_workers(db: Any) -> None:
    with connection.cursor() as cursor:
        assert _setting(cursor) == "0"


@pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, dbroles.OWNER])
def test_the_owner_connection_keeps_the_server_default() -> None:
    """Migrations and maintenance run as the owner, where parallelism can pay."""
    with connections[dbroles.OWNER].cursor() as cursor:
        assert _setting(cursor) != "0"


def test_a_url_that_sets_its_own_options_keeps_them() -> None:
    url = "postgres://app@db.internal/safeguard?options=-c%20statement_timeout%3D5000"
    assert database_settings(url, app=True)["OPTIONS"]["options"] == "-c statement_timeout=5000"
    assert "options" not in database_settings("postgres://o@db.internal/s", app=False)["OPTIONS"]

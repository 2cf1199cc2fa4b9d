"""A database outage is a clear 503 page wherever it surfaces, and the app
recovers on its own when the database is back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from unittest import mock

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse

from tests.reliability.support import committed_db

pytestmark = pytest.mark.reliability


def _assert_unavailable_page(response: Any) -> None:
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Service unavailable" in body
    assert "may not have been saved" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert "Bruise" not in body  # no record text from the world's incidents


@contextlib.contextmanager
def database_down() -> Iterator[None]:
    """Drop the live connection and refuse new ones, as when PostgreSQL stops."""
    connection.close()
    with mock.patch(
        "django.db.backends.postgresql.base.DatabaseWrapper.get_new_connection",
        side_effect=psycopg.OperationalError("connection refused: is the server running?"),
    ):
        yield
    connection.close()


@committed_db
def test_outage_seen_by_session_middleware_is_503_then_recovers(world: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["manager"])
    url = reverse("incidents:detail", args=[world.objects["incident"].pk])
    with database_down():
        # Loading the session (before any view) is the first database access.
        _assert_unavailable_page(client.get(url))
        _assert_unavailable_page(client.post(reverse("incidents:entry_create", args=[1]), {}))
    # Back without restarting anything: the next request reconnects.
    response = client.get(url)
    assert response.status_code == 200
    assert "Bruise" in response.content.decode()


@committed_db
def test_outage_seen_by_the_request_transaction_is_503(world: Any) -> None:
    # An anonymous visitor has no session to load: the first database access
    # is ATOMIC_REQUESTS opening the transaction around the login view.
    client = Client(raise_request_exception=False)
    with database_down():
        _assert_unavailable_page(client.get(reverse("login")))
    assert client.get(reverse("login")).status_code == 200


def test_connection_lost_inside_a_view_is_503(world: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["manager"])
    with mock.patch(
        "incidents.views.access.get_incident_for",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = client.get(reverse("incidents:detail", args=[world.objects["incident"].pk]))
    _assert_unavailable_page(response)


def test_outage_while_saving_the_session_after_the_view_is_503(world: Any) -> None:
    # Django reports a failed session save as "session interrupted" (400).
    client = Client(raise_request_exception=False)
    client.force_login(world.users["manager"])
    with mock.patch(
        "django.contrib.sessions.models.Session.save",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get(reverse("incidents:list"))
    _assert_unavailable_page(response)


def test_other_bad_requests_are_still_400(world: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["manager"])
    with mock.patch("django.contrib.sessions.models.Session.save", side_effect=RuntimeError):
        assert client.get(reverse("incidents:list")).status_code == 500
    response = client.get(reverse("incidents:list"), headers={"host": "bad host"})
    assert response.status_code == 400


def test_other_errors_are_still_the_500_page(world: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["manager"])
    with mock.patch("incidents.views.access.get_incident_for", side_effect=RuntimeError("bug")):
        response = client.get(reverse("incidents:detail", args=[world.objects["incident"].pk]))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_health_probe_needs_no_database(world: Any) -> None:
    with database_down():
        assert Client().get("/healthz").status_code == 200
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.as_owner  # the app role may only read django_migrations
def test_readyz_is_503_while_a_migration_is_pending(db: Any) -> None:
    # ``db`` as an argument, not the django_db mark: the owner's connection is
    # set up (an autouse fixture) before the test's transaction begins.
    first = Client().get("/readyz")
    assert first.status_code == 200, first.content
    # As when new code reaches a server before ``migrate`` has run: one
    # migration is not recorded as applied (undone with the test's transaction).
    MigrationRecorder.Migration.objects.filter(app="incidents").latest("id").delete()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "migrations": 1}

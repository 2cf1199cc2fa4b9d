"""The shared world's users are signed in once (``sign_in_once``, tests/conftest.py):
a test's clients must behave exactly as if each had just signed in."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from audits.models import AuditEntry
from tests.conftest import SESSION_REUSE_SECONDS, sign_in_once


def test_a_client_is_signed_in_and_the_sign_in_left_nothing_behind(world: Any) -> None:
    """Signed in, as the right user; and no LOGIN entry or last_login from the
    build-time sign-in is part of the world."""
    if time.monotonic() - world.sessions_at >= SESSION_REUSE_SECONDS - 60:  # a margin
        # The shared world outlived the sessions' reuse window (a slow machine):
        # its clients would sign in afresh, which rightly writes a LOGIN entry.
        # Sign its users in again the way the build does, so this checks that.
        sign_in_once(world)
    response = world.client("lead").get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == world.users["lead"].pk
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()
    world.users["lead"].refresh_from_db()
    assert world.users["lead"].last_login is None


def test_two_clients_of_one_role_have_their_own_sessions(world: Any) -> None:
    first, second = world.client("manager"), world.client("manager")
    first.post(reverse("logout"))
    assert second.get(reverse("home")).status_code == 200


def test_a_client_after_a_password_change_is_still_signed_in(world: Any) -> None:
    """The session kept from the build carries the old password's hash, which would
    end it: after the test changes the password, the client signs in afresh."""
    user = world.users["hr"]
    user.set_password("a-new-passphrase-for-hr")
    user.save()
    response = world.client("hr").get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == user.pk


@pytest.mark.django_db
def test_the_shared_world_is_built_with_no_content_type_cached_before_it(
    _shared_world_store: Any,
) -> None:
    """A content type cached before the world is built can name a row that is gone:
    one cached in a transaction rolled back since (as here, or a released world) or
    before a flush. The build must read them afresh: with browser and concurrency
    tests run before world tests, 227 tests once failed at teardown on audit entries
    naming a content type no longer in the table."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from incidents.models import Incident

    through = Incident.people.through  # no content type until something asks
    with transaction.atomic():
        ContentType.objects.filter(app_label="incidents", model=through._meta.model_name).delete()
        stale = ContentType.objects.get_for_model(through).pk  # created and cached
        transaction.set_rollback(True)
    assert not ContentType.objects.filter(pk=stale).exists()
    try:
        _shared_world_store.get()
        cached = ContentType.objects.get_for_model(through).pk
        assert ContentType.objects.filter(pk=cached).exists(), "the stale id was used"
    finally:
        _shared_world_store.release()

"""The database itself refuses to rewrite history, whatever the application does."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.utils import timezone

from incidents import services

REFUSED = (InternalError, ProgrammingError)


@pytest.fixture
def entry(world):
    return services.add_entry(
        actor=world.users["manager"],
        incident=world.objects["incident"],
        kind="observation",
        facts="Original words.",
        occurred_at=timezone.now(),
    )


def _sql(statement: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_update_of_saved_entry_is_refused(entry):
    with pytest.raises(REFUSED):
        _sql(
            "UPDATE incidents_chronologyentry SET facts = %s WHERE id = %s", ["Rewritten", entry.pk]
        )
    entry.refresh_from_db()
    assert entry.facts == "Original words."


def test_delete_of_saved_entry_is_refused(entry):
    with pytest.raises(REFUSED):
        _sql("DELETE FROM incidents_chronologyentry WHERE id = %s", [entry.pk])


def test_amendments_are_append_only(world, entry):
    amendment = services.amend_entry(
        actor=world.users["manager"], entry=entry, reason="Typo", new_text="Corrected words."
    )
    with pytest.raises(REFUSED):
        _sql(
            "UPDATE incidents_chronologyamendment SET new_text = 'x' WHERE id = %s", [amendment.pk]
        )
    with pytest.raises(REFUSED):
        _sql("DELETE FROM incidents_chronologyamendment WHERE id = %s", [amendment.pk])


def test_incident_facts_are_read_only_but_status_may_change(world):
    incident = world.objects["incident"]
    with pytest.raises(REFUSED):
        _sql("UPDATE incidents_incident SET what_happened = 'x' WHERE id = %s", [incident.pk])
    with pytest.raises(REFUSED):
        _sql("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])
    with pytest.raises(REFUSED):  # the service too: review points copy it
        _sql(
            "UPDATE incidents_incident SET service_id = %s WHERE id = %s",
            [world.dom.pk, incident.pk],
        )
    _sql("UPDATE incidents_incident SET status = 'under_enquiry' WHERE id = %s", [incident.pk])


def test_transitions_are_append_only(world):
    transition = world.objects["incident"].transitions.first()
    with pytest.raises(REFUSED):
        _sql("UPDATE incidents_statustransition SET reason = 'x' WHERE id = %s", [transition.pk])


def test_grant_revocation_is_written_once(world):
    restricted = world.objects["restricted"]
    grant = services.grant_need_to_know(
        actor=world.users["lead"],
        incident=restricted,
        user=world.users["manager"],
        reason="Leading the response.",
        expected_version=restricted.version,
    )
    with pytest.raises(REFUSED):
        _sql("UPDATE incidents_needtoknowgrant SET reason = 'x' WHERE id = %s", [grant.pk])
    services.revoke_need_to_know(
        actor=world.users["lead"], grant=grant, reason="Done", expected_version=restricted.version
    )
    with pytest.raises(REFUSED):
        _sql("UPDATE incidents_needtoknowgrant SET revoked_at = NULL WHERE id = %s", [grant.pk])
    with pytest.raises(REFUSED):
        _sql("DELETE FROM incidents_needtoknowgrant WHERE id = %s", [grant.pk])

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from incidents import access as incident_access
from incidents import services
from incidents.models import ChronologyEntry, Incident, StatusTransition
from tests.factories import PersonFactory, make_incident


def test_reference_is_organisation_scoped_and_sequential(world):
    first = make_incident(world.users["manager"], world.home)
    second = make_incident(world.users["manager"], world.home)
    year = timezone.localdate().year
    assert first.reference.startswith(f"SG-{year}-")
    n1 = int(first.reference.rsplit("-", 1)[1])
    assert second.reference == f"SG-{year}-{n1 + 1:04d}"
    # The other organisation numbers its own incidents independently.
    assert world.objects["other_incident"].reference == f"EC-{year}-0001"


def test_create_records_the_opening_transition(world):
    incident = make_incident(world.users["manager"], world.home)
    (transition,) = StatusTransition.objects.filter(incident=incident)
    assert transition.to_status == "open"
    assert transition.changed_by == world.users["manager"]


def test_manager_cannot_log_for_another_service(world):
    with pytest.raises(PermissionDenied):
        make_incident(world.users["manager"], world.dom)


@pytest.mark.parametrize("role", ["hr", "auditor", "admin"])
def test_non_recording_roles_cannot_log(world, role):
    with pytest.raises(PermissionDenied):
        make_incident(world.users[role], world.home)


def test_future_awareness_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_incident(
            world.users["manager"], world.home, became_aware_at=timezone.now() + timedelta(days=1)
        )
    assert "became_aware_at" in exc.value.message_dict


def test_occurred_after_awareness_is_refused(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_incident(
            world.users["manager"],
            world.home,
            occurred_at=now - timedelta(hours=1),
            became_aware_at=now - timedelta(hours=2),
        )
    assert "occurred_at" in exc.value.message_dict


def test_person_from_another_organisation_is_refused(world):
    stranger = PersonFactory(organisation=world.other_org)
    with pytest.raises(PermissionDenied):
        make_incident(world.users["manager"], world.home, person=stranger)


def test_status_change_needs_outcome_to_close_and_bumps_version(world):
    incident = world.objects["incident"]
    manager = world.users["manager"]
    with pytest.raises(ValidationError):
        services.change_status(
            actor=manager,
            incident=incident,
            to_status="closed",
            reason="Done",
            expected_version=incident.version,
        )
    version = incident.version
    services.change_status(
        actor=manager,
        incident=incident,
        to_status="closed",
        closure_outcome="risk_removed",
        reason="Protection plan in place; person safe.",
        expected_version=version,
    )
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert incident.version == version + 1
    assert incident.transitions.last().closure_outcome == "risk_removed"


def test_stale_version_is_refused_with_a_clear_message(world):
    incident = world.objects["incident"]
    stale = incident.version
    services.change_status(
        actor=world.users["lead"],
        incident=incident,
        to_status="under_enquiry",
        reason="Section 42 enquiry opened.",
        expected_version=stale,
    )
    with pytest.raises(services.ConcurrentChange) as exc:
        services.change_status(
            actor=world.users["manager"],
            incident=Incident.objects.get(pk=incident.pk),
            to_status="closed",
            closure_outcome="risk_removed",
            reason="Closing",
            expected_version=stale,
        )
    assert "Someone else changed this" in exc.value.message


def test_invalid_transition_is_refused(world):
    incident = world.objects["incident"]
    services.change_status(
        actor=world.users["manager"],
        incident=incident,
        to_status="closed",
        closure_outcome="no_further_action",
        reason="No concern found.",
        expected_version=incident.version,
    )
    with pytest.raises(ValidationError):
        services.change_status(
            actor=world.users["manager"],
            incident=incident,
            to_status="under_enquiry",
            reason="x",
            expected_version=incident.version,
        )


def test_amendment_keeps_the_original(world):
    incident = world.objects["incident"]
    entry = services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="call",
        facts="Called the GP at 16:10.",
        occurred_at=timezone.now() - timedelta(minutes=30),
    )
    services.amend_entry(
        actor=world.users["manager"],
        entry=entry,
        reason="Wrong time",
        new_text="Called the GP at 14:10.",
    )
    entry.refresh_from_db()
    assert entry.facts == "Called the GP at 16:10."
    assert entry.amendments.get().new_text == "Called the GP at 14:10."


def test_amendment_needs_a_reason(world):
    incident = world.objects["incident"]
    entry = services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="observation",
        facts="Seen.",
        occurred_at=timezone.now(),
    )
    with pytest.raises(ValidationError):
        services.amend_entry(actor=world.users["manager"], entry=entry, reason=" ", new_text="x")


def test_auditor_cannot_add_entries(world):
    with pytest.raises(PermissionDenied):
        services.add_entry(
            actor=world.users["auditor"],
            incident=world.objects["incident"],
            kind="observation",
            facts="x",
            occurred_at=timezone.now(),
        )
    assert not ChronologyEntry.objects.exists()


def test_need_to_know_grant_and_revoke(world):
    restricted = world.objects["restricted"]
    manager_dom = world.users["manager_dom"]
    assert not incident_access.visible_incidents(manager_dom).filter(pk=restricted.pk).exists()
    grant = services.grant_need_to_know(
        actor=world.users["lead"],
        incident=restricted,
        user=manager_dom,
        reason="Covering the on-call rota this week.",
        expected_version=restricted.version,
    )
    assert incident_access.visible_incidents(manager_dom).filter(pk=restricted.pk).exists()
    # A second live grant for the same person is refused.
    with pytest.raises(ValidationError):
        services.grant_need_to_know(
            actor=world.users["lead"],
            incident=restricted,
            user=manager_dom,
            reason="Again",
            expected_version=restricted.version,
        )
    services.revoke_need_to_know(
        actor=world.users["lead"],
        grant=grant,
        reason="Rota cover ended.",
        expected_version=restricted.version,
    )
    assert not incident_access.visible_incidents(manager_dom).filter(pk=restricted.pk).exists()
    grant.refresh_from_db()
    assert grant.revoked_by == world.users["lead"]


def test_only_leads_manage_need_to_know(world):
    with pytest.raises(PermissionDenied):
        services.set_restricted(
            actor=world.users["manager"],
            incident=world.objects["incident"],
            restricted=True,
            expected_version=world.objects["incident"].version,
        )


def test_cannot_grant_to_someone_in_another_organisation(world):
    restricted = world.objects["restricted"]
    with pytest.raises(ValidationError):
        services.grant_need_to_know(
            actor=world.users["lead"],
            incident=restricted,
            user=world.users["outsider"],
            reason="x",
            expected_version=restricted.version,
        )

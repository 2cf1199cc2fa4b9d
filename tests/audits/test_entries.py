"""Every service and every sensitive view leaves the expected entries."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEntry
from incidents import services
from incidents.models import ChronologyAmendment, NeedToKnowGrant, StatusTransition
from organisations.audit import log_event
from tests.audits.conftest import entries_for
from tests.factories import PASSWORD

A = AuditEntry.Action


def test_incident_services_are_logged_with_actor_and_incident(world):
    manager, lead = world.users["manager"], world.users["lead"]
    incident = world.objects["incident"]
    assert entries_for(incident, action=A.CREATE).get().incident_id == incident.pk

    entry = services.add_entry(
        actor=manager,
        incident=incident,
        kind="call",
        facts="Rang the GP.",
        occurred_at=timezone.now() - timedelta(minutes=10),
    )
    amendment = services.amend_entry(actor=manager, entry=entry, reason="Typo", new_text="Rang GP.")
    transition = services.change_status(
        actor=manager,
        incident=incident,
        to_status="under_enquiry",
        reason="s42 enquiry.",
        expected_version=incident.version,
    )
    grant = services.grant_need_to_know(
        actor=lead,
        incident=incident,
        user=world.users["auditor"],
        reason="Sampling.",
        expected_version=incident.version,
    )
    services.revoke_need_to_know(
        actor=lead, grant=grant, reason="Done.", expected_version=incident.version
    )

    for obj in (entry, amendment, transition, grant):
        created = entries_for(obj, action=A.CREATE).get()
        assert created.incident_id == incident.pk
        assert created.organisation_id == world.org.pk
    revoked = entries_for(grant, action=A.UPDATE).get()
    assert set(revoked.changes) >= {"revoked_at", "revoked_by", "revoke_reason"}
    assert revoked.changes["revoked_by"] == ["None", str(lead.pk)]
    status = entries_for(incident, action=A.UPDATE).filter(changes__has_key="status").get()
    assert status.changes["status"] == ["open", "under_enquiry"]
    assert isinstance(amendment, ChronologyAmendment)
    assert isinstance(transition, StatusTransition) and isinstance(grant, NeedToKnowGrant)


def test_viewing_a_restricted_incident_is_on_its_history_for_the_lead(world):
    """Acceptance: an authorised view of a restricted incident leaves an access
    entry that the lead sees on the incident's History tab."""
    lead = world.users["lead"]
    restricted = world.objects["restricted"]
    services.grant_need_to_know(
        actor=lead,
        incident=restricted,
        user=world.users["auditor"],
        reason="Quality sample.",
        expected_version=restricted.version,
    )
    auditor = world.client("auditor")
    response = auditor.get(
        reverse("incidents:detail", args=[restricted.pk]), HTTP_X_REQUEST_ID="req-restricted-01"
    )
    assert response.status_code == 200

    access = entries_for(restricted, action=A.ACCESS).get()
    assert access.actor == world.users["auditor"]
    assert access.view == "incident"
    assert access.cid == "req-restricted-01" == response["X-Request-ID"]
    assert access.remote_addr == "127.0.0.1"
    assert access.organisation_id == world.org.pk

    history = world.client("lead").get(reverse("audits:incident_history", args=[restricted.pk]))
    assert history.status_code == 200
    auditor_name = world.users["auditor"].get_full_name()
    rows = [
        r for r in history.content.decode().split("<tr>") if "Viewed" in r and auditor_name in r
    ]
    assert rows, "the auditor's view is not on the History tab"
    # Opening the history is itself recorded.
    assert entries_for(restricted, action=A.ACCESS, view="incident_history").count() == 1


def test_person_view_is_logged(world):
    person = world.objects["incident"].people.get()
    world.client("manager").get(reverse("incidents:person_detail", args=[person.pk]))
    entry = entries_for(person, action=A.ACCESS).get()
    assert entry.view == "person" and entry.actor == world.users["manager"]


def test_login_logout_and_failed_login(world, client):
    user = world.users["manager"]
    client.post(reverse("login"), {"username": "manager", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "no-such-person", "password": "secret-guess"})
    client.post(reverse("login"), {"username": "manager", "password": PASSWORD})
    client.post(reverse("logout"))

    failed = entries_for(user, action=A.LOGIN_FAILED).get()
    assert failed.actor is None and failed.organisation_id == world.org.pk
    unknown = AuditEntry.objects.get(action=A.LOGIN_FAILED, object_pk="")
    assert "no-such-person" not in str(unknown.additional_data)
    assert unknown.additional_data["username_fingerprint"].startswith("fp:")
    login = entries_for(user, action=A.LOGIN).get()
    assert login.actor == user and login.remote_addr == "127.0.0.1"
    assert entries_for(user, action=A.LOGOUT).get().actor == user


def test_log_event_for_a_register(world):
    entry = log_event(
        "access",
        target=NeedToKnowGrant,
        view="register",
        actor=world.users["lead"],
        details={"page": 2},
    )
    assert entry.content_type == ContentType.objects.get_for_model(NeedToKnowGrant)
    assert entry.object_repr == "Need to know grants" and entry.object_pk == ""
    assert entry.organisation_id == world.org.pk and entry.additional_data == {"page": 2}


def test_access_to_an_unregistered_model_is_still_logged_once(world):
    from organisations.audit import log_access

    log_access(world.org, view="organisation")
    log_access(world.objects["incident"], view="incident")
    assert entries_for(world.org, action=A.ACCESS).count() == 1
    assert entries_for(world.objects["incident"], action=A.ACCESS).count() == 1

"""No second copy of record text: the log holds field names, labels and fingerprints."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from audits.models import AuditEntry
from audits.redaction import fingerprint
from incidents import services
from incidents.models import ChronologyEntry, Incident
from notifications import services as notification_services
from tests.audits.conftest import entries_for, whole_log_as_text
from tests.factories import PersonFactory, make_incident

SECRETS = {
    "what_happened": "Zebrafinch observed the purple teapot incident at dawn",
    "persons_views": "Quillwort says the lantern must stay lit",
    "desired_outcomes": "Marzipan outcome wanted by the person",
    "capacity_considerations": "Capacity note about the periwinkle door",
    "summary": "Grackle summary text",
    "raised_by": "Thaddeus Wobblesworth, night carer",
    "police_reference": "PX-ZANZIBAR-77",
    "facts": "The kettle sang Vorpal words at noon",
    "present": "Euphemia Snodgrass (visitor)",
    "reason": "Amendment because Xylophone was misheard",
    "new_text": "Corrected: the kettle sang Jabberwock words",
    "status_reason": "Closing because Bandersnatch left the building",
    "grant_reason": "Needs to know for the Tumtum tree review",
    "given_name": "Ottoline",
    "family_name": "Quibbleby",
}


def test_no_record_text_in_any_column_of_the_log(world):
    manager, lead = world.users["manager"], world.users["lead"]
    person: Any = PersonFactory(
        organisation=world.org,
        service=world.home,
        given_name=SECRETS["given_name"],
        family_name=SECRETS["family_name"],
    )
    incident = make_incident(
        manager,
        world.home,
        person=person,
        what_happened=SECRETS["what_happened"],
        persons_views=SECRETS["persons_views"],
        desired_outcomes=SECRETS["desired_outcomes"],
        capacity_considerations=SECRETS["capacity_considerations"],
        summary=SECRETS["summary"],
        raised_by=SECRETS["raised_by"],
        police_reference=SECRETS["police_reference"],
    )
    entry = services.add_entry(
        actor=manager,
        incident=incident,
        kind="observation",
        facts=SECRETS["facts"],
        present=SECRETS["present"],
        occurred_at=timezone.now() - timedelta(minutes=30),
    )
    services.amend_entry(
        actor=manager, entry=entry, reason=SECRETS["reason"], new_text=SECRETS["new_text"]
    )
    # A reference arriving later is recorded on the notification (its one home).
    notification_services.record_outcome(
        actor=manager,
        notification=incident.notifications.get(rule_code="police"),
        status="sent",
        sent_at=timezone.now() - timedelta(minutes=10),
        sent_to="Riverside police station",
        reference="PX-OTHER-ZANZIBAR-78",
    )
    incident.refresh_from_db()
    services.grant_need_to_know(
        actor=lead,
        incident=incident,
        user=world.users["auditor"],
        reason=SECRETS["grant_reason"],
        expected_version=incident.version,
    )
    services.change_status(
        actor=manager,
        incident=incident,
        to_status="closed",
        closure_outcome="risk_reduced",
        reason=SECRETS["status_reason"],
        expected_version=incident.version,
    )
    world.client("lead").get(f"/incidents/{incident.pk}/")
    world.client("lead").get(f"/incidents/people/{person.pk}/")

    text = whole_log_as_text()
    assert AuditEntry.objects.filter(incident_id=incident.pk).count() >= 8
    for name, secret in SECRETS.items():
        # Also a distinctive fragment, in case text were cut short.
        assert secret not in text, name
        assert secret.split()[0] not in text, name
    assert "PX-OTHER-ZANZIBAR-78" not in text


def test_changed_text_is_fingerprinted_and_codes_are_kept(world):
    manager = world.users["manager"]
    incident = make_incident(manager, world.home, what_happened="Fingerprint me, exactly.")
    created = entries_for(incident, action=AuditEntry.Action.CREATE).get()
    assert created.changes["what_happened"] == ["None", fingerprint("Fingerprint me, exactly.")]
    assert created.changes["status"] == ["None", "open"]
    assert created.object_repr == f"Incident #{incident.pk} ({incident.reference})"
    assert created.serialized_data is None and created.changes_text == ""
    assert created.organisation_id == world.org.pk and created.incident_id == incident.pk

    services.change_status(
        actor=manager,
        incident=incident,
        to_status="under_enquiry",
        reason="Enquiry opened.",
        expected_version=incident.version,
    )
    update = entries_for(incident, action=AuditEntry.Action.UPDATE).last()
    assert update.changes == {"status": ["open", "under_enquiry"]}
    assert "Status: Open → Under enquiry" in update.change_summary()


def test_labels_do_not_rely_on_str(world, monkeypatch):
    """Even if a model's __str__ started returning narrative, the log would not."""
    monkeypatch.setattr(Incident, "__str__", lambda self: self.what_happened)
    monkeypatch.setattr(ChronologyEntry, "__str__", lambda self: self.facts)
    incident = make_incident(world.users["manager"], world.home, what_happened="Leaky str text")
    services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="observation",
        facts="Leaky facts text",
        occurred_at=timezone.now() - timedelta(minutes=5),
    )
    text = whole_log_as_text()
    assert "Leaky" not in text

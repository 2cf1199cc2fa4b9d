"""The safeguarding side of an allegation appears in the incident's timeline and
in exports for those who may read it, and never the HR side."""

from __future__ import annotations

from django.urls import reverse

from allegations.models import Allegation
from incidents import services as incident_services


def _demo_allegation(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    return Allegation.objects.select_related("incident").get()


def test_lead_sees_safeguarding_side_in_the_timeline_but_no_hr_text(db, client):
    allegation = _demo_allegation(db)
    sg_text = allegation.safeguarding_record.entries.first().text
    hr_entry = allegation.hr_record.entries.first()
    lead = allegation.incident.created_by.membership.organisation.memberships.get(role="lead").user
    client.force_login(lead)
    body = client.get(
        reverse("chronology:timeline", args=[allegation.incident.pk])
    ).content.decode()
    assert "Allegation against staff" in body
    assert sg_text.split("\n")[0][:40] in body
    assert "safeguarding key decision" in body
    if hr_entry is not None:
        assert hr_entry.text.split("\n")[0][:40] not in body


def test_auditor_granted_the_incident_does_not_see_the_allegation(db, client):
    allegation = _demo_allegation(db)
    incident = allegation.incident
    memberships = incident.created_by.membership.organisation.memberships
    lead = memberships.get(role="lead").user
    auditor = memberships.get(role="auditor").user
    incident.refresh_from_db()
    incident_services.grant_need_to_know(
        actor=lead,
        incident=incident,
        user=auditor,
        reason="Audit sample",
        expected_version=incident.version,
    )
    client.force_login(auditor)
    response = client.get(reverse("chronology:timeline", args=[incident.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Allegation against staff" not in body
    assert allegation.what_is_alleged[:40] not in body


def test_inspector_pdf_has_the_safeguarding_side_and_no_hr_detail(db):
    from chronology.redaction import Redactor
    from tests.chronology.factories import export
    from tests.chronology.test_export import pdf_text, squash

    allegation = _demo_allegation(db)
    incident = allegation.incident
    lead = incident.created_by.membership.organisation.memberships.get(role="lead").user
    hr_texts = [entry.text for entry in allegation.hr_record.entries.all()]
    hr_texts += [d.decision for d in allegation.hr_record.decisions.all()]
    hr_texts += [d.rationale for d in allegation.hr_record.decisions.all()]
    assert len(hr_texts) >= 5
    safeguarding = allegation.safeguarding_record.entries.first().text
    for profile in ("cqc", "internal"):  # a lead may not see HR detail in either
        text = squash(pdf_text(bytes(export(lead, incident, profile=profile).pdf)))
        assert "Allegation against staff" in text
        # CQC's copy carries the adult's initials for their names (chronology/redaction.py).
        expected = safeguarding
        if profile == "cqc":
            expected = Redactor(list(incident.people.all())).text(safeguarding)
        assert squash(expected)[:60] in text
        leaked = [t for t in hr_texts if squash(t)[:40] in text]
        assert not leaked, (profile, leaked)

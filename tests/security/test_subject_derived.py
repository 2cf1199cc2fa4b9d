"""Issue 17, findings 1 and 2: a safeguarding lead who is the subject of an
allegation sees nothing derived from its incident: not its exports (register,
detail, download, verification result) and not its audit trail (list, CSV,
incident history). Another lead sees all of it (the control)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from organisations.models import Role
from tests.allegations import factories as f
from tests.chronology.factories import SAMPLE_PDF, registered_export
from tests.factories import member


@pytest.fixture
def case(world: Any) -> dict[str, Any]:
    """The home incident, an allegation on it about ``subject_lead`` (recorded by
    the lead) and an export of it made by the lead."""
    subject = member(world.org, Role.LEAD, username="subject_lead_f")
    incident = world.objects["incident"]
    staff = f.make_staff(world, name="Lee Subject", user=subject)
    allegation = f.make_allegation(world.users["lead"], incident, staff)
    export = registered_export(world.users["lead"], incident)
    return {"subject": subject, "incident": incident, "allegation": allegation, "export": export}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Finding 1: exports -------------------------------------------------------


def test_subject_lead_does_not_see_the_export_of_their_own_case(world: Any, case: Any) -> None:
    export = case["export"]
    detail = reverse("chronology:export_detail", args=[export.pk])
    subject, lead = _client(case["subject"]), _client(world.users["lead"])
    # The control: another lead sees it everywhere.
    assert detail in lead.get(reverse("chronology:exports")).content.decode()
    assert lead.get(reverse("chronology:export_detail", args=[export.pk])).status_code == 200
    assert lead.get(reverse("chronology:export_download", args=[export.pk])).status_code == 200
    # The subject: not in the register, and a 404 at its own URLs.
    assert detail not in subject.get(reverse("chronology:exports")).content.decode()
    search = subject.get(reverse("chronology:exports"), {"q": export.public_id})
    assert detail not in search.content.decode()
    assert subject.get(reverse("chronology:export_detail", args=[export.pk])).status_code == 404
    assert subject.get(reverse("chronology:export_download", args=[export.pk])).status_code == 404


def test_subject_lead_verifying_the_export_learns_no_match(world: Any, case: Any) -> None:
    def verify(user: Any) -> Any:
        upload = SimpleUploadedFile("x.pdf", SAMPLE_PDF, content_type="application/pdf")
        return _client(user).post(reverse("chronology:verify"), {"file": upload})

    assert verify(world.users["lead"]).context["attempt"].matched == case["export"]
    response = verify(case["subject"])
    assert response.status_code == 200
    assert response.context["attempt"].matched is None
    assert case["export"].public_id not in response.content.decode()


# --- Finding 2: the audit trail ---------------------------------------------------


def _incident_ids_listed(user: Any) -> set[int | None]:
    response = _client(user).get(reverse("audits:search"))
    assert response.status_code == 200
    return {e.incident_id for e in response.context["page"].object_list}


def _incident_ids_in_csv(user: Any) -> set[str]:
    response = _client(user).get(reverse("audits:search_csv"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows
    return {row["incident id"] for row in rows}


def test_subject_lead_does_not_read_the_audit_trail_of_their_own_case(
    world: Any, case: Any
) -> None:
    incident = case["incident"]
    # The control: the trail holds entries about the incident and the allegation.
    assert incident.pk in _incident_ids_listed(world.users["lead"])
    assert str(incident.pk) in _incident_ids_in_csv(world.users["lead"])
    # The subject sees the trail of the organisation, but nothing about this case.
    assert incident.pk not in _incident_ids_listed(case["subject"])
    assert str(incident.pk) not in _incident_ids_in_csv(case["subject"])
    history = reverse("audits:incident_history", args=[incident.pk])
    assert _client(world.users["lead"]).get(history).status_code == 200
    assert _client(case["subject"]).get(history).status_code == 404


def test_linking_a_login_later_excludes_it_at_once(world: Any) -> None:
    """The staff record had no login when the allegation was recorded; linking the
    subject's login afterwards keeps the incident and its trail from them."""
    from allegations import services
    from incidents import access as incident_access

    subject = member(world.org, Role.LEAD, username="late_subject")
    incident = world.objects["incident"]
    staff = f.make_staff(world, name="Late Link")
    f.make_allegation(world.users["lead"], incident, staff)
    assert incident_access.visible_incidents(subject).filter(pk=incident.pk).exists()
    services.link_staff_login(actor=world.users["hr"], staff_member=staff, user=subject)
    assert not incident_access.visible_incidents(subject).filter(pk=incident.pk).exists()
    assert incident.pk not in _incident_ids_listed(subject)

"""Files on an allegation's safeguarding record (issue 21): only those who may
read that side add, list and download them; HR, auditors and the subject get a
404, also through the incident's entry-file URL; append-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse

from allegations import services
from allegations.models import SafeguardingRecordEvidence
from audits.models import AuditEntry
from incidents.models import EvidenceFile
from tests.allegations import factories as f
from tests.incidents import evidence as ev

REFUSED = (InternalError, ProgrammingError)


def _file(world, allegation=None):
    return services.add_safeguarding_evidence(
        actor=world.users["lead"],
        allegation=allegation or f.allegation(world),
        upload=ev.upload(ev.jpeg_with_gps(), "wrist.jpg"),
    )


def _download(world, role, allegation, file):
    url = reverse("allegations:safeguarding_evidence_download", args=[allegation.pk, file.pk])
    return world.client(role).get(url)


def test_readers_of_the_safeguarding_side_download_it_logged(world):
    a = f.allegation(world)
    file = _file(world)
    for role in ("lead", "manager"):
        response = _download(world, role, a, file)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEntry.objects.filter(
        actor=world.users["manager"], action=AuditEntry.Action.ACCESS, object_pk=str(file.pk)
    ).exists()
    page = world.client("manager").get(reverse("allegations:safeguarding", args=[a.pk]))
    assert file.sha256 in page.content.decode()


def test_hr_and_auditor_get_404_also_through_the_entry_file_url(world):
    a = f.allegation(world)
    file = _file(world)
    for role in ("hr", "auditor"):
        assert _download(world, role, a, file).status_code == 404
        entry_url = reverse("incidents:evidence_download", args=[file.incident_id, file.pk])
        assert world.client(role).get(entry_url).status_code == 404
    hr_page = world.client("hr").get(reverse("allegations:hr", args=[a.pk]))
    assert file.sha256 not in hr_page.content.decode()


def test_the_subject_never_sees_or_adds_a_file(world):
    f.subject_case(world)
    a = world.objects["subject_allegations"]["subject_manager"]
    file = _file(world, a)
    assert _download(world, "subject_manager", a, file).status_code == 404
    entry_url = reverse("incidents:evidence_download", args=[file.incident_id, file.pk])
    assert world.client("subject_manager").get(entry_url).status_code == 404
    # The auditor on the need-to-know list sees the incident, never this side.
    assert (
        world.client("auditor").get(reverse("incidents:detail", args=[a.incident_id])).status_code
        == 200
    )
    assert world.client("auditor").get(entry_url).status_code == 404
    assert _download(world, "auditor", a, file).status_code == 404
    upload = reverse("allegations:safeguarding_evidence_upload", args=[a.pk])
    posted = world.client("subject_manager").post(upload, {"file": ev.upload(ev.png(), "x.png")})
    assert posted.status_code == 404
    with pytest.raises(PermissionDenied):
        services.add_safeguarding_evidence(
            actor=world.user("subject_manager"), allegation=a, upload=ev.upload(ev.png(), "x.png")
        )
    assert EvidenceFile.objects.count() == 1


def test_upload_through_the_page(world):
    a = f.allegation(world)
    url = reverse("allegations:safeguarding_evidence_upload", args=[a.pk])
    bad = world.client("manager").post(url, {"file": ev.upload(b"<html></html>", "a.jpg")})
    assert bad.status_code == 200 and "cannot be added" in bad.content.decode()
    assert not EvidenceFile.objects.exists()
    ok = world.client("manager").post(url, {"file": ev.upload(ev.png(), "photo.png")})
    assert ok.status_code == 302
    assert SafeguardingRecordEvidence.objects.get().record == a.safeguarding_record


def test_the_app_role_cannot_move_or_delete_the_link(world):
    file = _file(world)
    link = SafeguardingRecordEvidence.objects.get(file=file)
    for sql in (
        "UPDATE allegations_safeguardingrecordevidence SET file_id = file_id WHERE id = %s",
        "DELETE FROM allegations_safeguardingrecordevidence WHERE id = %s",
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [link.pk])

"""Files on a disclosure decision (issue 21): added through the decision's
recording rule, listed on its page, downloaded where the decision is visible,
never through the entry-file URL, append-only."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse

from audits.models import AuditEntry
from disclosures import services
from disclosures.models import DecisionEvidence
from incidents.models import EvidenceFile
from tests.disclosures.factories import make_decision
from tests.incidents import evidence as ev

REFUSED = (InternalError, ProgrammingError)


def _decision(world):
    if "ev_decision" not in world.objects:
        world.objects["ev_decision"] = make_decision(
            world.users["manager"], world.objects["incident"]
        )
    return world.objects["ev_decision"]


def _file(world):
    return services.add_decision_evidence(
        actor=world.users["manager"],
        decision=_decision(world),
        upload=ev.upload(ev.jpeg_with_gps(), "consent form.jpg"),
        description="Signed consent form",
    )


def test_upload_lists_the_file_on_the_decision_page(world):
    decision = _decision(world)
    url = reverse("disclosures:evidence_upload", args=[decision.pk])
    refused = world.client("manager").post(url, {"file": ev.upload(b"", "empty.pdf")})
    assert refused.status_code == 200 and "empty" in refused.content.decode()
    assert not EvidenceFile.objects.exists()
    ok = world.client("manager").post(url, {"file": ev.upload(ev.pdf(), "letter.pdf")})
    assert ok.status_code == 302
    link = DecisionEvidence.objects.get(decision=decision)
    stored = link.file
    for row in (link, stored):  # both written to the audit trail
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.CREATE,
            content_type=ContentType.objects.get_for_model(row),
            object_pk=str(row.pk),
        ).exists()
    assert stored.entry_id is None and stored.incident_id == decision.incident_id
    page = world.client("auditor").get(reverse("disclosures:detail", args=[decision.pk]))
    html = page.content.decode()
    assert "letter.pdf" in html and stored.sha256 in html
    assert reverse("disclosures:evidence_download", args=[decision.pk, stored.pk]) in html


def test_download_is_an_attachment_and_logged(world):
    f = _file(world)
    url = reverse("disclosures:evidence_download", args=[_decision(world).pk, f.pk])
    response = world.client("auditor").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == f.sha256
    assert AuditEntry.objects.filter(
        actor=world.users["auditor"], action=AuditEntry.Action.ACCESS, object_pk=str(f.pk)
    ).exists()


def test_a_decision_file_is_not_served_as_another_decisions_or_as_an_entry_file(world):
    f = _file(world)
    other = make_decision(world.users["manager"], world.objects["incident"])
    client = world.client("lead")
    assert (
        client.get(reverse("disclosures:evidence_download", args=[other.pk, f.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("incidents:evidence_download", args=[f.incident_id, f.pk])).status_code
        == 404
    )


def test_a_correction_must_name_a_file_of_this_decision(world):
    f = _file(world)
    other = make_decision(world.users["manager"], world.objects["incident"])
    with pytest.raises(ValidationError) as exc:
        services.add_decision_evidence(
            actor=world.users["manager"],
            decision=other,
            upload=ev.upload(ev.png(), "b.png"),
            replaces=f,
            correction_reason="Wrong page",
        )
    assert "replaces" in exc.value.message_dict
    fixed = services.add_decision_evidence(
        actor=world.users["manager"],
        decision=_decision(world),
        upload=ev.upload(ev.png(), "b.png"),
        replaces=f,
        correction_reason="Wrong page",
    )
    assert fixed.replaces_id == f.pk
    assert DecisionEvidence.objects.filter(decision=_decision(world)).count() == 2


def test_the_auditor_cannot_add_a_file(world):
    with pytest.raises(PermissionDenied):
        services.add_decision_evidence(
            actor=world.users["auditor"],
            decision=_decision(world),
            upload=ev.upload(ev.png(), "b.png"),
        )
    assert not EvidenceFile.objects.exists()


def test_the_app_role_cannot_move_or_delete_the_link(world):
    f = _file(world)
    link = DecisionEvidence.objects.get(file=f)
    other = make_decision(world.users["manager"], world.objects["incident"])
    for sql, args in (
        ("UPDATE disclosures_decisionevidence SET decision_id = %s WHERE id = %s", [other.pk]),
        ("DELETE FROM disclosures_decisionevidence WHERE id = %s", []),
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*args, link.pk])

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from pypdf import PdfReader

from chronology import services
from chronology.models import ChronologyExport
from tests.chronology.factories import export, story


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def exported(world: Any) -> tuple[ChronologyExport, dict[str, Any]]:
    incident = world.objects["incident"]
    s = story(world.users["manager"], incident)
    return export(world.users["lead"], incident), s


def test_export_contains_the_record_cover_and_page_furniture(world: Any, exported: Any) -> None:
    e, _ = exported
    incident = world.objects["incident"]
    assert e.status == "done", e.failure
    data = bytes(e.pdf)
    text = squash(pdf_text(data))
    person = incident.people.first()
    for expected in [
        "OFFICIAL-SENSITIVE",
        incident.reference,
        f"{person.initials} (initials only)",
        "CQC inspector",
        "Sam Inspector, Inspector, Care Quality Commission",
        "Inspection of safeguarding practice at the service.",
        "Legal obligation — Art. 6(1)(c)",
        e.public_id,
        e.content_fingerprint[:16],
        f"Page 1 of {e.page_count}",
        incident.what_happened,
        "Bruise 3 cm on the left forearm, purple.",
        "P. Shah (care worker)",
        # The amended entry: original, reason and correction all present.
        "Called the on-call manager at 09:40.",
        "Time corrected from the phone log.",
        "Called the on-call manager at 08:40.",
        "Logged as open",
    ]:
        assert squash(expected) in text, expected
    # Only initials on the cover, never the full name there.
    cover = squash(PdfReader(io.BytesIO(data)).pages[0].extract_text())
    assert person.full_name not in cover


def test_register_row_matches_the_file(exported: Any) -> None:
    e, _ = exported
    data = bytes(e.pdf)
    assert e.sha256 == hashlib.sha256(data).hexdigest()
    assert e.size_bytes == len(data)
    reader = PdfReader(io.BytesIO(data))
    assert e.page_count == len(reader.pages)
    assert reader.metadata.title == f"Safeguarding chronology {e.incident.reference}"
    root: Any = reader.root_object
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root  # tagged
    assert root["/MarkInfo"]["/Marked"]


def test_register_is_append_only(exported: Any) -> None:
    e, _ = exported
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyExport.objects.filter(pk=e.pk).update(recipient_name="Someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyExport.objects.filter(pk=e.pk).update(pdf=b"%PDF-forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyExport.objects.filter(pk=e.pk).delete()


def test_hr_detail_excluded_for_inspector_included_internally(world: Any, monkeypatch: Any) -> None:
    from chronology import timeline
    from chronology.timeline import Provider, TimelineItem

    def items(q: Any) -> list[TimelineItem]:
        return [
            TimelineItem(
                kind="hr_test",
                kind_label="HR record",
                at=q.incident.became_aware_at,
                pk=1,
                title="Employment action",
                text="HR-ONLY-DETAIL suspension on full pay",
                hr=True,
            )
        ]

    monkeypatch.setattr(
        timeline,
        "PROVIDERS",
        [*timeline.PROVIDERS, Provider("hr_test", "HR", lambda q: 1, items, hr=True)],
    )
    # Suppose the lead's role allowed HR detail: only the internal profile carries it.
    monkeypatch.setattr("chronology.access.can_see_hr_detail", lambda user, incident: True)
    incident = world.objects["incident"]
    lead = world.users["lead"]
    kinds = ["incident", "status", "entry", "hr_test"]
    for profile in ("cqc", "commissioner", "la", "police"):
        e = export(lead, incident, profile=profile, kinds=kinds)
        assert "HR-ONLY-DETAIL" not in pdf_text(bytes(e.pdf)), profile
        assert "hr_test" not in e.kinds
    internal = export(lead, incident, profile="internal", kinds=kinds)
    assert "HR-ONLY-DETAIL" in pdf_text(bytes(internal.pdf))


def test_validation_nothing_saved(world: Any) -> None:
    from django.core.exceptions import ValidationError

    incident = world.objects["incident"]
    with pytest.raises(ValidationError) as exc:
        export(world.users["lead"], incident, recipient_name=" ", kinds=[])
    assert "recipient_name" in exc.value.message_dict
    assert "kinds" in exc.value.message_dict
    assert not ChronologyExport.objects.exists()


def test_only_leads_export(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export(world.users["manager"], world.objects["incident"])


def test_export_through_the_pages_and_download(world: Any) -> None:
    incident = world.objects["incident"]
    client = world.client("lead")
    url = reverse("chronology:export_create", kwargs={"pk": incident.pk})
    form = client.get(url, {"kinds": ["entry", "incident"]})
    assert form.status_code == 200
    bad = client.post(url, {"profile": "police"})
    assert "Nothing has been saved or sent." in bad.content.decode()
    data = {
        "profile": "police",
        "recipient_name": "DC Jones",
        "recipient_role": "Detective constable",
        "recipient_organisation": "Northshire Police",
        "purpose": "Criminal investigation of the alleged assault.",
        "lawful_basis": "public_task",
        "special_condition": "sch1_para10",
        "channel": "secure_email",
        "purpose_category": "criminal_investigation",
        "consent_position": "not_sought",
        "consent_reason": "would_prejudice_enquiry",
        "consent_reason_detail": "Asking would alert the suspect.",
        "proportionality": "Only this incident, for the investigation.",
        "review_date": "2099-01-01",
        "review_what": "Receipt confirmed.",
        "kinds": ["incident", "status", "entry"],
    }
    # The export's decision has record-quality warnings: shown, then confirmed.
    warned = client.post(url, data)
    assert "Export with these warnings" in warned.content.decode()
    response = client.post(
        url,
        {**data, "confirm": "1", "quality_fingerprint": warned.context["warnings_fingerprint"]},
    )
    e = ChronologyExport.objects.get()
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == reverse("chronology:export_detail", kwargs={"pk": e.pk})
    detail = client.get(response["Location"])
    assert e.sha256 in detail.content.decode()
    assert "Refresh" not in detail
    download = client.get(reverse("chronology:export_download", kwargs={"pk": e.pk}))
    assert download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(download.content).hexdigest() == e.sha256
    register = client.get(reverse("chronology:exports"))
    assert e.public_id in register.content.decode()


def test_large_export_runs_in_the_background_with_progress(
    world: Any, settings: Any, monkeypatch: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    from chronology.tasks import render_export

    settings.SAFEGUARD_EXPORT_SYNC_LIMIT = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    incident = world.objects["incident"]
    story(world.users["manager"], incident)
    e = export(world.users["lead"], incident)
    assert e.background and e.status == "queued"
    detail = world.client("lead").get(reverse("chronology:export_detail", kwargs={"pk": e.pk}))
    assert detail["Refresh"] == "3"
    assert "Waiting for a worker" in detail.content.decode()
    # The job is queued in the database, in the same transaction as the row.
    job = DBTaskResult.objects.get()
    assert job.task_path == "chronology.tasks.render_export"
    assert job.args_kwargs == {"args": [e.pk], "kwargs": {}}
    # What `manage.py db_worker` does with it (the worker itself closes the
    # database connection, which the test transaction cannot survive). While it
    # renders, the page a lead keeps open shows how far it has got.
    seen: list[str] = []
    set_progress = services._set_progress

    def look_at_the_page(export_id: int, message: str) -> None:
        set_progress(export_id, message)
        page = world.client("lead").get(reverse("chronology:export_detail", kwargs={"pk": e.pk}))
        assert page["Refresh"] == "3"
        seen.append(page.content.decode())

    monkeypatch.setattr(services, "_set_progress", look_at_the_page)
    assert render_export.call(*job.args_kwargs["args"]) == "done"
    assert any("Rendering" in body and "Writing the PDF" in body for body in seen)
    e.refresh_from_db()
    assert e.status == "done", e.failure
    assert e.sha256 == hashlib.sha256(bytes(e.pdf)).hexdigest()
    done = world.client("lead").get(reverse("chronology:export_detail", kwargs={"pk": e.pk}))
    assert "Refresh" not in done and "Download PDF" in done.content.decode()


def test_failed_render_is_recorded_not_half_saved(world: Any, monkeypatch: Any) -> None:
    def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(services, "render_pdf", boom)
    e = export(world.users["lead"], world.objects["incident"])
    assert e.status == "failed"
    assert e.pdf is None and e.sha256 == ""
    assert "could not be produced" in e.failure


def test_export_is_recorded_as_a_disclosure_decision(exported: Any) -> None:
    from disclosures.models import DisclosureDecision

    e, _ = exported
    decision = DisclosureDecision.objects.get(pk=e.disclosure_decision_id)
    assert decision.incident_id == e.incident_id
    assert decision.decision == "share"
    assert decision.shared_file_sha256 == e.sha256
    assert decision.shared_file_name == e.filename
    assert decision.decided_by == e.requested_by
    recipient = decision.recipients.get()
    assert (recipient.name, recipient.recipient_organisation, recipient.category) == (
        "Sam Inspector",
        "Care Quality Commission",
        "cqc",
    )
    assert decision.consent_position == "not_sought"
    # What the exporter looked at travels with the decision log.
    assert decision.information_considered == (
        "CQC's written request and the incident's chronology."
    )
    assert decision.lawful_basis == "legal_obligation"
    assert "Legal obligation — Art. 6(1)(c)" in e.lawful_basis
    # "What was shared" names the kinds of record in words, not internal codes.
    assert "Chronology entries" in decision.what_shared
    assert "entry," not in decision.what_shared and "status;" not in decision.what_shared
    assert "from the start to the latest" in decision.what_shared


def test_decision_log_rules_apply_before_rendering(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from tests.chronology.factories import decision_log

    with pytest.raises(ValidationError) as exc:
        export(
            world.users["lead"],
            world.objects["incident"],
            decision_log=decision_log(consent_reason="", proportionality=""),
        )
    assert "consent_reason" in exc.value.message_dict
    assert "proportionality" in exc.value.message_dict
    assert not ChronologyExport.objects.exists()


def test_no_file_without_its_disclosure_decision(world: Any, monkeypatch: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from chronology import integrations

    def refuse(export: Any) -> None:
        raise PermissionDenied

    monkeypatch.setattr(integrations, "record_export_disclosure", refuse)
    e = export(world.users["lead"], world.objects["incident"])
    assert e.status == "failed"
    assert e.pdf is None
    assert "disclosure decision could not be recorded" in e.failure

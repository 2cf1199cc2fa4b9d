"""Evidence files (issue 21, part 2): type from the content, clear refusals that
store nothing, metadata stripped, hashes kept, append-only, served only as a
download through the incident's rules."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse
from PIL import Image

from allegations import services as allegation_services
from audits.models import AuditEntry
from incidents import services
from incidents.models import EvidenceFile
from incidents.uploads import evidence_storage
from tests.allegations.factories import make_staff
from tests.incidents import evidence as ev
from tests.incidents.people import staff_source

REFUSED = (InternalError, ProgrammingError)


def _stored_names() -> list[str]:
    storage = evidence_storage()
    if not storage.exists(""):
        return []
    found = []
    dirs, files = storage.listdir("")
    for d in dirs:
        found += [f"{d}/{f}" for f in storage.listdir(d)[1]]
    return found + files


def _refused(world, data, name, message):
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(
            actor=world.users["manager"], entry=ev.entry(world), upload=ev.upload(data, name)
        )
    assert message in " ".join(exc.value.message_dict["file"])
    assert not EvidenceFile.objects.exists()
    assert _stored_names() == []


def test_a_renamed_executable_is_refused(world):
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 400
    _refused(world, exe, "photo.jpg", "Its content is application/x-msdownload")


def test_html_is_refused(world):
    _refused(world, b"<html><script>alert(1)</script></html>", "letter.pdf", "cannot be added")


def test_svg_with_script_is_refused(world):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    _refused(world, svg, "body.svg", "cannot be added")


def test_an_empty_file_is_refused(world):
    _refused(world, b"", "photo.jpg", "empty (0 bytes)")


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.SAFEGUARD_EVIDENCE_MAX_BYTES = 500
    _refused(world, ev.jpeg_with_gps() + b"\x00" * 600, "photo.jpg", "larger than the limit")


def test_a_truncated_jpeg_is_refused(world):
    data = ev.jpeg_with_gps()
    _refused(world, data[: len(data) // 2], "photo.jpg", "damaged or incomplete")


def test_a_damaged_pdf_is_refused(world):
    data = ev.pdf()
    _refused(world, data[:60], "letter.pdf", "damaged or incomplete")


def test_a_stored_photograph_has_no_exif_or_gps(world):
    original = ev.jpeg_with_gps()
    assert ev.GPS_MARK in original
    evidence = ev.photo(world)
    with evidence_storage().open(evidence.storage_name, "rb") as handle:
        stored = handle.read()
    assert ev.GPS_MARK not in stored and b"Exif" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not dict(image.getexif()) and "exif" not in image.info
    assert evidence.original_sha256 == hashlib.sha256(original).hexdigest()
    assert evidence.sha256 == hashlib.sha256(stored).hexdigest() != evidence.original_sha256
    assert (evidence.size, evidence.content_type) == (len(stored), "image/jpeg")
    assert evidence.metadata_removed and evidence.uploaded_by == world.users["manager"]


def test_png_and_pdf_are_accepted(world):
    entry = ev.entry(world)
    actor = world.users["manager"]
    png = services.add_evidence(actor=actor, entry=entry, upload=ev.upload(ev.png(), "a.png"))
    data = ev.pdf()
    pdf = services.add_evidence(actor=actor, entry=entry, upload=ev.upload(data, "email.pdf"))
    assert png.content_type == "image/png"
    assert (pdf.content_type, pdf.sha256) == ("application/pdf", hashlib.sha256(data).hexdigest())
    assert not pdf.metadata_removed


def test_a_correction_is_a_new_file_with_a_reason(world):
    first = ev.photo(world)
    entry = ev.entry(world)
    with pytest.raises(ValidationError):
        services.add_evidence(
            actor=world.users["manager"], entry=entry, upload=ev.upload(ev.png()), replaces=first
        )
    second = services.add_evidence(
        actor=world.users["manager"],
        entry=entry,
        upload=ev.upload(ev.png(), "right.png"),
        replaces=first,
        correction_reason="The first photograph was of the wrong arm.",
    )
    assert second.replaces == first
    assert EvidenceFile.objects.count() == 2


def test_the_app_role_cannot_rewrite_or_delete_a_file_row(world):
    evidence = ev.photo(world)
    for sql in (
        "UPDATE incidents_evidencefile SET sha256 = 'x' WHERE id = %s",
        "UPDATE incidents_evidencefile SET storage_name = 'other' WHERE id = %s",
        "DELETE FROM incidents_evidencefile WHERE id = %s",
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [evidence.pk])


def test_download_is_an_attachment_never_sniffed_and_logged(world):
    evidence = ev.photo(world)
    url = reverse("incidents:evidence_download", args=[evidence.incident_id, evidence.pk])
    response = world.client("auditor").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == evidence.sha256
    assert AuditEntry.objects.filter(
        actor=world.users["auditor"], action=AuditEntry.Action.ACCESS, object_pk=str(evidence.pk)
    ).exists()


def test_upload_page_shows_the_refusal_and_stores_nothing(world):
    entry = ev.entry(world)
    url = reverse("incidents:evidence_upload", args=[entry.incident_id, entry.pk])
    response = world.client("manager").post(
        url, {"file": ev.upload(b"<svg onload=alert(1)>", "x.jpg", "image/jpeg")}
    )
    assert response.status_code == 200
    assert "cannot be added" in response.content.decode()
    assert not EvidenceFile.objects.exists() and _stored_names() == []
    ok = world.client("manager").post(url, {"file": ev.upload(ev.jpeg_with_gps())})
    assert ok.status_code == 302
    assert EvidenceFile.objects.count() == 1 and len(_stored_names()) == 1
    page = world.client("manager").get(reverse("incidents:detail", args=[entry.incident_id]))
    assert EvidenceFile.objects.get().sha256 in page.content.decode()


def test_staff_source_of_harm_cannot_download_the_files(world):
    evidence = ev.photo(world)
    staff_user = world.user("subject_manager")
    url = reverse("incidents:evidence_download", args=[evidence.incident_id, evidence.pk])
    assert world.client("subject_manager").get(url).status_code == 200
    allegation_services.name_staff_as_source_of_harm(
        actor=world.users["manager"],
        link=staff_source(world),
        staff_member=make_staff(world, user=staff_user),
    )
    assert world.client("subject_manager").get(url).status_code == 404


def test_files_are_listed_on_the_timeline(world):
    evidence = ev.photo(world)
    page = world.client("lead").get(reverse("chronology:timeline", args=[evidence.incident_id]))
    html = page.content.decode()
    assert "Evidence files" in html and evidence.sha256 in html

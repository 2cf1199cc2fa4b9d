"""The public check page: no account, only the allowed fields, rate-limited,
logged without the file, and safe against large or malformed uploads."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audits.models import AuditEntry
from audits.redaction import fingerprint
from chronology import signing
from chronology.models import VerificationAttempt
from tests.chronology.factories import export

URL = "/check/"


@pytest.fixture
def foreign(world: Any) -> Any:
    """An export made by another organisation than the signed-in user's."""
    return export(
        world.users["outsider"],
        world.objects["other_incident"],
        kinds=["incident", "entry"],
        recipient_name="Pat Confidential-Recipient",
        recipient_organisation="Secret Borough Council",
    )


def _upload(client: Client, data: bytes, name: str = "file.pdf") -> Any:
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/pdf")})


def _forbidden_text(made: Any) -> list[str]:
    incident = made.incident
    people = [p.initials for p in incident.people.all()]
    return [
        made.recipient_name,
        made.recipient_organisation,
        made.recipient_role,
        incident.reference,
        incident.summary,
        made.purpose,
        *people,
    ]


def test_the_url_is_the_one_printed_on_covers() -> None:
    assert reverse("check") == URL


def test_anyone_can_open_it_and_see_the_certificate_fingerprint(world: Any) -> None:
    page = Client().get(URL)
    assert page.status_code == 200
    assert signing.fingerprint_label(signing.certificate_fingerprint()) in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "lead"])
def test_a_file_from_another_organisation_answers_only_the_allowed_fields(
    world: Any, foreign: Any, who: str
) -> None:
    client = Client() if who == "anonymous" else world.client("lead")
    page = _upload(client, bytes(foreign.pdf))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Genuine export." in body
    assert foreign.public_id in body
    assert world.other_org.name in body
    assert f'<dd class="col-sm-9">{foreign.page_count}</dd>' in body
    assert "intact" in body
    for text in _forbidden_text(foreign):
        assert text and text not in body, text
    assert foreign.requested_by.username not in body


def test_a_pasted_hash_answers_without_a_signature_line(world: Any, foreign: Any) -> None:
    page = Client().post(URL, {"sha256": foreign.sha256.upper()})
    body = page.content.decode()
    assert "Genuine export." in body and foreign.public_id in body
    assert "Signature</dt>" not in body
    for text in _forbidden_text(foreign):
        assert text not in body, text


def test_a_forged_hash_is_not_genuine(world: Any, foreign: Any) -> None:
    forged = hashlib.sha256(b"forged").hexdigest()
    page = Client().post(URL, {"sha256": forged})
    body = page.content.decode()
    assert "Not a genuine export." in body
    assert foreign.public_id not in body
    page = Client().post(URL, {"sha256": "not-a-hash"})
    assert page.status_code == 400
    assert "64 characters" in page.content.decode()


def test_a_one_byte_change_is_not_genuine_and_its_signature_is_broken(
    world: Any, foreign: Any
) -> None:
    data = bytearray(foreign.pdf)
    data[len(data) // 3] ^= 0x01
    body = _upload(Client(), bytes(data)).content.decode()
    assert "Not a genuine export." in body
    assert "broken" in body
    assert foreign.public_id not in body and world.other_org.name not in body


def test_an_oversize_upload_is_refused_before_its_body_is_read(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_CHECK_MAX_BYTES = 1000
    # No CSRF token either: the size is refused before the CSRF check would
    # parse the body, so the answer is "too large", not "forbidden".
    client = Client(enforce_csrf_checks=True)
    big = b"%PDF-1.7\n" + b"0" * 200_000
    page = client.post(URL, {"file": SimpleUploadedFile("big.pdf", big, "application/pdf")})
    assert page.status_code == 413
    assert "larger than 0 MB" in page.content.decode() or "larger than" in page.content.decode()
    refused = VerificationAttempt.objects.get(via="public")
    assert refused.rejected == "too_large" and refused.sha256 == ""


def test_a_file_above_the_limit_within_the_slack_is_refused_by_the_form(
    world: Any, settings: Any
) -> None:
    settings.SAFEGUARD_CHECK_MAX_BYTES = 1000
    page = _upload(Client(), b"%PDF-1.7\n" + b"0" * 5000)
    assert page.status_code == 400
    assert "larger than any of our exports" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message", "reason"),
    [
        (b"GIF89a not a pdf at all", "not a PDF file", "not_pdf"),
        (b"", "That file is empty.", "empty"),
    ],
)
def test_non_pdf_and_empty_uploads_get_a_clear_error(
    world: Any, data: bytes, message: str, reason: str
) -> None:
    page = _upload(Client(), data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert VerificationAttempt.objects.get(via="public").rejected == reason


def test_a_malformed_pdf_is_answered_not_a_500(world: Any) -> None:
    page = _upload(Client(), b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage trailer\n%%EOF")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Not a genuine export." in body
    assert "not a readable PDF" in body


def test_nothing_given_is_a_form_error(world: Any) -> None:
    page = Client().post(URL, {})
    assert page.status_code == 400
    assert "Choose the PDF file, or paste its SHA-256." in page.content.decode()


def test_checks_are_rate_limited_per_address(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_CHECK_RATE = 2
    forged = {"sha256": "ab" * 32}
    one = Client(REMOTE_ADDR="203.0.113.7")
    assert one.post(URL, forged).status_code == 200
    assert one.post(URL, {"sha256": "nonsense"}).status_code == 400  # refused ones count too
    limited = one.post(URL, forged)
    assert limited.status_code == 429
    assert "Too many checks" in limited.content.decode()
    # Another address is not affected.
    assert Client(REMOTE_ADDR="203.0.113.8").post(URL, forged).status_code == 200
    # The limiter counts rows in the database (shared by every worker), keyed
    # by a hash of the address, never the address itself.
    keys = set(VerificationAttempt.objects.filter(via="public").values_list("client", flat=True))
    assert len(keys) == 2
    assert not any("203.0.113" in k for k in keys)


def test_behind_trusted_proxies_the_forwarded_address_counts(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_CHECK_RATE = 1
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    proxy = "10.0.0.1"
    forged = {"sha256": "cd" * 32}
    # As django-ipware counts proxies (the same setting django-axes uses).
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.2")
    assert first.post(URL, forged).status_code == 200
    assert first.post(URL, forged).status_code == 429
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2, 10.0.0.2")
    assert second.post(URL, forged).status_code == 200


def test_each_check_is_in_the_audit_trail_with_the_hash_only(world: Any, foreign: Any) -> None:
    data = bytes(foreign.pdf)
    _upload(Client(), data)
    attempt = VerificationAttempt.objects.get(via="public")
    assert attempt.sha256 == foreign.sha256
    assert attempt.matched == foreign and attempt.checked_by is None
    assert attempt.signature == "intact"
    entry = AuditEntry.objects.filter(object_pk=str(attempt.pk)).latest("pk")
    # The audit trail keeps its usual keyed fingerprint of each value
    # (docs/audit-trail.md): of the hash here, and of nothing like the file.
    assert entry.changes["sha256"][1] == fingerprint(foreign.sha256)
    assert len(str(entry.changes)) < 2000

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from chronology import services
from chronology.models import VerificationAttempt
from tests.chronology.factories import export, registered_export


@pytest.fixture
def exported(world: Any) -> Any:
    return export(world.users["lead"], world.objects["incident"])


def test_verification_accepts_the_file_and_rejects_a_one_byte_change(
    world: Any, exported: Any
) -> None:
    data = bytes(exported.pdf)
    ok = services.verify_pdf(actor=world.users["lead"], data=data)
    assert ok.matched == exported
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    bad = services.verify_pdf(actor=world.users["lead"], data=bytes(changed))
    assert bad.matched is None
    assert VerificationAttempt.objects.count() == 2  # both logged


def test_other_organisations_exports_do_not_match(world: Any, exported: Any) -> None:
    attempt = services.verify_pdf(actor=world.users["outsider"], data=bytes(exported.pdf))
    assert attempt.matched is None
    assert attempt.organisation_id == world.other_org.pk


def test_verify_page(world: Any, exported: Any) -> None:
    client = world.client("lead")
    url = reverse("chronology:verify")
    data = bytes(exported.pdf)
    page = client.post(url, {"file": SimpleUploadedFile("x.pdf", data, "application/pdf")})
    body = page.content.decode()
    assert "Match." in body and exported.public_id in body
    page = client.post(url, {"file": SimpleUploadedFile("x.pdf", data + b"\n", "application/pdf")})
    assert "No match." in page.content.decode()
    page = client.post(url, {})
    assert "This field is required." in page.content.decode()


def test_verify_export_command(world: Any, exported: Any, tmp_path: Any, capsys: Any) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(bytes(exported.pdf))
    call_command("verify_export", str(good))
    assert f"MATCH: export {exported.public_id}" in capsys.readouterr().out
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(exported.pdf)[:-1])
    with pytest.raises(SystemExit) as exc:
        call_command("verify_export", str(bad))
    assert exc.value.code == 1
    assert "NO MATCH" in capsys.readouterr().out
    assert VerificationAttempt.objects.filter(via="command").count() == 2


def test_register_search(world: Any) -> None:
    e = registered_export(world.users["lead"], world.objects["incident"])
    client = world.client("lead")
    body = client.get(reverse("chronology:exports"), {"q": e.public_id}).content.decode()
    assert e.public_id in body
    body = client.get(reverse("chronology:exports"), {"q": "nothing-like-it"}).content.decode()
    assert "No export matches" in body

"""Evidence in exports (issue 21, part 4): every file listed with name, type,
size, SHA-256 and who added it (entries' and decisions' files); photographs go
in only where the profile allows AND the exporter ticked them; the cover says so."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader

from disclosures import services as decision_services
from tests.chronology.factories import export
from tests.disclosures.factories import make_decision
from tests.incidents import evidence as ev


@pytest.fixture
def files(world: Any) -> dict[str, Any]:
    incident = world.objects["incident"]
    entry_photo = ev.photo(world)
    decision = make_decision(world.users["manager"], incident)
    decision_photo = decision_services.add_decision_evidence(
        actor=world.users["manager"],
        decision=decision,
        upload=ev.upload(ev.png(), "referral-photo.png"),
    )
    letter = decision_services.add_decision_evidence(
        actor=world.users["manager"], decision=decision, upload=ev.upload(ev.pdf(), "letter.pdf")
    )
    return {"entry": entry_photo, "decision": decision_photo, "letter": letter}


def _read(world: Any, profile: str, include_images: bool) -> tuple[str, int]:
    e = export(
        world.users["lead"],
        world.objects["incident"],
        profile=profile,
        include_images=include_images,
    )
    assert e.status == "done", e.failure
    reader = PdfReader(io.BytesIO(bytes(e.pdf)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Distinct pictures: pages may share one resources dictionary.
    images = {
        hashlib.sha256(image.data).hexdigest() for page in reader.pages for image in page.images
    }
    return text, len(images)


def _compact(text: str) -> str:
    return "".join(text.split())


def test_images_only_when_profile_allows_and_ticked(world: Any, files: dict[str, Any]) -> None:
    plain, images_off = _read(world, "police", include_images=False)
    ticked, images_on = _read(world, "police", include_images=True)
    # The entry's photograph and the decision's; the PDF letter is listed only.
    assert images_on == images_off + 2
    assert "did not choose to include them" in " ".join(plain.split())
    assert "Photographs on the records are included" in " ".join(ticked.split())
    for f in files.values():
        assert f.sha256 in _compact(plain), f.original_name
        assert _compact(f.original_name) in _compact(plain)


def test_a_profile_without_images_ignores_the_tick(world: Any, files: dict[str, Any]) -> None:
    _plain, images_off = _read(world, "cqc", include_images=False)
    ticked, images_on = _read(world, "cqc", include_images=True)
    assert images_on == images_off
    assert "this audience does not receive them" in " ".join(ticked.split())
    # CQC still gets the list, decisions' files included.
    assert files["decision"].sha256 in _compact(ticked)


def test_commissioner_gets_neither_list_nor_images(world: Any, files: dict[str, Any]) -> None:
    text, _images = _read(world, "commissioner", include_images=True)
    assert files["decision"].sha256 not in _compact(text)
    assert files["entry"].sha256 not in _compact(text)

"""Names to initials (chronology/redaction.py), without rendering a PDF."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from chronology.redaction import Redactor

EDITH = SimpleNamespace(
    given_name="Edith", family_name="Clarke", preferred_name="Edie", initials="E.C."
)


def test_every_known_name_becomes_the_initials_once() -> None:
    r = Redactor([EDITH])
    text = r.text("Edith Clarke; CLARKE, edith; Edie's room; clarke said; Edithson stays")
    assert text == "E.C.; E.C.; E.C.'s room; E.C. said; Edithson stays"
    assert r.count == 4


def test_no_people_no_change() -> None:
    r = Redactor([])
    assert r.text("Edith Clarke") == "Edith Clarke"
    assert r.count == 0


def test_the_page_shows_the_history_to_leads_only(world: Any) -> None:
    from incidents import services as incident_services

    incident = world.objects["restricted"]
    incident_services.grant_need_to_know(
        actor=world.users["lead"],
        incident=incident,
        user=world.users["manager"],
        reason="Registered manager of the service",
        expected_version=incident.version,
    )
    url = reverse("chronology:timeline", args=[incident.pk])
    lead_page = world.client("lead").get(url).content.decode()
    assert "added to the need-to-know list" in lead_page
    assert "Restricted to a need-to-know list" in lead_page
    manager_page = world.client("manager").get(url).content.decode()
    assert "added to the need-to-know list" not in manager_page
    # The fact of restriction is on the incident for everyone who may open it.
    assert "Restricted to a need-to-know list and the safeguarding leads" in manager_page

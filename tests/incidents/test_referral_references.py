"""An incident's notification references have one home, the referral that
carries them, and the incident page shows them to whoever may know of the
allegation, and to nobody else (issue 18, point 1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from incidents import services as incident_services
from tests.allegations.factories import with_content


def _page(world: Any, role: str) -> str:
    url = reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk})
    response = world.client(role).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_the_page_shows_a_referral_reference_to_those_who_may_read_the_allegation(
    world: Any, role: str
) -> None:
    with_content(world)  # a local-authority referral with reference LA-1
    page = _page(world, role)
    assert "From the notifications sent and the referrals" in page
    assert "LA-1 (" in page


def test_the_page_tells_nobody_else_of_the_allegation_through_its_reference(world: Any) -> None:
    with_content(world)
    # An auditor named on the (now restricted) incident's list opens the
    # incident, but auditors never see allegations.
    incident = world.objects["incident"]
    incident.refresh_from_db()
    incident_services.grant_need_to_know(
        actor=world.users["lead"],
        incident=incident,
        user=world.users["auditor"],
        reason="Record-quality audit of this incident",
        expected_version=incident.version,
    )
    page = _page(world, "auditor")
    assert "LA-1" not in page
    assert "referrals" not in page

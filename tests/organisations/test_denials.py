"""Clear denials: one helpful 404 page, identical for a record that exists but is
not visible and for one that does not exist; a role-gated page names the role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from disclosures.models import DisclosureDecision
from incidents.models import Incident, Person
from tests.disclosures.factories import make_decision

MISSING = 987654


def _get(world: Any, role: str, url: str) -> str:
    response = world.client(role).get(url)
    assert response.status_code == 404
    return response.content.decode()


@pytest.mark.parametrize(
    ("role", "name", "key"),
    [
        ("manager_dom", "incidents:detail", "incident"),  # another service's incident
        ("manager", "incidents:detail", "restricted"),  # restricted, not on the list
        ("manager", "incidents:detail", "other_incident"),  # another organisation
        ("hr", "incidents:detail", "incident"),  # a role that reads no incidents
        ("manager_dom", "incidents:entry_create", "incident"),
        ("auditor", "disclosures:create", "other_incident"),
        ("lead", "disclosures:detail", "other_decision"),
        ("manager_dom", "incidents:person_detail", "person"),
    ],
)
def test_an_invisible_record_and_a_missing_one_get_the_same_page(
    world: Any, role: str, name: str, key: str
) -> None:
    other_manager = get_user_model().objects.get(username="other_manager")
    world.objects["other_decision"] = make_decision(other_manager, world.objects["other_incident"])
    world.objects["person"] = world.objects["incident"].people.first()
    target = world.objects[key]
    missing = MISSING + max(
        Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        DisclosureDecision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )
    existing = _get(world, role, reverse(name, kwargs={"pk": target.pk}))
    absent = _get(world, role, reverse(name, kwargs={"pk": missing}))
    assert existing == absent  # byte for byte: nothing hints that the record exists
    assert "may not exist, or you may not have access to it" in existing
    assert "Ask a safeguarding lead at Riverside Test Group" in existing
    assert "ask your organisation admin" in existing
    assert "This page is for" not in existing


@pytest.mark.parametrize(
    ("role", "url", "needed"),
    [
        ("hr", "disclosures:reviews_due", "managers and safeguarding leads"),
        ("admin", "incidents:list", "managers, safeguarding leads and auditors"),
        ("manager", "audits:search", "safeguarding leads and auditors"),
        ("manager", "organisations:members", "organisation admins"),
        ("auditor", "allegations:list", "managers, safeguarding leads and HR staff"),
        ("manager", "chronology:exports", "safeguarding leads"),
    ],
)
def test_a_role_gated_page_says_which_role_it_needs(
    world: Any, role: str, url: str, needed: str
) -> None:
    body = _get(world, role, reverse(url))
    assert f"This page is for {needed}" in body
    assert "ask your organisation admin whether your role should change" in body


def test_an_action_on_a_visible_record_names_the_role_an_invisible_one_does_not(
    world: Any,
) -> None:
    # The auditor can read this incident, so naming the role reveals nothing.
    visible = reverse("disclosures:create", kwargs={"pk": world.objects["incident"].pk})
    assert "This page is for managers and safeguarding leads" in _get(world, "auditor", visible)
    # Another organisation's incident: the generic page, as for a missing one.
    hidden = reverse("disclosures:create", kwargs={"pk": world.objects["other_incident"].pk})
    assert "This page is for" not in _get(world, "auditor", hidden)


def test_an_incident_made_restricted_after_you_saw_it_gets_the_same_page(world: Any) -> None:
    """Losing access (the incident becomes restricted and you are not on its
    need-to-know list) reads exactly like a record that never existed: same page,
    same words, nothing but the address differs."""
    from incidents import services as incident_services

    incident = world.objects["incident"]
    client = world.client("manager")
    decision = make_decision(world.users["manager"], incident)
    urls = [
        reverse("incidents:detail", kwargs={"pk": incident.pk}),
        reverse("disclosures:detail", kwargs={"pk": decision.pk}),
    ]
    assert all(client.get(url).status_code == 200 for url in urls)
    incident.refresh_from_db()
    incident_services.set_restricted(
        actor=world.users["lead"],
        incident=incident,
        restricted=True,
        expected_version=incident.version,
    )
    missing = MISSING + max(incident.pk, decision.pk)
    for name, pk in [("incidents:detail", incident.pk), ("disclosures:detail", decision.pk)]:
        lost = _get(world, "manager", reverse(name, kwargs={"pk": pk}))
        absent = _get(world, "manager", reverse(name, kwargs={"pk": missing}))
        assert lost == absent
        assert "may not exist, or you may not have access to it" in lost
        assert "Ask a safeguarding lead at Riverside Test Group" in lost

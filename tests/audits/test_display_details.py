"""The audit trail's Details column in plain words (audits/display.py): the
records a change or a list page was about are named when the reader may see
them, and otherwise only counted; nothing stored changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audits.display import describe
from audits.models import AuditEntry
from incidents.models import Incident
from organisations import services
from organisations.audit import log_listed
from organisations.models import Role

pytestmark = pytest.mark.django_db

A = AuditEntry.Action


def _details(entry: AuditEntry, viewer: Any) -> str:
    return " | ".join(describe([entry], viewer)[0].details_lines)


def test_a_membership_change_names_the_services(world: Any) -> None:
    manager = world.users["manager"].membership
    services.update_member(
        actor=world.users["admin"],
        membership=manager,
        role=Role.MANAGER,
        services=[world.home, world.dom],
        active=True,
    )
    entry = (
        AuditEntry.objects.filter(action=A.UPDATE, changes__has_key="services")
        .order_by("-pk")
        .first()
    )
    assert entry is not None
    assert entry.changes["services"]["objects"] == [f"Service #{world.dom.pk}"]  # stored
    assert _details(entry, world.users["lead"]) == "Services: added Test Home Care"
    # The page shows it too, without the id.
    table = world.client("lead").get(reverse("audits:search")).content.decode()
    assert "Services: added Test Home Care" in table
    assert f"Service #{world.dom.pk}" not in table


def test_a_list_page_names_the_incidents_the_reader_may_see(world: Any) -> None:
    incident, restricted = world.objects["incident"], world.objects["restricted"]
    from organisations.audit import acting_as

    with acting_as(world.users["lead"]):
        log_listed(Incident, [incident, restricted], view="incident_list")
    entry = AuditEntry.objects.filter(view="incident_list").order_by("-pk").first()
    assert entry is not None
    lead_sees = _details(entry, world.users["lead"])
    assert lead_sees == f"Incidents shown: {incident.reference}, {restricted.reference}"
    # The auditor may not see the restricted incident: it is counted, never named.
    auditor_sees = _details(entry, world.users["auditor"])
    assert auditor_sees == (
        f"Incidents shown: {incident.reference} and 1 incident not visible to you"
    )
    assert f"#{restricted.pk}" not in auditor_sees
    # Another organisation's reader learns nothing of either.
    outsider_sees = _details(entry, world.users["outsider"])
    assert outsider_sees == "Incidents shown: 2 incidents not visible to you"
    assert incident.reference not in outsider_sees


def test_adults_at_risk_shown_are_named_only_to_those_who_may_see_them(world: Any) -> None:
    from incidents.models import Person
    from organisations.audit import acting_as

    person = world.objects["incident"].people.get()
    with acting_as(world.users["lead"]):
        log_listed(Person, [person], view="person_list")
    entry = AuditEntry.objects.filter(view="person_list").order_by("-pk").first()
    assert entry is not None
    assert _details(entry, world.users["lead"]) == f"Adults at risk shown: {person.full_name}"
    # A manager of another service may not look this person up: counted, not named.
    hidden = _details(entry, world.users["manager_dom"])
    assert hidden == "Adults at risk shown: 1 adult at risk not visible to you"


def test_another_organisations_service_is_never_named(world: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from organisations.models import Membership, Service

    theirs = Service.objects.get(name="Elsewhere House")
    entry = AuditEntry(
        action=A.UPDATE,
        content_type=ContentType.objects.get_for_model(Membership),
        object_pk=str(world.users["manager"].membership.pk),
        object_repr="Membership #1",
        changes={
            "services": {"type": "m2m", "operation": "add", "objects": [f"Service #{theirs.pk}"]}
        },
    )
    assert _details(entry, world.users["lead"]) == "Services: added 1 service not visible to you"

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from incidents.models import ChronologyEntry, Incident, Person
from tests.factories import make_incident


def test_list_filters_search_and_empty_state(world):
    manager = world.users["manager"]
    make_incident(manager, world.home, categories=["financial"], summary="Missing cash")
    client = world.client("manager")
    url = reverse("incidents:list")

    page = client.get(url, {"category": "financial"}).content.decode()
    assert "Missing cash" in page
    assert "Bruise on arm" not in page

    page = client.get(url, {"q": world.objects["incident"].reference}).content.decode()
    assert world.objects["incident"].reference in page
    assert "Missing cash" not in page

    person = world.objects["incident"].people.first()
    page = client.get(url, {"q": person.family_name}).content.decode()
    assert world.objects["incident"].reference in page

    page = client.get(url, {"status": "closed"}).content.decode()
    assert "No incidents match these filters" in page


def test_list_hides_restricted_and_other_service_incidents(world):
    restricted = world.objects["restricted"].reference
    page = world.client("manager").get(reverse("incidents:list")).content.decode()
    assert world.objects["incident"].reference in page
    assert restricted not in page
    assert world.objects["other_incident"].reference not in page
    page = world.client("manager_dom").get(reverse("incidents:list")).content.decode()
    assert world.objects["incident"].reference not in page
    page = world.client("lead").get(reverse("incidents:list")).content.decode()
    assert restricted in page


def test_list_paginates(world):
    for _ in range(26):
        make_incident(world.users["manager"], world.home)
    client = world.client("lead")
    first = client.get(reverse("incidents:list"))
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("incidents:list"), {"page": 2})
    assert second.status_code == 200
    assert "Page 2 of 2" in second.content.decode()


def test_invalid_date_filter_is_explained(world):
    page = world.client("manager").get(
        reverse("incidents:list"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "The end date is before the start date." in page.content.decode()


def _incident_post(world, **overrides):
    now = timezone.localtime()
    data = {
        "service": world.home.pk,
        "new_given_name": "Edna",
        "new_family_name": "Whitlock",
        "categories": ["physical", "neglect"],
        "summary": "Bruise on forearm",
        "what_happened": "Saw a 3 cm bruise at 08:10.",
        "became_aware_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "raised_by": "P. Shah, care worker",
        "risk_level": "medium",
    }
    data.update(overrides)
    return data


def test_create_incident_with_new_person(world):
    response = world.client("manager").post(reverse("incidents:create"), _incident_post(world))
    assert response.status_code == 302
    incident = Incident.objects.get(summary="Bruise on forearm")
    assert incident.people.get().full_name == "Edna Whitlock"
    assert incident.categories == ["neglect", "physical"]
    assert incident.created_by == world.users["manager"]


def test_bad_input_keeps_everything_and_saves_nothing(world):
    incidents, people = Incident.objects.count(), Person.objects.count()
    response = world.client("manager").post(
        reverse("incidents:create"), _incident_post(world, categories=[], risk_level="")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing has been saved yet" in body
    assert "Saw a 3 cm bruise at 08:10." in body  # input kept
    assert Incident.objects.count() == incidents
    assert Person.objects.count() == people


def test_manager_cannot_pick_a_service_outside_their_own(world):
    response = world.client("manager").post(
        reverse("incidents:create"), _incident_post(world, service=world.dom.pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_detail_shows_both_times_and_amendment_under_original(world):
    incident = world.objects["incident"]
    client = world.client("manager")
    occurred = timezone.localtime() - timedelta(hours=1)
    client.post(
        reverse("incidents:entry_create", args=[incident.pk]),
        {
            "kind": "conversation",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "facts": "Spoke with her daughter by phone.",
            "present": "M. Okafor",
        },
    )
    entry = ChronologyEntry.objects.get(incident=incident)
    client.post(
        reverse("incidents:entry_amend", args=[incident.pk, entry.pk]),
        {"new_text": "Spoke with her son by phone.", "reason": "Wrong relative recorded."},
    )
    body = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Spoke with her daughter by phone." in body
    assert "Spoke with her son by phone." in body
    assert body.index("her daughter") < body.index("her son")
    assert "Wrong relative recorded." in body
    assert "Recorded" in body and "Happened" in body


def test_future_entry_is_refused_on_the_form(world):
    incident = world.objects["incident"]
    future = timezone.localtime() + timedelta(days=2)
    response = world.client("manager").post(
        reverse("incidents:entry_create", args=[incident.pk]),
        {"kind": "observation", "occurred_at": future.strftime("%Y-%m-%dT%H:%M"), "facts": "x"},
    )
    assert "cannot be in the future" in response.content.decode()
    assert not ChronologyEntry.objects.exists()


def test_stale_status_form_shows_someone_else_changed_it(world):
    incident = world.objects["incident"]
    client = world.client("manager")
    url = reverse("incidents:status_change", args=[incident.pk])
    stale = incident.version
    client.post(url, {"version": stale, "to_status": "under_enquiry", "reason": "s42"})
    response = client.post(
        url,
        {"version": stale, "to_status": "closed", "closure_outcome": "risk_removed", "reason": "x"},
        follow=True,
    )
    assert "Someone else changed this incident" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "under_enquiry"


def test_lead_restricts_and_grants_through_the_page(world):
    incident = world.objects["incident"]
    lead = world.client("lead")
    lead.post(
        reverse("incidents:restrict", args=[incident.pk]),
        {"version": incident.version, "restricted": "on"},
    )
    incident.refresh_from_db()
    assert incident.restricted
    assert (
        world.client("manager").get(reverse("incidents:detail", args=[incident.pk])).status_code
        == 404
    )
    lead.post(
        reverse("incidents:need_to_know", args=[incident.pk]),
        {
            "version": incident.version,
            "user": world.users["manager"].pk,
            "reason": "Leads response",
        },
    )
    assert (
        world.client("manager").get(reverse("incidents:detail", args=[incident.pk])).status_code
        == 200
    )

"""History tab and organisation-wide search: scoping, filters, CSV export."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from audits.models import AuditEntry
from incidents import services
from incidents.models import Incident
from organisations.audit import acting_as
from tests.audits.conftest import entries_for

A = AuditEntry.Action


def _csv(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_search_shows_only_the_organisations_entries(world):
    world.client("outsider").get(
        reverse("incidents:detail", args=[world.objects["other_incident"].pk])
    )
    response = world.client("lead").get(reverse("audits:search"))
    page = response.context["page"]
    assert page.paginator.count > 0
    assert all(e.organisation_id == world.org.pk for e in page.paginator.object_list)
    other = world.objects["other_incident"]
    assert not any(e.incident_id == other.pk for e in page.paginator.object_list)
    assert other.reference not in response.content.decode() or (
        other.reference in world.objects["incident"].reference  # same number, other prefix
    )


def test_auditor_does_not_see_restricted_incidents_entries(world):
    restricted = world.objects["restricted"]
    world.client("lead").get(reverse("incidents:detail", args=[restricted.pk]))
    lead_view = world.client("lead").get(reverse("audits:search"))
    auditor_view = world.client("auditor").get(reverse("audits:search"))
    lead_ids = {e.incident_id for e in lead_view.context["page"].paginator.object_list}
    auditor_ids = {e.incident_id for e in auditor_view.context["page"].paginator.object_list}
    assert restricted.pk in lead_ids
    assert restricted.pk not in auditor_ids


def test_search_filters(world):
    incident = world.objects["incident"]
    person = incident.people.get()
    world.client("auditor").get(reverse("incidents:detail", args=[incident.pk]))
    world.client("lead").get(reverse("incidents:person_detail", args=[person.pk]))
    lead = world.client("lead")

    def found(**params):
        response = lead.get(reverse("audits:search"), params)
        assert response.status_code == 200
        return list(response.context["page"].paginator.object_list)

    by_actor = found(actor=world.users["auditor"].pk)
    assert by_actor and all(e.actor_id == world.users["auditor"].pk for e in by_actor)
    by_action = found(action=A.ACCESS)
    assert by_action and all(e.action == A.ACCESS for e in by_action)
    incident_type = entries_for(incident).first().content_type_id
    by_type = found(object_type=incident_type)
    assert by_type and all(e.content_type_id == incident_type for e in by_type)
    by_person = found(person=person.pk)
    assert {e.incident_id for e in by_person} - {None} == {incident.pk}
    assert any(e.object_id == person.pk and e.view == "person" for e in by_person)
    assert found(date_from="2000-01-01", date_to="2000-01-02") == []
    response = lead.get(
        reverse("audits:search"), {"date_from": "2030-01-02", "date_to": "2030-01-01"}
    )
    assert "The end date is before the start date." in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_search_is_logged_with_its_filters(world):
    world.client("lead").get(reverse("audits:search"), {"action": A.LOGIN})
    entry = AuditEntry.objects.filter(view="audit_search").get()
    assert entry.action == A.ACCESS and entry.additional_data == {"action": A.LOGIN}
    assert entry.actor == world.users["lead"]


def test_csv_export_is_logged_and_safe(world):
    incident = world.objects["incident"]
    user = world.users["manager"]
    user.first_name, user.last_name = "=HYPERLINK(1)", "Smith"
    user.save()
    with acting_as(user):  # as the request middleware would
        services.add_entry(
            actor=user,
            incident=incident,
            kind="observation",
            facts="Text never exported",
            occurred_at=incident.became_aware_at,
        )
    response = world.client("lead").get(reverse("audits:search_csv"), {"action": A.CREATE})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows and all(r["action"] == "Created" for r in rows)
    assert any(r["done by"].startswith("'=HYPERLINK") for r in rows), {r["done by"] for r in rows}
    body = "".join(",".join(r.values()) for r in rows)
    assert "Text never exported" not in body
    export = AuditEntry.objects.get(action=A.EXPORT)
    assert export.view == "audit_search_csv" and export.actor == world.users["lead"]
    assert export.additional_data == {"action": A.CREATE, "rows": len(rows)}


def test_csv_with_an_invalid_search_goes_back_to_the_form(world):
    response = world.client("lead").get(
        reverse("audits:search_csv"), {"date_from": "2030-01-02", "date_to": "2030-01-01"}
    )
    assert response.status_code == 302 and "/audit/?" in response["Location"]
    assert not AuditEntry.objects.filter(action=A.EXPORT).exists()


def test_history_lists_who_did_and_who_viewed_newest_first(world):
    incident: Incident = world.objects["incident"]
    services.change_status(
        actor=world.users["manager"],
        incident=incident,
        to_status="under_enquiry",
        reason="Enquiry.",
        expected_version=incident.version,
    )
    world.client("auditor").get(reverse("incidents:detail", args=[incident.pk]))
    response = world.client("lead").get(reverse("audits:incident_history", args=[incident.pk]))
    html = response.content.decode()
    assert "Status: Open → Under enquiry" in html
    assert "Viewed" in html and world.users["auditor"].get_full_name() in html
    entries = list(response.context["page"].object_list)
    assert all(e.incident_id == incident.pk for e in entries)
    assert [e.timestamp for e in entries] == sorted((e.timestamp for e in entries), reverse=True)


def test_history_is_paginated(world):
    incident = world.objects["incident"]
    client = world.client("lead")
    for _ in range(55):
        client.get(reverse("incidents:detail", args=[incident.pk]))
    first = client.get(reverse("audits:incident_history", args=[incident.pk]))
    assert first.context["page"].paginator.num_pages == 2
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("audits:incident_history", args=[incident.pk]), {"page": 2})
    assert second.status_code == 200 and len(second.context["page"].object_list) > 0


def test_empty_search_state(world):
    response = world.client("lead").get(reverse("audits:search"), {"actor": world.users["hr"].pk})
    assert "No entries match this search." in response.content.decode()


def test_the_trail_names_people_and_says_where_in_words(world):
    """Once: "User #2" in the Record column and internal view names such as
    "disclosure_decision" in the Via column. The stored entries are unchanged."""
    from django.contrib.auth import get_user_model
    from django.utils.html import escape

    from tests.disclosures.factories import make_decision

    manager = world.users["manager"]
    decision = make_decision(manager, world.objects["incident"])
    client = Client()
    client.force_login(manager)  # a sign-in: a login entry about the manager's account
    client.get(reverse("disclosures:detail", args=[decision.pk]))
    client.get(reverse("incidents:detail", args=[world.objects["incident"].pk]))
    lead = world.client("lead")
    response = lead.get(reverse("audits:search"))
    html = response.content.decode()
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Where</th>' in table
    assert "Disclosure decision page" in table and "Incident page" in table
    assert ">disclosure_decision<" not in table and ">incident<" not in table
    name = escape(manager.get_full_name())
    assert f"{name} (user account)" in table
    assert f"User #{manager.pk}<" not in table
    # Nothing stored changed: the entry keeps the internal names.
    login_entry = AuditEntry.objects.filter(action=A.LOGIN, object_pk=str(manager.pk)).first()
    assert login_entry is not None and login_entry.object_repr == f"User #{manager.pk}"
    assert AuditEntry.objects.filter(view="disclosure_decision").exists()
    # Another organisation's user is never named.
    from audits.display import describe

    outsider = world.users["outsider"]
    Client().force_login(outsider)
    theirs = AuditEntry.objects.filter(
        action=A.LOGIN, object_pk=str(outsider.pk), content_type__model="user"
    )
    assert theirs.exists()
    labels = {e.record_label for e in describe(theirs, world.users["lead"])}
    assert labels == {f"User #{outsider.pk}"}
    assert get_user_model().objects.get(pk=outsider.pk).get_full_name() not in str(labels)
    history = lead.get(reverse("audits:incident_history", args=[world.objects["incident"].pk]))
    assert "Incident page" in history.content.decode()
    assert ">incident<" not in history.content.decode()

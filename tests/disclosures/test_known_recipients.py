"""Recipients chosen from people and organisations already known to the
incident: earlier decisions' recipients and linked family, advocates and
other professionals. Without JavaScript the server fills the row on submit;
what the author typed wins; a key from another incident is refused."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from disclosures.known import known_recipients
from disclosures.models import DisclosureDecision
from incidents import services as incident_services
from tests.disclosures.factories import make_decision
from tests.disclosures.test_views import form_data
from tests.factories import make_incident


def _url(incident: Any) -> str:
    return reverse("disclosures:create", kwargs={"pk": incident.pk})


def _known_world(world: Any) -> tuple[Any, Any, Any]:
    incident = world.objects["incident"]
    manager = world.users["manager"]
    earlier = make_decision(manager, incident)
    link = incident_services.link_person(
        actor=manager,
        incident=incident,
        role="advocate",
        given_name="Priya",
        family_name="Shah",
        description="Riverside Advocacy",
        relationship="Independent advocate",
    )
    incident_services.link_person(
        actor=manager,
        incident=incident,
        role="witness",
        given_name="Wendy",
        family_name="Witness",
    )
    return incident, earlier, link


def _row_only(data: dict[str, Any], **row: Any) -> dict[str, Any]:
    """The POST with recipient 1's typed boxes emptied and ``row`` set."""
    for field in ("name", "role", "organisation", "category"):
        data[f"recipients-0-{field}"] = ""
    data.update({f"recipients-0-{k}": v for k, v in row.items()})
    return data


def test_known_people_are_offered_once_and_witnesses_are_not(world: Any) -> None:
    incident, _, link = _known_world(world)
    make_decision(world.users["manager"], incident)  # the same recipient again
    known = known_recipients(world.users["manager"], incident)
    assert [k.name for k in known] == ["Sam Ellis", "Priya Shah"]
    assert known[1].row() == {
        "name": "Priya Shah",
        "role": "Independent advocate",
        "organisation": "Riverside Advocacy",
        "category": "advocate",
    }
    html = world.client("manager").get(_url(incident)).content.decode()
    assert 'name="recipients-0-known"' in html
    assert "Someone already known to this incident" in html
    assert f'value="person-{link.pk}"' in html and 'data-role="Independent advocate"' in html
    assert "Wendy" not in html


def test_no_list_when_nobody_is_known(world: Any) -> None:
    incident = make_incident(world.users["manager"], world.home, summary="Fresh")
    html = world.client("manager").get(_url(incident)).content.decode()
    assert 'name="recipients-0-known"' not in html


def test_choosing_someone_known_fills_the_row_without_javascript(world: Any) -> None:
    incident, earlier, link = _known_world(world)
    data = _row_only(form_data(world), known=f"person-{link.pk}")
    response = world.client("manager").post(_url(incident), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = DisclosureDecision.objects.exclude(pk=earlier.pk).get()
    r = saved.recipients.get()
    assert (r.name, r.role, r.recipient_organisation, r.category, r.channel) == (
        "Priya Shah",
        "Independent advocate",
        "Riverside Advocacy",
        "advocate",
        "secure_email",
    )


def test_what_the_author_typed_wins(world: Any) -> None:
    incident, earlier, _ = _known_world(world)
    recipient = earlier.recipients.get()
    data = _row_only(
        form_data(world), known=f"recipient-{recipient.pk}", role="Senior social worker"
    )
    response = world.client("manager").post(_url(incident), data)
    assert response.status_code == 302
    r = DisclosureDecision.objects.exclude(pk=earlier.pk).get().recipients.get()
    assert (r.name, r.role) == ("Sam Ellis", "Senior social worker")


def test_a_key_from_another_incident_is_refused(world: Any) -> None:
    incident, _, _ = _known_world(world)
    other = make_incident(world.users["manager"], world.home, summary="Elsewhere")
    elsewhere = make_decision(world.users["manager"], other).recipients.get()
    before = DisclosureDecision.objects.count()
    data = _row_only(form_data(world), known=f"recipient-{elsewhere.pk}")
    response = world.client("manager").post(_url(incident), data)
    assert response.status_code == 200
    assert DisclosureDecision.objects.count() == before
    assert "Select a valid choice" in response.content.decode()

"""Prior concerns on the "log an incident" form (issue 22, item 5): shown only
as the logger may see them, no narrative, acknowledgement required and
recorded once per submission."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEntry
from incidents import prior
from incidents.models import (
    Incident,
    IncidentExclusion,
    IncidentSubmission,
    PriorConcernAcknowledgement,
    PriorConcernShown,
)
from tests.factories import PersonFactory, make_incident

CREATE = reverse("incidents:create")


def _post(world, person, **overrides):
    now = timezone.localtime()
    data = {
        "service": person.service_id or world.home.pk,
        "people": [person.pk],
        "categories": ["psychological"],
        "summary": "Shouting heard",
        "what_happened": "Raised voices heard from room 4 at 21:00.",
        "became_aware_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "raised_by": "P. Shah, care worker",
        "risk_level": "medium",
        "submission": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _shown_value(body):
    match = re.search(r'name="prior_shown" value="([^"]*)"', body)
    assert match, "the form carries the incidents it showed"
    return match.group(1)


def test_first_submit_shows_earlier_concerns_and_saves_nothing(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    count = Incident.objects.count()
    response = world.client("manager").post(CREATE, _post(world, person))
    assert response.status_code == 200
    body = response.content.decode()
    assert Incident.objects.count() == count
    assert earlier.reference in body
    assert "Physical abuse" in body  # its categories
    assert re.search(
        rf'<label for="id_acknowledge_prior"[^>]*>\s*I have read the earlier concerns about '
        rf"{person.full_name}\s*</label>",
        body,
    )
    assert f"Confirm you have read the earlier concerns about {person.full_name}" in body
    assert 'href="#id_acknowledge_prior"' in body  # the error summary links to the box
    assert "Raised voices heard from room 4" in body  # nothing typed is lost
    # No narrative of the earlier incident: neither its facts nor its title.
    assert earlier.what_happened not in body
    assert earlier.summary not in body
    assert _shown_value(body) == str(earlier.pk)
    # Showing them is logged, by id.
    entry = AuditEntry.objects.filter(view="prior_concerns").latest("id")
    assert entry.actor == world.users["manager"]
    assert entry.additional_data["shown"] == [earlier.pk]


def test_acknowledged_submit_records_what_was_shown(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    client = world.client("manager")
    data = _post(world, person)
    body = client.post(CREATE, data).content.decode()
    data |= {"acknowledge_prior": "on", "prior_shown": _shown_value(body)}
    response = client.post(CREATE, data)
    assert response.status_code == 302
    new = Incident.objects.get(summary="Shouting heard")
    ack = PriorConcernAcknowledgement.objects.get(incident=new)
    assert ack.person == person
    assert ack.acknowledged_by == world.users["manager"]
    assert list(ack.shown.all()) == [earlier]
    # Shown on the new incident's page...
    page = client.get(reverse("incidents:detail", args=[new.pk])).content.decode()
    assert "Earlier concerns read when this was logged" in page
    assert f'href="{reverse("incidents:detail", args=[earlier.pk])}"' in page
    # ...and in its audit trail.
    lead = world.client("lead")
    history = lead.get(reverse("audits:incident_history", args=[new.pk])).content.decode()
    assert "Prior concern acknowledgement #" in history
    # The earlier incident's trail says it was shown.
    earlier_trail = lead.get(reverse("audits:incident_history", args=[earlier.pk]))
    assert "Prior concern shown #" in earlier_trail.content.decode()


def test_the_list_shown_without_the_box_ticked_is_not_enough(world):
    person = world.objects["incident"].people.get()
    client = world.client("manager")
    data = _post(world, person)
    data["prior_shown"] = _shown_value(client.post(CREATE, data).content.decode())
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert "Confirm you have read the earlier concerns" in response.content.decode()
    assert not Incident.objects.filter(summary="Shouting heard").exists()


def test_ticking_without_the_list_shown_is_not_enough(world):
    person = world.objects["incident"].people.get()
    data = _post(world, person, acknowledge_prior="on")  # no prior_shown: never saw them
    response = world.client("manager").post(CREATE, data)
    assert response.status_code == 200
    assert "Another concern was recorded" in response.content.decode()
    assert not Incident.objects.filter(summary="Shouting heard").exists()


def test_a_concern_recorded_meanwhile_must_be_read_too(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    client = world.client("manager")
    data = _post(world, person)
    data |= {
        "acknowledge_prior": "on",
        "prior_shown": _shown_value(client.post(CREATE, data).content.decode()),
    }
    meanwhile = make_incident(world.users["lead"], world.home, person=person)
    response = client.post(CREATE, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert meanwhile.reference in body
    assert "Another concern was recorded" in body
    assert 'name="acknowledge_prior" checked' not in body  # must be ticked again
    assert not Incident.objects.filter(summary="Shouting heard").exists()


def test_logging_twice_quickly_logs_once_and_keeps_the_count_shown(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    client = world.client("manager")
    data = _post(world, person)
    data |= {
        "acknowledge_prior": "on",
        "prior_shown": _shown_value(client.post(CREATE, data).content.decode()),
    }
    first = client.post(CREATE, data)
    second = client.post(CREATE, data)  # the double click
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    new = Incident.objects.get(summary="Shouting heard")
    assert IncidentSubmission.objects.get(key=data["submission"]).incident == new
    assert PriorConcernAcknowledgement.objects.filter(person=person).count() == 1
    assert PriorConcernShown.objects.filter(acknowledgement__incident=new).count() == 1


def test_restricted_concerns_show_only_to_those_who_may_open_them(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    hidden = make_incident(world.users["manager"], world.home, person=person, restricted=True)
    manager = prior.prior_concerns(world.users["manager"], [person])
    assert [i.pk for g in manager for i in g.incidents] == [earlier.pk]
    assert manager[0].total == 1  # not counted either
    lead = prior.prior_concerns(world.users["lead"], [person])
    assert {i.pk for g in lead for i in g.incidents} == {earlier.pk, hidden.pk}
    body = world.client("manager").post(CREATE, _post(world, person)).content.decode()
    assert hidden.reference not in body


def test_lead_acknowledgement_shows_a_manager_only_what_they_may_open(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    hidden = make_incident(world.users["manager"], world.home, person=person, restricted=True)
    client = world.client("lead")
    data = _post(world, person)
    data |= {
        "acknowledge_prior": "on",
        "prior_shown": _shown_value(client.post(CREATE, data).content.decode()),
    }
    assert client.post(CREATE, data).status_code == 302
    new = Incident.objects.get(summary="Shouting heard")
    assert set(PriorConcernAcknowledgement.objects.get(incident=new).shown.all()) == {
        earlier,
        hidden,
    }
    page = world.client("manager").get(reverse("incidents:detail", args=[new.pk])).content.decode()
    assert earlier.reference in page
    assert hidden.reference not in page
    assert f'href="{reverse("incidents:detail", args=[hidden.pk])}"' not in page


def test_the_subject_of_an_allegation_is_shown_nothing_of_that_incident(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    lead = world.user("subject_lead")
    IncidentExclusion.objects.create(
        organisation=world.org, incident=earlier, user=lead, source="allegation", reason="Subject"
    )
    assert prior.prior_concerns(lead, [person]) == []
    # With nothing to read they log it at once, and nothing is acknowledged.
    response = world.client("subject_lead").post(CREATE, _post(world, person))
    assert response.status_code == 302
    assert not PriorConcernAcknowledgement.objects.exists()


def test_manager_of_another_service_is_not_shown_its_concerns(world):
    # An adult of the domiciliary service with an incident logged in the care home.
    person = PersonFactory(organisation=world.org, service=world.dom)
    home_incident = make_incident(world.users["lead"], world.home, person=person)
    assert prior.prior_concerns(world.users["manager_dom"], [person]) == []
    response = world.client("manager_dom").post(CREATE, _post(world, person))
    assert response.status_code == 302
    assert home_incident.reference not in response.content.decode()
    assert prior.prior_concerns(world.users["manager"], [person])[0].incidents == [home_incident]


def test_the_service_refuses_without_acknowledgement(world):
    person = world.objects["incident"].people.get()
    fields = {
        "service": world.home,
        "categories": ["physical"],
        "summary": "x",
        "what_happened": "Seen at 09:00.",
        "became_aware_at": timezone.now(),
        "raised_by": "A",
        "risk_level": "low",
    }
    with pytest.raises(ValidationError) as exc:
        prior.log_incident(
            actor=world.users["manager"],
            submission=None,
            acknowledged=False,
            shown=(),
            people=[person],
            **fields,
        )
    assert "acknowledge_prior" in exc.value.message_dict


def test_acknowledgements_are_append_only(world):
    earlier = world.objects["incident"]
    person = earlier.people.get()
    client = world.client("manager")
    data = _post(world, person)
    data |= {
        "acknowledge_prior": "on",
        "prior_shown": _shown_value(client.post(CREATE, data).content.decode()),
    }
    client.post(CREATE, data)
    for table in ("incidents_priorconcernacknowledgement", "incidents_priorconcernshown"):
        with (
            pytest.raises((InternalError, ProgrammingError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table}")


def test_an_empty_post_shows_the_form_again(world):
    response = world.client("lead").post(CREATE, {})
    assert response.status_code == 200

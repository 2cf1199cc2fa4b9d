"""People linked to an incident (issue 21, part 1): roles, SAC source of risk,
duplicate detection, reuse, append-only rows, and who sees them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from allegations import services as allegation_services
from incidents import access, services
from incidents.models import EntryPresence, LinkedPerson, PersonLink
from tests.allegations.factories import make_staff
from tests.factories import make_incident
from tests.incidents.people import source_of_harm, staff_source

REFUSED = (InternalError, ProgrammingError)


def _link(w, incident=None, **kw):
    fields = {
        "actor": w.users["manager"],
        "incident": incident or w.objects["incident"],
        "role": "witness",
        "given_name": "Grace",
        "family_name": "Lin",
    }
    fields.update(kw)
    return services.link_person(**fields)


def test_source_of_harm_carries_source_of_risk_and_relationship(world):
    link = source_of_harm(world)
    assert link.person.full_name == "Gary Hartley"
    assert (link.role, link.source_of_risk, link.relationship) == ("source_of_harm", "known", "Son")
    assert link.organisation_id == world.org.pk


def test_source_of_harm_needs_a_source_of_risk(world):
    with pytest.raises(ValidationError) as exc:
        _link(world, role="source_of_harm")
    assert "source_of_risk" in exc.value.message_dict
    assert not LinkedPerson.objects.exists()


def test_staff_source_of_harm_is_the_service_provider(world):
    with pytest.raises(ValidationError):
        _link(world, role="source_of_harm", source_of_risk="known", is_staff=True)
    # The database holds the rule as well.
    link = _link(world, role="witness")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonLink.objects.create(
            organisation=world.org,
            incident=link.incident,
            person=link.person,
            role="source_of_harm",
            source_of_risk="known",
            is_staff=True,
            created_by=world.users["manager"],
        )


def test_other_roles_keep_no_source_of_risk(world):
    link = _link(world, role="witness", source_of_risk="known")
    assert link.source_of_risk == ""


def test_same_name_and_date_of_birth_is_offered_not_duplicated(world):
    first = _link(world, date_of_birth=date(1980, 1, 2))
    with pytest.raises(services.PossibleDuplicate) as exc:
        _link(
            world,
            role="household",
            given_name="grace",
            family_name="LIN",
            date_of_birth=date(1980, 1, 2),
            confirm_new=True,
        )
    assert exc.value.exact and exc.value.people == [first.person]
    # Reused across incidents: the same person, a second link.
    other = make_incident(world.users["manager"], world.home)
    again = _link(world, incident=other, person=first.person)
    assert again.person_id == first.person_id
    assert LinkedPerson.objects.count() == 1


def test_same_name_without_date_of_birth_needs_confirming(world):
    _link(world)
    with pytest.raises(services.PossibleDuplicate) as exc:
        _link(world, role="family")
    assert not exc.value.exact
    second = _link(world, role="family", confirm_new=True)
    assert LinkedPerson.objects.filter(given_name="Grace").count() == 2
    assert second.role == "family"


def test_a_different_date_of_birth_is_a_different_person(world):
    _link(world, date_of_birth=date(1980, 1, 2))
    _link(world, role="family", date_of_birth=date(1990, 5, 6))
    assert LinkedPerson.objects.count() == 2


def test_another_organisations_person_cannot_be_linked(world):
    from django.core.exceptions import PermissionDenied

    theirs = services.link_person(
        actor=world.users["outsider"],
        incident=world.objects["other_incident"],
        role="witness",
        given_name="Ann",
        family_name="Other",
    )
    with pytest.raises(PermissionDenied):
        _link(world, person=theirs.person)


def test_people_and_links_are_append_only(world):
    link = source_of_harm(world)
    for table, pk in (
        ("incidents_linkedperson", link.person_id),
        ("incidents_personlink", link.pk),
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET created_at = now() WHERE id = %s", [pk])
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_entry_names_linked_people_present(world):
    link = source_of_harm(world)
    incident = world.objects["incident"]
    entry = services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="observation",
        facts="Bruise seen.",
        occurred_at=timezone.now() - timedelta(minutes=5),
        present="Priya Shah (care worker)",
        present_people=[link],
    )
    assert [p.link for p in EntryPresence.objects.filter(entry=entry)] == [link]
    page = world.client("manager").get(reverse("incidents:detail", args=[incident.pk]))
    html = page.content.decode()
    assert "Gary Hartley</a> (alleged source of harm); Priya Shah (care worker)" in html


def test_entry_cannot_name_a_person_of_another_incident(world):
    other = make_incident(world.users["manager"], world.home)
    link = _link(world, incident=other)
    with pytest.raises(ValidationError):
        services.add_entry(
            actor=world.users["manager"],
            incident=world.objects["incident"],
            kind="observation",
            facts="x",
            occurred_at=timezone.now(),
            present_people=[link],
        )


def test_entry_form_offers_the_incidents_people(world):
    link = source_of_harm(world)
    incident = world.objects["incident"]
    client = world.client("manager")
    url = reverse("incidents:entry_create", args=[incident.pk])
    assert "Gary Hartley (alleged source of harm)" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "observation",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "facts": "Seen.",
            "present_people": [link.pk],
        },
    )
    assert response.status_code == 302
    assert EntryPresence.objects.filter(link=link).count() == 1


def test_person_page_lists_only_incidents_the_viewer_may_see(world):
    link = source_of_harm(world)
    restricted = world.objects["restricted"]
    _link(
        world, incident=restricted, actor=world.users["lead"], person=link.person, role="household"
    )
    url = reverse("incidents:linked_person_detail", args=[link.person_id])
    manager_page = world.client("manager").get(url).content.decode()
    lead_page = world.client("lead").get(url).content.decode()
    assert world.objects["incident"].reference in manager_page
    assert restricted.reference not in manager_page
    assert restricted.reference in lead_page


def test_person_only_on_a_restricted_incident_is_a_404_to_a_manager(world):
    link = _link(world, incident=world.objects["restricted"], actor=world.users["lead"])
    url = reverse("incidents:linked_person_detail", args=[link.person_id])
    assert world.client("manager").get(url).status_code == 404
    assert world.client("lead").get(url).status_code == 200


def test_add_person_form_offers_a_duplicate_to_reuse(world):
    first = source_of_harm(world)
    other = make_incident(world.users["manager"], world.home)
    client = world.client("manager")
    url = reverse("incidents:person_link_create", args=[other.pk])
    data = {
        "given_name": "Gary",
        "family_name": "Hartley",
        "date_of_birth": "1971-03-04",
        "role": "household",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already recorded" in response.content.decode()
    assert not PersonLink.objects.filter(incident=other).exists()
    response = client.post(url, {"person": first.person_id, "role": "household"})
    assert response.status_code == 302
    assert PersonLink.objects.get(incident=other).person_id == first.person_id


def test_staff_source_of_harm_never_sees_the_incident(world):
    """Issue 21: a member of staff linked as source of harm cannot see the
    incident, its people or their own record; linked before or after their login."""
    staff_user = world.user("subject_manager")  # a manager of the home service
    incident = world.objects["incident"]
    assert access.visible_incidents(staff_user).filter(pk=incident.pk).exists()
    link = staff_source(world)
    staff = make_staff(world, user=staff_user)
    allegation_services.name_staff_as_source_of_harm(
        actor=world.users["manager"], link=link, staff_member=staff
    )
    assert not access.visible_incidents(staff_user).filter(pk=incident.pk).exists()
    client = world.client("subject_manager")
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert client.get(reverse("incidents:person_links", args=[incident.pk])).status_code == 404
    person_url = reverse("incidents:linked_person_detail", args=[link.person_id])
    assert client.get(person_url).status_code == 404


def test_staff_login_linked_later_is_excluded_too(world):
    staff_user = world.user("subject_lead")
    incident = world.objects["incident"]
    staff = make_staff(world)
    allegation_services.name_staff_as_source_of_harm(
        actor=world.users["manager"], link=staff_source(world), staff_member=staff
    )
    assert access.visible_incidents(staff_user).filter(pk=incident.pk).exists()
    allegation_services.link_staff_login(
        actor=world.users["lead"], staff_member=staff, user=staff_user
    )
    assert not access.visible_incidents(staff_user).filter(pk=incident.pk).exists()


def test_subject_is_not_offered_their_own_record_as_a_duplicate(world):
    """Duplicate detection must not tell the staff member they are named."""
    staff_user = world.user("subject_manager")
    link = staff_source(world)
    allegation_services.name_staff_as_source_of_harm(
        actor=world.users["manager"], link=link, staff_member=make_staff(world, user=staff_user)
    )
    assert not access.possible_duplicates(staff_user, "Sam", "Rivers", None).exists()
    assert access.possible_duplicates(world.users["manager"], "Sam", "Rivers", None).exists()


def test_only_staff_sources_of_harm_are_tied_to_staff_records(world):
    with pytest.raises(ValidationError):
        allegation_services.name_staff_as_source_of_harm(
            actor=world.users["manager"], link=source_of_harm(world), staff_member=make_staff(world)
        )


def test_people_appear_on_the_timeline(world):
    link = source_of_harm(world)
    incident = world.objects["incident"]
    page = world.client("manager").get(reverse("chronology:timeline", args=[incident.pk]))
    html = page.content.decode()
    assert "Gary Hartley: alleged source of harm" in html
    assert "Other — known to the individual" in html
    assert f"person-{link.pk}" in html

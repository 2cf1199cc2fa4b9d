"""Body maps (issue 21, part 3): marks on named regions of a front and back
outline, append-only (corrections are new marks with a reason), added from a
list by keyboard, shown on the entry and in the timeline through the
incident's access rules, every view logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse

from audits.models import AuditEntry
from incidents.bodymaps import REGIONS, View, place, region_choices
from incidents.forms import BodyMarkForm
from incidents.models import BodyMapMark
from tests.allegations.factories import make_staff
from tests.incidents import bodymaps as bm
from tests.incidents import evidence as ev
from tests.incidents.people import staff_source

REFUSED = (InternalError, ProgrammingError)


def _url(entry):
    return reverse("incidents:body_map", args=[entry.incident_id, entry.pk])


def test_regions_are_named_and_unique_per_view():
    values = [r.value for r in REGIONS]
    assert len(values) == len(set(values))
    fronts = {r.key for r in REGIONS if r.view == View.FRONT}
    backs = {r.key for r in REGIONS if r.view == View.BACK}
    assert {"face", "chest", "abdomen", "left_wrist", "right_hand", "left_knee"} <= fronts
    assert {"upper_back", "lower_back", "left_wrist", "right_lower_leg"} <= backs
    # The person's left is on the reader's right from the front, on the left from the back.
    front_left = next(r for r in REGIONS if r.value == "front:left_wrist")
    front_right = next(r for r in REGIONS if r.value == "front:right_wrist")
    back_left = next(r for r in REGIONS if r.value == "back:left_wrist")
    assert front_left.cx > 100 > front_right.cx
    assert back_left.cx < 100


def test_the_app_role_cannot_rewrite_or_delete_a_mark(world):
    mark = bm.mark(world)
    for sql in (
        "UPDATE incidents_bodymapmark SET description = 'nothing' WHERE id = %s",
        "UPDATE incidents_bodymapmark SET region = 'face' WHERE id = %s",
        "DELETE FROM incidents_bodymapmark WHERE id = %s",
    ):
        with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [mark.pk])
    mark.refresh_from_db()
    assert mark.description == "Purple bruise, finger-shaped" and mark.region == "left_wrist"


def test_a_correction_is_a_new_mark_with_a_reason(world):
    first = bm.mark(world)
    with pytest.raises(ValidationError) as exc:
        bm.mark(world, region="right_wrist", corrects=first)
    assert "correction_reason" in exc.value.message_dict
    second = bm.mark(
        world,
        region="right_wrist",
        corrects=first,
        correction_reason="It was the right wrist; the first mark was on the wrong side.",
    )
    assert second.corrects == first and BodyMapMark.objects.count() == 2
    placed = place([second, first])
    assert [p.number for p in placed] == [1, 2]
    assert placed[0].corrected and placed[1].corrects_number == 1


def test_a_region_must_exist_in_its_view(world):
    with pytest.raises(ValidationError) as exc:
        bm.mark(world, view="front", region="upper_back")
    assert "region" in exc.value.message_dict
    assert not BodyMapMark.objects.exists()


def test_the_form_offers_every_region_grouped_by_view(world):
    entry = ev.entry(world)
    groups = dict(region_choices())
    assert set(groups) == {"Front", "Back"}
    form = BodyMarkForm(bm.post_data(), entry=entry)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["location"] == ("front", "left_wrist")
    bad = BodyMarkForm(bm.post_data(location="front:tail", description=""), entry=entry)
    assert not bad.is_valid()
    assert {"location", "description"} <= set(bad.errors)


def test_adding_a_mark_through_the_page_shows_it_on_the_entry(world):
    entry = ev.entry(world)
    client = world.client("manager")
    page = client.get(_url(entry)).content.decode()
    assert 'id="id_location"' in page and 'data-region="front:left_wrist"' in page
    response = client.post(_url(entry), bm.post_data())
    assert response.status_code == 302
    mark = BodyMapMark.objects.get()
    assert (mark.view, mark.region, mark.size, mark.recorded_by) == (
        "front",
        "left_wrist",
        "3 cm",
        world.users["manager"],
    )
    detail = client.get(reverse("incidents:detail", args=[entry.incident_id])).content.decode()
    assert "Front, Left wrist" in detail and "Purple bruise, finger-shaped" in detail
    assert "<circle" in detail and "Body map for this entry" in detail


def test_a_refused_mark_saves_nothing_and_says_why(world):
    entry = ev.entry(world)
    response = world.client("manager").post(_url(entry), bm.post_data(location=""))
    assert response.status_code == 200
    assert "Nothing has been saved" in response.content.decode()
    assert not BodyMapMark.objects.exists()


def test_an_auditor_sees_the_map_but_cannot_add_and_the_view_is_logged(world):
    mark = bm.mark(world)
    client = world.client("auditor")
    response = client.get(_url(mark.entry))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Purple bruise, finger-shaped" in html and 'id="id_location"' not in html
    assert AuditEntry.objects.filter(
        actor=world.users["auditor"],
        action=AuditEntry.Action.ACCESS,
        object_pk=str(mark.entry_id),
    ).exists()
    assert client.post(_url(mark.entry), bm.post_data()).status_code == 404
    assert BodyMapMark.objects.count() == 1


def test_staff_source_of_harm_cannot_open_the_body_map(world):
    from allegations import services as allegation_services

    mark = bm.mark(world)
    assert world.client("subject_manager").get(_url(mark.entry)).status_code == 200
    allegation_services.name_staff_as_source_of_harm(
        actor=world.users["manager"],
        link=staff_source(world),
        staff_member=make_staff(world, user=world.user("subject_manager")),
    )
    assert world.client("subject_manager").get(_url(mark.entry)).status_code == 404


def test_marks_are_drawn_and_listed_on_the_timeline(world):
    mark = bm.mark(world)
    page = world.client("lead").get(reverse("chronology:timeline", args=[mark.incident_id]))
    html = page.content.decode()
    assert "Body map marks" in html
    assert "Front, Left wrist: Purple bruise, finger-shaped; size 3 cm; colour purple" in html
    assert "<circle" in html


def test_the_demo_marks_junes_bruise(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    mark = BodyMapMark.objects.get(incident__summary__startswith="Suspected coercive control")
    assert (mark.view, mark.region, mark.size) == ("front", "left_wrist", "3 cm")
    assert mark.entry.kind == "observation"

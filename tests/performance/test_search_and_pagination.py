"""Behaviour kept by the performance changes: search, capped pagination, date filters."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident
from incidents.pagination import CappedPaginator, capped_page
from tests.factories import make_incident


def _list(world: Any, **params: Any) -> str:
    return world.client("manager").get(reverse("incidents:list"), params).content.decode()


def test_search_matches_names_and_references_once_each(world: Any) -> None:
    manager = world.users["manager"]
    first = services.create_person(
        actor=manager, given_name="Winifred", family_name="Ashcombe", service=world.home
    )
    second = services.create_person(
        actor=manager, given_name="Alfred", family_name="Ashcombe-Reed", service=world.home
    )
    both = make_incident(manager, world.home, people=[first, second], summary="Both named")
    page = _list(world, q="ashcomb")  # substring, any case, both adults match
    assert page.count(f">{both.reference}</a>") == 1
    assert _list(world, q="NIFRED").count(f">{both.reference}</a>") == 1
    assert f">{both.reference}</a>" in _list(world, q=both.reference[-6:].lower())
    # LIKE wildcards are literal characters, not "match anything".
    assert "No incidents match these filters" in _list(world, q="%")
    assert "No incidents match these filters" in _list(world, q="_")


def test_search_stays_within_what_the_user_may_see(world: Any) -> None:
    other = world.objects["other_incident"]
    name = other.people.first().family_name
    assert f">{other.reference}</a>" not in _list(world, q=name)
    restricted = world.objects["restricted"]
    assert f">{restricted.reference}</a>" not in _list(world, q=restricted.reference)


def test_date_filters_cover_whole_local_days(world: Any) -> None:
    manager = world.users["manager"]
    day = timezone.localdate() - timedelta(days=3)
    late = timezone.make_aware(datetime.combine(day, time(23, 30)))
    incident = make_incident(
        manager, world.home, became_aware_at=late, occurred_at=late - timedelta(hours=1)
    )
    ref = f">{incident.reference}</a>"
    assert ref in _list(world, date_from=day.isoformat(), date_to=day.isoformat())
    next_day = (day + timedelta(days=1)).isoformat()
    assert ref not in _list(world, date_from=next_day)
    assert ref not in _list(world, date_to=(day - timedelta(days=1)).isoformat())


@pytest.mark.django_db
def test_capped_paginator_counts_a_window_and_still_offers_next(world: Any) -> None:
    manager = world.users["manager"]
    for n in range(6):
        make_incident(manager, world.home, summary=f"Number {n}")
    qs = Incident.objects.order_by("pk")
    total = qs.count()
    paginator = CappedPaginator(qs, 1, number=1)
    paginator.cap = 3  # a tiny window for the test
    assert paginator.count == 3 and paginator.more
    page = paginator.page(3)
    assert page.has_next()  # the last counted page still leads on
    # Asked for a page far past the end: the window follows, then clamps.
    far = capped_page(qs, 2, 999)
    assert far.number == (total + 1) // 2 and not far.has_next()
    assert capped_page(qs, 2, "not a number").number == 1
    exact = CappedPaginator(qs, 100, number=1)
    assert exact.count == total and not exact.more


@pytest.mark.django_db
def test_search_of_adults_keeps_to_the_organisation_given(world: Any) -> None:
    """The adults searched are the caller's organisation's: another
    organisation's incident naming a matching adult is not in the id array."""
    other = world.objects["other_incident"]
    name = other.people.first().family_name
    everywhere = Incident.objects.search(name)
    assert other in everywhere
    assert other not in Incident.objects.search(name, organisation_id=world.org.pk)
    assert other in Incident.objects.search(name, organisation_id=world.other_org.pk)


@pytest.mark.django_db
def test_capped_pages_are_cut_from_one_ordered_read_of_keys(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = world.users["manager"]
    for n in range(7):
        make_incident(manager, world.home, summary=f"Number {n}")
    qs = Incident.objects.order_by("-pk")
    everything = list(qs.values_list("pk", flat=True))
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            page = capped_page(qs, 3, number)
            shown = [i.pk for i in page.object_list]
        assert shown == everything[(number - 1) * 3 : number * 3]
        assert len(ctx.captured_queries) == 2  # the window's keys, then the page's rows
    # Past the end: the last page, found by a count, read as usual.
    last = capped_page(qs, 3, 50)
    assert last.number == -(-len(everything) // 3)
    assert [i.pk for i in last.object_list] == everything[(last.number - 1) * 3 :]
    assert not last.has_next() and last.has_previous()
    empty = capped_page(Incident.objects.none(), 3, 1)
    assert empty.number == 1 and list(empty.object_list) == []

"""The "notifications" source of organisations.work: open visible notifications,
overdue and due before the horizon, soonest first, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.work import notifications_source
from organisations.work import Window
from tests.allegations import factories as af
from tests.factories import make_incident
from tests.notifications.factories import suspend

pytestmark = pytest.mark.django_db


def _window(days: int = 7, **kw: Any) -> Window:
    now = timezone.now()
    return Window(now=now, horizon=now + timedelta(days=days), **kw)


def _queries(user: Any, window: Window) -> int:
    user = type(user).objects.get(pk=user.pk)  # no cached membership
    with CaptureQueriesContext(connection) as ctx:
        notifications_source(user, window)
    return len(ctx.captured_queries)


def test_lists_overdue_and_due_soonest_first_and_leaves_out_done_ones(world: Any) -> None:
    lead = world.users["lead"]
    # world's two incidents, aware 2 h ago: LA, CQC and police each, all due.
    incident = world.objects["incident"]
    result = notifications_source(lead, _window())
    assert result.key == "notifications"
    assert sorted(i.due_at for i in result.due) == [i.due_at for i in result.due]
    assert result.due_count == 6 and result.overdue_count == 0
    assert {i.reference for i in result.due} == {
        incident.reference,
        world.objects["restricted"].reference,
    }
    assert all(i.key.startswith("notification:") for i in result.due)
    la = Notification.objects.get(incident=incident, rule_code="la_referral")
    services.record_outcome(actor=lead, notification=la, status="not_needed", reason="Advised.")
    later = notifications_source(lead, _window())
    assert later.due_count == 5
    # Tomorrow, what is still open is overdue.
    tomorrow = timezone.now() + timedelta(days=2)
    overdue = notifications_source(lead, Window(now=tomorrow, horizon=tomorrow))
    assert overdue.overdue_count == 5 and overdue.due_count == 0


def test_hr_gets_the_allegation_clocks_with_the_allegation_reference(world: Any) -> None:
    a = af.allegation(world)
    suspend(world, a, timezone.now() - timedelta(hours=1))
    result = notifications_source(world.users["hr"], _window(days=40))
    labels = {i.label for i in [*result.overdue, *result.due]}
    assert labels == {"Person in a Position of Trust (PiPoT) referral", "DBS barring referral"}
    assert all(i.reference == a.reference for i in [*result.overdue, *result.due])


def test_query_count_does_not_grow_with_the_data(world: Any) -> None:
    lead = world.users["lead"]
    before = _queries(lead, _window())
    exact_before = _queries(lead, _window(exact=True))
    for _ in range(5):
        make_incident(world.users["manager"], world.home)
    af.allegation(world)
    assert _queries(lead, _window()) == before
    assert _queries(lead, _window(exact=True)) == exact_before


def test_counts_are_capped_unless_exact(world: Any, monkeypatch: Any) -> None:
    from organisations import work

    monkeypatch.setattr(work, "COUNT_CAP", 2)
    result = notifications_source(world.users["lead"], _window(limit=1))
    assert result.due_count == 2 and result.more and len(result.due) == 1
    exact = notifications_source(world.users["lead"], _window(limit=1, exact=True))
    assert exact.due_count == 6 and not exact.more

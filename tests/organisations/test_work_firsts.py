"""``organisations.work.firsts``: both parts of a work list, each one's first keys
in the list's order and its count, read in one query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Incident
from organisations import work
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


def _window(limit: int, exact: bool = False) -> work.Window:
    now = timezone.now()
    return work.Window(now=now, horizon=now + timedelta(days=7), limit=limit, exact=exact)


@pytest.fixture
def parts(world: Any) -> tuple[Any, Any, list[int]]:
    """Seven incidents of the home service: the first four "overdue", the rest "due"."""
    for _ in range(5):
        make_incident(world.users["manager"], world.home)
    ids = list(
        Incident.objects.filter(service=world.home).order_by("pk").values_list("pk", flat=True)
    )
    assert len(ids) == 7
    qs = Incident.objects.filter(service=world.home)
    return qs.filter(pk__lte=ids[3]), qs.filter(pk__gt=ids[3]), ids


def test_first_keys_in_order_and_capped_counts_in_one_query(
    parts: tuple[Any, Any, list[int]], monkeypatch: Any
) -> None:
    overdue, due, ids = parts
    monkeypatch.setattr(work, "COUNT_CAP", 3)
    with CaptureQueriesContext(connection) as ctx:
        found = work.firsts(overdue, due, _window(limit=2), ("-pk",))
    assert len(ctx.captured_queries) == 1
    assert found.overdue_keys == [ids[3], ids[2]]
    assert found.due_keys == [ids[6], ids[5]]
    assert (found.overdue_count, found.overdue_more) == (3, True)  # 4 rows, cap 3
    assert (found.due_count, found.due_more) == (3, False)
    assert found.keys == [ids[3], ids[2], ids[6], ids[5]]


def test_exact_counts_for_reminders_and_counts_only_for_the_home_page(
    parts: tuple[Any, Any, list[int]], monkeypatch: Any
) -> None:
    overdue, due, ids = parts
    monkeypatch.setattr(work, "COUNT_CAP", 3)
    exact = work.firsts(overdue, due, _window(limit=1, exact=True), ("pk",))
    assert (exact.overdue_keys, exact.due_keys) == ([ids[0]], [ids[4]])
    assert (exact.overdue_count, exact.overdue_more, exact.due_count) == (4, False, 3)
    with CaptureQueriesContext(connection) as ctx:
        counts = work.firsts(overdue, due, _window(limit=0), ("pk",))
    assert len(ctx.captured_queries) == 1
    assert counts.keys == []
    assert (counts.overdue_count, counts.overdue_more, counts.due_count) == (3, True, 3)


def test_a_key_whose_row_is_not_read_is_left_out(parts: tuple[Any, Any, list[int]]) -> None:
    overdue, due, ids = parts
    found = work.firsts(overdue, due, _window(limit=2), ("pk",))
    item = {
        k: work.WorkItem(key=str(k), label="x", reference="r", url="/", due_at=timezone.now())
        for k in found.keys
        if k != ids[0]
    }
    listed = found.work_list("k", "Title", item)
    assert [i.key for i in listed.overdue] == [str(ids[1])]
    assert [i.key for i in listed.due] == [str(ids[4]), str(ids[5])]
    assert listed.overdue_count == 4 and listed.due_count == 3


def test_items_come_soonest_deadline_first_whatever_order_the_keys_came_in(
    parts: tuple[Any, Any, list[int]],
) -> None:
    overdue, due, ids = parts
    found = work.firsts(overdue, due, _window(limit=3), ("pk",))
    now = timezone.now()
    # Deadlines in the reverse of the keys' order; the last two share one.
    due_at = {ids[0]: now, ids[1]: now - timedelta(days=1), ids[2]: now - timedelta(days=1)}
    item = {
        k: work.WorkItem(key=str(k), label="x", reference="r", url="/", due_at=due_at.get(k, now))
        for k in found.keys
    }
    listed = found.work_list("k", "Title", item)
    assert [i.key for i in listed.overdue] == [str(ids[1]), str(ids[2]), str(ids[0])]

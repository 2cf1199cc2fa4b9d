from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from chronology import timeline
from chronology.timeline import Provider, TimelineItem, TimelineQuery
from tests.chronology.factories import story


def _query(incident: Any, **kw: Any) -> TimelineQuery:
    kinds = kw.pop("kinds", None) or {k for k, _ in timeline.kind_choices(include_hr=True)}
    return TimelineQuery(incident=incident, kinds=frozenset(kinds), **kw)


@pytest.fixture
def hr_provider() -> Any:
    """A stand-in for the allegations app's HR records until it lands."""

    def items(q: TimelineQuery) -> list[TimelineItem]:
        return [
            TimelineItem(
                kind="hr_test",
                kind_label="HR record",
                at=q.incident.became_aware_at,
                pk=1,
                title="Disciplinary investigation opened",
                text="HR-ONLY-DETAIL suspension on full pay",
                hr=True,
            )
        ]

    provider = Provider("hr_test", "HR records (test)", lambda q: 1, items, hr=True)
    timeline.PROVIDERS.append(provider)
    yield provider
    timeline.PROVIDERS.remove(provider)


def test_items_are_in_time_order_with_amendments_and_originals(world: Any) -> None:
    incident = world.objects["incident"]
    s = story(world.users["manager"], incident)
    items = timeline.build(_query(incident))
    assert [i.kind for i in items] == ["incident", "entry", "entry", "status"]
    assert items == sorted(items, key=lambda i: i.sort_key)
    call = next(i for i in items if i.pk == s["call"].pk and i.kind == "entry")
    assert call.text == "Called the on-call manager at 09:40."
    assert call.text_label == "As first recorded"
    assert [a.new_text for a in call.amendments] == ["Called the on-call manager at 08:40."]
    assert call.amendments[0].reason == "Time corrected from the phone log."


def test_filter_by_kind_and_date(world: Any) -> None:
    incident = world.objects["incident"]
    story(world.users["manager"], incident)
    entries = timeline.build(_query(incident, kinds={"entry"}))
    assert {i.kind for i in entries} == {"entry"}
    assert timeline.count(_query(incident, kinds={"entry"})) == 2
    tomorrow = (incident.became_aware_at + timedelta(days=2)).date()
    assert timeline.build(_query(incident, date_from=tomorrow)) == []
    assert timeline.count(_query(incident, date_from=tomorrow)) == 0


def test_hr_items_only_when_allowed(world: Any, hr_provider: Any) -> None:
    incident = world.objects["incident"]
    assert "hr_test" not in {i.kind for i in timeline.build(_query(incident))}
    assert "hr_test" in {i.kind for i in timeline.build(_query(incident, include_hr=True))}
    # The lead's timeline page does not show HR detail (only HR may see it).
    response = world.client("lead").get(reverse("chronology:timeline", kwargs={"pk": incident.pk}))
    assert response.status_code == 200
    assert "HR-ONLY-DETAIL" not in response.content.decode()


def test_timeline_page_shows_entries_filters_and_escapes(world: Any) -> None:
    from incidents import services as incident_services

    incident = world.objects["incident"]
    story(world.users["manager"], incident)
    incident_services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="observation",
        facts='<script>alert("x")</script>',
        occurred_at=incident.became_aware_at,
    )
    url = reverse("chronology:timeline", kwargs={"pk": incident.pk})
    html = world.client("manager").get(url).content.decode()
    assert "Called the on-call manager at 08:40." in html
    assert "Called the on-call manager at 09:40." in html  # the original stays
    assert "&lt;script&gt;" in html and '<script>alert("x")' not in html
    # A manager sees the timeline but is not offered an export.
    assert reverse("chronology:export_create", kwargs={"pk": incident.pk}) not in html
    html = world.client("manager").get(url, {"kinds": ["status"]}).content.decode()
    assert "Called the on-call manager" not in html
    assert "Logged as open" in html
    bad = world.client("manager").get(url, {"date_from": "2026-02-02", "date_to": "2026-01-01"})
    assert "The end date is before the start date." in bad.content.decode()

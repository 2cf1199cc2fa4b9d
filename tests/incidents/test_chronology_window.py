"""The incident page shows the latest chronology entries, earlier ones a window at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.queries import chronology_window


def _entries(world: Any, count: int) -> list[Any]:
    incident = world.objects["incident"]
    start = timezone.now() - timedelta(days=count)
    return [
        services.add_entry(
            actor=world.users["manager"],
            incident=incident,
            kind="observation",
            facts=f"Entry number {n:03d}.",
            occurred_at=start + timedelta(hours=n),
        )
        for n in range(count)
    ]


def test_windows_hold_the_latest_first_each_shown_oldest_first(world: Any) -> None:
    _entries(world, 7)
    incident = world.objects["incident"]
    latest = chronology_window(incident, 1, size=3)
    assert [e.facts for e in latest.entries] == [f"Entry number {n:03d}." for n in (4, 5, 6)]
    assert (latest.first, latest.last, latest.total, latest.num_windows) == (5, 7, 7, 3)
    assert latest.has_earlier and not latest.has_later
    oldest = chronology_window(incident, 3, size=3)
    assert [e.facts for e in oldest.entries] == ["Entry number 000."]
    assert (oldest.first, oldest.last) == (1, 1) and oldest.has_later and not oldest.has_earlier
    # Out-of-range and nonsense window numbers are clamped, never an error.
    assert chronology_window(incident, 99, size=3).number == 3
    assert chronology_window(incident, "x", size=3).number == 1


def test_the_page_links_to_earlier_entries(world: Any) -> None:
    _entries(world, 53)
    url = reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk})
    client = world.client("manager")
    html = client.get(url).content.decode()
    assert "Entry number 052." in html and "Entry number 002." not in html
    assert "Entries 4–53 of 53 (the latest)." in html
    assert "?entries=2#chronology-heading" in html
    earlier = client.get(url, {"entries": 2}).content.decode()
    assert "Entry number 002." in earlier and "Entry number 052." not in earlier
    assert "Entries 1–3 of 53." in earlier and "Later entries" in earlier


def test_a_short_chronology_has_no_window_links(world: Any) -> None:
    _entries(world, 2)
    url = reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk})
    html = world.client("manager").get(url).content.decode()
    assert "Entry number 001." in html and "Earlier entries" not in html

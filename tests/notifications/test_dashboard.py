"""The lead's home shows overdue notifications and the on-time rate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


def test_lead_home_shows_overdue_and_on_time_rate(world: Any) -> None:
    from django.utils import timezone

    lead = world.users["lead"]
    old = make_incident(
        world.users["manager"],
        world.home,
        categories=["neglect"],
        occurred_at=timezone.now() - timedelta(days=5),
        became_aware_at=timezone.now() - timedelta(days=5),
    )
    cqc = Notification.objects.get(incident=old, rule_code="cqc")
    aware = old.became_aware_at
    services.record_outcome(
        actor=lead,
        notification=cqc,
        status="sent",
        sent_at=aware + timedelta(hours=2),
        sent_to="CQC",
    )
    la = Notification.objects.get(incident=old, rule_code="la_referral")
    services.record_outcome(
        actor=lead, notification=la, status="sent", sent_at=aware + timedelta(days=3), sent_to="Hub"
    )
    page = world.client("lead").get(reverse("home")).content.decode()
    assert "Statutory notifications" in page
    assert "Sent on time in the last 90 days: 50% (1 of 2)." in page
    assert "None overdue." in page  # world's own incidents are not due yet


def test_on_time_rate_counts_current_outcomes_of_visible_notifications_in_the_window(
    world: Any,
) -> None:
    """Each notification once, by its current outcome; not one sent before the
    90 days, nor one of an incident the lead is excluded from (the subject of an
    allegation on it): its timeliness would tell them it exists."""
    from django.utils import timezone

    from incidents import services as incident_services
    from incidents.models import ExclusionSource

    lead, manager = world.users["lead"], world.users["manager"]
    now = timezone.now()

    def incident(days_ago: int) -> Any:
        when = now - timedelta(days=days_ago)
        return make_incident(
            manager, world.home, categories=["neglect"], occurred_at=when, became_aware_at=when
        )

    def send(inc: Any, code: str, after: timedelta, **kw: Any) -> None:
        n = Notification.objects.get(incident=inc, rule_code=code)
        services.record_outcome(
            actor=lead,
            notification=n,
            status="sent",
            sent_at=inc.became_aware_at + after,
            sent_to="Hub",
            **kw,
        )

    corrected = incident(5)
    send(corrected, "cqc", timedelta(days=3))  # recorded late, then corrected: on time
    send(corrected, "cqc", timedelta(hours=1), correction_reason="The date was mistyped.")
    send(incident(4), "cqc", timedelta(days=3))  # late
    send(incident(120), "cqc", timedelta(days=20))  # sent 100 days ago: outside the window
    hidden = incident(3)
    send(hidden, "cqc", timedelta(hours=1))
    incident_services.exclude_from_incident(
        actor=lead,
        incident=hidden,
        user=lead,
        source=ExclusionSource.ALLEGATION,
        reason="Subject of an allegation.",
    )
    page = world.client("lead").get(reverse("home")).content.decode()
    assert "Sent on time in the last 90 days: 50% (1 of 2)." in page

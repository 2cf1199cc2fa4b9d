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

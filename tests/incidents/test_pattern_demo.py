"""The demo shows one pattern alert (June Hartley: three concerns in 90 days)
and one acknowledgement of earlier concerns."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidents import alerts
from incidents.models import PriorConcernAcknowledgement


def test_demo_shows_one_pattern_alert(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    lead = get_user_model().objects.get(username="lead")
    rows = list(alerts.open_alerts(lead, "adult"))
    assert len(rows) == 1 and rows[0]["count"] == 3
    assert alerts.to_alerts("adult", rows, lead)[0].name == "June Hartley"
    ack = PriorConcernAcknowledgement.objects.get()
    assert ack.person.full_name == "June Hartley"
    assert ack.shown.count() == 2

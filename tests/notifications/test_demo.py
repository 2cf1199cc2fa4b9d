"""The demo (``make run``) shows notifications sent, due and overdue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification, NotificationOutcome
from notifications.work import open_notifications
from organisations.models import User

pytestmark = pytest.mark.django_db


def test_demo_has_sent_due_and_overdue_notifications(db: Any) -> None:
    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    lead = User.objects.get(username="lead")
    open_ = open_notifications(lead)
    assert open_.filter(due_at__lt=now).count() == 1  # the financial case's police
    assert open_.filter(due_at__gte=now, rule_code="dbs").exists()
    sent = NotificationOutcome.objects.filter(status="sent")
    assert sent.count() >= 8
    late = [o for o in sent if "late by" in o.timeliness()]
    assert late, "one notification was sent late"
    # The allegation's referrals made its PiPoT and the incident's police and CQC.
    assert sent.filter(referral__isnull=False).count() == 3
    # 13 for the seed scenarios, 5 for June's two earlier concerns (the pattern-alert story).
    assert Notification.objects.count() == 18

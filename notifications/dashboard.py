"""The lead's home dashboard figures: overdue notifications and the on-time
rate of those sent (audits/dashboards.py shows them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from notifications import access
from notifications.models import NotificationOutcome, OutcomeStatus
from notifications.work import open_notifications
from organisations import work

RATE_DAYS = 90


def summary(user: Any, now: datetime | None = None) -> dict[str, Any]:
    """Overdue (capped count) and, over the last 90 days, how many were sent
    and how many of those on time (the current outcome of each notification)."""
    now = now or timezone.now()
    overdue, more = work.counted(
        open_notifications(user).filter(due_at__lt=now), work.Window(now=now, horizon=now)
    )
    current = NotificationOutcome.objects.filter(
        notification__in=access.visible_notifications(user),
        status=OutcomeStatus.SENT,
        sent_at__gte=now - timedelta(days=RATE_DAYS),
    ).exclude(Exists(NotificationOutcome.objects.filter(corrects=OuterRef("pk"))))
    sent = current.count()
    on_time = current.filter(sent_at__lte=F("notification__due_at")).count()
    return {
        "overdue_count": overdue,
        "overdue_more": more,
        "sent": sent,
        "on_time": on_time,
        "rate": round(100 * on_time / sent) if sent else None,
        "days": RATE_DAYS,
    }

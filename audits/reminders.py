"""Reminder emails from "My work": a daily digest and breach warnings.

``manage.py send_reminders`` is safe to run from cron every few minutes:

- **Breach warning**: when an item of any ``organisations.work`` list (review
  point, agreed action, notification, …) is overdue and this user has not been
  warned about it, one email names the newly overdue items. A
  ``BreachWarningSent`` row per (user, item key) is inserted in the same
  transaction as the send, so a run never warns twice about an item, a failed
  send keeps no row and is retried, and two runs at once cannot both send (the
  second's insert fails on the unique constraint and it sends nothing).
- **Daily digest**: once per user per day, from ``DIGEST_HOUR`` local time, the
  overdue and due items of every list. A ``ReminderSent`` row (unique on user
  and date) is inserted in the send's transaction in the same way.

Emails carry references, labels, due dates and links only: never names of
adults at risk, never record text. They leave the system, so they say no more
than is needed to find the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits.quality.models import BreachWarningSent, ReminderSent
from organisations import work
from organisations.models import Membership
from organisations.my_work import HORIZON_DAYS

# Items of each list an email names (the counts are exact; the page has the rest).
EMAIL_LIMIT = 50
# Overdue items read per list when looking for ones not yet warned about.
BREACH_LIMIT = 500


@dataclass
class Outcome:
    digests: int = 0
    warnings: int = 0
    already_sent: int = 0
    nothing_due: int = 0
    no_email: int = 0
    details: list[str] = field(default_factory=list)


def members() -> Any:
    """Everyone who may have work: every active membership (each source
    decides what a role has to do)."""
    return (
        Membership.objects.active()
        .select_related("user", "organisation")
        .order_by("organisation_id", "user_id")
    )


def digest_hour() -> int:
    return int(getattr(settings, "SAFEGUARD_DIGEST_HOUR", 7))


def _send(membership: Membership, subject: str, template: str, context: dict[str, Any]) -> None:
    EmailMessage(
        subject=subject,
        body=render_to_string(template, {"membership": membership, **context}),
        to=[membership.user.email],
    ).send()


def _rows(lists: list[work.WorkList], part: str) -> list[tuple[str, work.WorkItem]]:
    found = [(w.title, i) for w in lists for i in getattr(w, part)]
    found.sort(key=lambda r: (r[1].due_at, r[1].key))
    return found


def warn_breaches(membership: Membership, lists: list[work.WorkList], *, base_url: str) -> int:
    """Warn about overdue items not warned about yet. Returns how many items."""
    user = membership.user
    overdue = _rows(lists, "overdue")
    keys = [item.key for _, item in overdue]
    warned = set(
        BreachWarningSent.objects.filter(user=user, key__in=keys).values_list("key", flat=True)
    )
    new = [(title, item) for title, item in overdue if item.key not in warned]
    if not new:
        return 0
    try:
        with transaction.atomic():
            BreachWarningSent.objects.bulk_create(
                BreachWarningSent(
                    organisation_id=membership.organisation_id,
                    user=user,
                    key=item.key,
                    due_at=item.due_at,
                )
                for _, item in new
            )
            _send(
                membership,
                f"Safeguard: {len(new)} item{'s' if len(new) != 1 else ''} now overdue",
                "audits/email/breach_warning.txt",
                {"rows": new[:EMAIL_LIMIT], "total": len(new), "base_url": base_url},
            )
    except IntegrityError:
        return 0  # another run warned between our read and insert
    return len(new)


def send_digest(
    membership: Membership, lists: list[work.WorkList], *, now: datetime, base_url: str
) -> str:
    today = timezone.localdate(now)
    overdue_count = sum(w.overdue_count for w in lists)
    due_count = sum(w.due_count for w in lists)
    if not overdue_count and not due_count:
        return "nothing_due"
    if timezone.localtime(now).hour < digest_hour():
        return "nothing_due"
    if ReminderSent.objects.filter(user=membership.user, date=today).exists():
        return "already_sent"
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                organisation_id=membership.organisation_id,
                user=membership.user,
                date=today,
                due_count=due_count,
                overdue_count=overdue_count,
            )
            _send(
                membership,
                f"Safeguard: {overdue_count} overdue and {due_count} due",
                "audits/email/digest.txt",
                {
                    "today": today,
                    "lists": lists,
                    "overdue": _rows(lists, "overdue")[:EMAIL_LIMIT],
                    "due": _rows(lists, "due")[:EMAIL_LIMIT],
                    "overdue_count": overdue_count,
                    "due_count": due_count,
                    "horizon_days": HORIZON_DAYS,
                    "base_url": base_url,
                    "my_work_path": reverse("my_work"),
                },
            )
    except IntegrityError:
        return "already_sent"
    return "digests"


def send_all(*, now: datetime | None = None, base_url: str = "") -> Outcome:
    now = now or timezone.now()
    base_url = base_url.rstrip("/")
    window = work.Window(
        now=now, horizon=now + timedelta(days=HORIZON_DAYS), limit=BREACH_LIMIT, exact=True
    )
    outcome = Outcome()
    for membership in members():
        if not membership.user.email:
            outcome.no_email += 1
            continue
        lists = work.gather(membership.user, window)
        outcome.warnings += warn_breaches(membership, lists, base_url=base_url)
        result = send_digest(membership, lists, now=now, base_url=base_url)
        setattr(outcome, result, getattr(outcome, result) + 1)
    return outcome

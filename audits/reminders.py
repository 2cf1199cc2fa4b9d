"""Review reminders: each manager gets one email a day listing their overdue
review points and those due in the next fortnight.

Idempotent per manager per day: a ``ReminderSent`` row (unique on user and
date) is inserted in the same transaction as the send, so a second run the
same day sends nothing, and a failed send leaves no row and is retried.

The email carries references and dates only (never names or narrative): it
leaves the system, so it says no more than is needed to find the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from audits import dashboards
from audits.quality.models import ReminderSent
from organisations.models import Membership, Role


@dataclass
class Outcome:
    sent: int = 0
    already_sent: int = 0
    nothing_due: int = 0
    no_email: int = 0


def managers() -> Any:
    return (
        Membership.objects.active()
        .filter(role=Role.MANAGER)
        .select_related("user", "organisation")
        .order_by("organisation_id", "user_id")
    )


def send_for(membership: Membership, *, today: date, base_url: str = "") -> str:
    """Send one manager's reminder. Returns what happened (an ``Outcome`` field)."""
    user = membership.user
    if not user.email:
        return "no_email"
    # Exact counts: a reminder is sent once a day, and its counts are stored.
    reviews = dashboards.reviews_due(user, today=today, exact=True)
    if not reviews["overdue_count"] and not reviews["due_count"]:
        return "nothing_due"
    if ReminderSent.objects.filter(user=user, date=today).exists():
        return "already_sent"
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                organisation_id=membership.organisation_id,
                user=user,
                date=today,
                due_count=reviews["due_count"],
                overdue_count=reviews["overdue_count"],
            )
            context = {
                "membership": membership,
                "reviews": reviews,
                "base_url": base_url.rstrip("/"),
                "reviews_path": reverse("disclosures:reviews_due"),
            }
            subject = (
                f"Safeguard: {reviews['overdue_count']} overdue and "
                f"{reviews['due_count']} due review points"
            )
            EmailMessage(
                subject=subject,
                body=render_to_string("audits/email/review_reminder.txt", context),
                to=[user.email],
            ).send()
    except IntegrityError:
        # Another run inserted today's row between our check and insert.
        return "already_sent"
    return "sent"


def send_all(*, today: date, base_url: str = "") -> Outcome:
    outcome = Outcome()
    for membership in managers():
        result = send_for(membership, today=today, base_url=base_url)
        setattr(outcome, result, getattr(outcome, result) + 1)
    return outcome

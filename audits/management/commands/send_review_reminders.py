"""Email each manager their overdue and due review points, once a day.

Run from cron (see docs/operations.md); running it twice the same day sends
nothing new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audits import reminders


class Command(BaseCommand):
    help = "Email each manager their overdue and due review points (once per day)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SAFEGUARD_BASE_URL", ""),
            help="Prefix for links in the email, e.g. https://safeguard.example.org",
        )
        parser.add_argument(
            "--date", help="Send as if today were this date (YYYY-MM-DD); for catching up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD.") from exc
        outcome = reminders.send_all(today=today, base_url=options["base_url"])
        self.stdout.write(
            f"Review reminders for {today:%Y-%m-%d}: {outcome.sent} sent, "
            f"{outcome.already_sent} already sent today, {outcome.nothing_due} with nothing due, "
            f"{outcome.no_email} managers without an email address."
        )

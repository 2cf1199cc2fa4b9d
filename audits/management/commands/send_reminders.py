"""Email each user breach warnings (an item just went overdue, once per item)
and a daily digest of "My work" (once per user per day).

Safe to run from cron every few minutes (docs/actions.md): each email's row is
inserted in the same transaction as the send, so nothing is sent twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audits import reminders


class Command(BaseCommand):
    help = "Email breach warnings and the daily My work digest (idempotent; run every few minutes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SAFEGUARD_BASE_URL", "")
            or getattr(settings, "SAFEGUARD_PUBLIC_URL", ""),
            help="Prefix for links in the email, e.g. https://safeguard.example.org",
        )
        parser.add_argument(
            "--at",
            help="Run as if it were this local date and time (YYYY-MM-DDTHH:MM); for catching up.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["at"]:
            try:
                now = timezone.make_aware(datetime.fromisoformat(options["at"]))
            except ValueError as exc:
                raise CommandError("--at must be YYYY-MM-DDTHH:MM.") from exc
        outcome = reminders.send_all(now=now, base_url=options["base_url"] or "")
        self.stdout.write(
            f"Reminders at {timezone.localtime(now):%Y-%m-%d %H:%M}: "
            f"{outcome.warnings} items warned overdue, {outcome.digests} digests sent, "
            f"{outcome.already_sent} digests already sent today, "
            f"{outcome.nothing_due} with nothing due or before the digest hour, "
            f"{outcome.no_email} members without an email address."
        )

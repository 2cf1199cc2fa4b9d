"""Check, or recompute, the notifications still waiting for an outcome.

The open-notification projection (``notifications/open_notifications.py``) is
kept by database triggers. ``--check`` compares it with what the notifications
and their outcomes say and exits 1 if any row differs; without it the
projection is recomputed from the records in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from notifications import open_notifications


class Command(BaseCommand):
    help = "Check (--check) or recompute the open notifications from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only compare; exit 1 if anything differs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            wrong = open_notifications.differences()
            if wrong:
                raise CommandError(
                    f"{wrong} open-notification rows differ from the notifications and "
                    "their outcomes; run rebuild_open_notifications to recompute them."
                )
            self.stdout.write("Open notifications match the notifications and their outcomes.")
            return
        with transaction.atomic():
            open_notifications.rebuild()
            wrong = open_notifications.differences()
        if wrong:  # pragma: no cover - would mean the SQL disagrees with itself
            raise CommandError(f"{wrong} rows still differ after the rebuild.")
        self.stdout.write("Open notifications recomputed from the notifications and outcomes.")

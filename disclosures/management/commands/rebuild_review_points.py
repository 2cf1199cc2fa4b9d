"""Check, or recompute, every decision's current review point.

The review-point projection (``disclosures/review_points.py``) is kept by
database triggers. ``--check`` compares it with what the decisions and their
reviews say and exits 1 if any row differs; without it the projection is
recomputed from the records in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from disclosures import review_points


class Command(BaseCommand):
    help = "Check (--check) or recompute decisions' current review points from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only compare; exit 1 if anything differs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            wrong = review_points.differences()
            if wrong:
                raise CommandError(
                    f"{wrong} review-point rows differ from the decisions and reviews; "
                    "run rebuild_review_points to recompute them."
                )
            self.stdout.write("Review points match the decisions and their reviews.")
            return
        with transaction.atomic():
            review_points.rebuild()
            wrong = review_points.differences()
        if wrong:  # pragma: no cover - would mean the SQL disagrees with itself
            raise CommandError(f"{wrong} rows still differ after the rebuild.")
        self.stdout.write("Review points recomputed from the decisions and their reviews.")

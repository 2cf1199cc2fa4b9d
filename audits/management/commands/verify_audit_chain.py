"""Verify the audit trail's hash chain end to end.

Exit 0 and print the number of entries verified and the head hash, or exit 1
naming the first entry that does not verify. ``--anchor HASH`` also checks that
a head hash recorded earlier (outside this system) is still in the chain.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audits.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; print the count and head hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            default="",
            help="A head hash recorded earlier; fail unless it is still part of the chain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(anchor=options["anchor"].strip().lower())
        if not report.ok:
            raise CommandError(
                f"Audit chain does NOT verify: {report.problem} "
                f"({report.count} entries verified before it.)"
            )
        head = f" (entry #{report.head_entry_id})" if report.head_entry_id else ""
        self.stdout.write(f"Verified {report.count} audit entries.")
        self.stdout.write(f"Head hash: {report.head_hash}{head}")

"""Deprecated: ``send_reminders`` replaced it (review points are one of the
lists of "My work" it sends). Kept as an alias so existing crontabs work."""

from __future__ import annotations

from typing import Any

from audits.management.commands.send_reminders import Command as SendReminders


class Command(SendReminders):
    help = "Deprecated alias of send_reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.write(
            "send_review_reminders is deprecated: run `manage.py send_reminders` "
            "(every few minutes; docs/actions.md)."
        )
        super().handle(*args, **options)

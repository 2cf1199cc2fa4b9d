"""Check, or recompute, the notifications still waiting for an outcome.

The open-notification projection (``notifications/open_notifications.py``) is
kept by database triggers. ``--check`` compares it with what the notifications
and their outcomes say and exits 1 if any row differs; without it the
projection is recomputed from the records in one transaction.
"""

from __future__ import annotations

from notifications import open_notifications
from organisations.projections import ProjectionCommand


class Command(ProjectionCommand):
    help = "Check (--check) or recompute the open notifications from the records."
    projection = open_notifications.PROJECTION
    name = "open notifications"
    records = "the notifications and their outcomes"
    command = "rebuild_open_notifications"

"""The notifications still waiting for an outcome, kept as a projection.

A notification is open until its first outcome (sent, or decided not needed)
is recorded; a correction is a further outcome, so it never reopens one. That
"no outcome yet" cannot be indexed on the notifications themselves: counting the
overdue ones meant reading past every notification already dealt with (for a
manager at 100,000 incidents, 17,000 rows to find the first 101 open ones:
22 ms on every My work, home page and reminder run).

``notifications_opennotification`` holds one row per open notification, with
its deadline, indexed by (organisation, due_at). As with the review points
(``disclosures/review_points.py``) it is derived data, written by database
triggers in the same transaction as the notification or outcome that changes it,
and ``rebuild()`` recomputes it from the records
(``manage.py rebuild_open_notifications --check`` proves it true; both through
``organisations.projections``, shared by every projection).
"""

from __future__ import annotations

from organisations.projections import Projection

TABLE = "notifications_opennotification"

# AFTER INSERT ON notifications_notification: a new notification is open.
ON_NOTIFICATION = """
INSERT INTO notifications_opennotification (notification_id, organisation_id, due_at)
VALUES (NEW.id, NEW.organisation_id, NEW.due_at);
RETURN NULL;
"""

# AFTER INSERT ON notifications_notificationoutcome: it is dealt with.
ON_OUTCOME = """
DELETE FROM notifications_opennotification WHERE notification_id = NEW.notification_id;
RETURN NULL;
"""

# The same answer from the records themselves.
_DERIVED = """
SELECT n.id AS notification_id, n.organisation_id, n.due_at
  FROM notifications_notification n
 WHERE NOT EXISTS (SELECT 1 FROM notifications_notificationoutcome o
                    WHERE o.notification_id = n.id)
"""

_COLUMNS = "notification_id, organisation_id, due_at"

PROJECTION = Projection(TABLE, _COLUMNS, _DERIVED)


def rebuild() -> None:
    """Recompute the open notifications from notifications and outcomes. For
    data loaded with triggers off (the benchmark generator) and for repair."""
    PROJECTION.rebuild()


def differences() -> int:
    """How many projection rows disagree with the records (0 when true)."""
    return PROJECTION.differences()

"""A statutory notification a record needs, what became of it, and an
organisation's overrides of the rules. All three are append-only: the
status of a notification is its latest outcome row, a correction is a new row
with a reason, and an override is replaced by a newer one."""

from __future__ import annotations

from datetime import datetime

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from allegations.models import Allegation, Referral
from disclosures.models import DisclosureDecision
from incidents.models import Incident
from notifications import open_notifications, rules
from notifications.clocks import duration
from organisations.append_only import append_only
from organisations.owned import OrganisationOwned

RULE_CHOICES = [(r.code, r.title) for r in rules.RULES]


class Notification(OrganisationOwned):
    """One notification a record needs, created once when the facts requiring it
    are recorded. Its clock is fixed then: a later override changes new
    notifications, not the deadline someone was already working to."""

    organisation_parents = ("incident", "allegation")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notifications")
    allegation = models.ForeignKey(
        Allegation,
        on_delete=models.PROTECT,
        related_name="notifications",
        null=True,
        blank=True,
    )
    rule_code = models.CharField(max_length=32, choices=RULE_CHOICES)
    aware_at = models.DateTimeField("Clock started")
    due_at = models.DateTimeField("Due by")
    clock = models.CharField(max_length=80)  # "24 calendar hours", as it was when created
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "rule_code"],
                condition=models.Q(allegation__isnull=True),
                name="one_incident_notification_per_rule",
            ),
            models.UniqueConstraint(
                fields=["allegation", "rule_code"],
                condition=models.Q(allegation__isnull=False),
                name="one_allegation_notification_per_rule",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "due_at"], name="notification_due_idx")]
        triggers = [
            *append_only("notification"),
            # Open until its first outcome (open_notifications.py).
            pgtrigger.Trigger(
                name="notification_opens",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func=open_notifications.ON_NOTIFICATION,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.title} for {self.incident_id}"

    @property
    def rule(self) -> rules.Rule:
        return rules.rule(self.rule_code)

    @property
    def title(self) -> str:
        return self.rule.title


class OutcomeStatus(models.TextChoices):
    SENT = "sent", "Sent"
    NOT_NEEDED = "not_needed", "Decided not needed"


class NotificationOutcome(OrganisationOwned):
    """Sent (when, to whom, their reference) or decided not needed (why), by
    whom. The one home of a notification's reference; on an allegation the
    matching ``Referral`` is written with it (or it records a referral made on
    the allegation page)."""

    organisation_parents = ("notification", "corrects", "referral", "decision")
    notification = models.ForeignKey(
        Notification, on_delete=models.PROTECT, related_name="outcomes"
    )
    status = models.CharField(max_length=16, choices=OutcomeStatus.choices)
    sent_at = models.DateTimeField("When it was sent", null=True, blank=True)
    # Dated, not timed (a referral recorded on the allegation page gives a day):
    # sent_at is then the latest moment it can have been.
    dated_only = models.BooleanField(default=False, db_default=False)
    sent_to = models.CharField("Sent to", max_length=200, blank=True)
    reference = models.CharField("Their reference", max_length=64, blank=True)
    reason = models.TextField("Why it is not needed", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="corrections", null=True, blank=True
    )
    correction_reason = models.TextField(blank=True)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [
            models.Index(fields=["notification", "-id"], name="outcome_latest_idx"),
            # The lead's on-time rate: sent outcomes of the last 90 days.
            models.Index(
                fields=["organisation", "sent_at"],
                name="outcome_sent_idx",
                condition=models.Q(status="sent"),
            ),
        ]
        triggers = [
            *append_only("notification_outcome"),
            # Its notification is no longer open (open_notifications.py).
            pgtrigger.Trigger(
                name="outcome_closes_notification",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func=open_notifications.ON_OUTCOME,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.notification_id})"

    def timeliness(self) -> str:
        """ "aware → sent: 5 h 10 m (due within 24 calendar hours: on time)"."""
        return timeliness(self.notification, self)


def timeliness(notification: Notification, outcome: NotificationOutcome | None) -> str:
    clock = f"due within {notification.clock}"
    if outcome is None or outcome.status != OutcomeStatus.SENT or outcome.sent_at is None:
        return ""
    # Dated, not timed (a referral recorded on the allegation page): the sent
    # time is the latest it can have been, so the figures are upper bounds.
    at_most = " at most" if outcome.dated_only else ""
    took = duration(outcome.sent_at - notification.aware_at)
    if outcome.sent_at <= notification.due_at:
        return f"aware → sent: {took}{at_most} ({clock}: on time)"
    late = duration(outcome.sent_at - notification.due_at)
    return f"aware → sent: {took}{at_most} ({clock}: late by {late}{at_most})"


def status_of(
    notification: Notification, outcome: NotificationOutcome | None, now: datetime
) -> str:
    """ "Sent", "Not needed", "Overdue", "Due"."""
    if outcome is not None:
        return "Sent" if outcome.status == OutcomeStatus.SENT else "Not needed"
    return "Overdue" if notification.due_at < now else "Due"


class OpenNotification(OrganisationOwned):
    """A notification with no outcome yet, and its deadline. Derived data,
    written only by the database triggers above and by
    ``open_notifications.rebuild()``; never by application code."""

    organisation_parents = ("notification",)
    notification = models.OneToOneField(
        Notification, on_delete=models.PROTECT, primary_key=True, related_name="open"
    )
    due_at = models.DateTimeField()

    class Meta:
        db_table = open_notifications.TABLE
        indexes = [models.Index(fields=["organisation", "due_at"], name="open_notification_due")]

    def __str__(self) -> str:
        return f"Open notification {self.notification_id}, due {self.due_at:%Y-%m-%d %H:%M}"


class RuleOverride(OrganisationOwned):
    """A lead's setting of the parts of a rule guidance leaves to the
    organisation. The latest row per rule is in force; earlier rows are its
    history."""

    rule_code = models.CharField(max_length=32, choices=RULE_CHOICES)
    required = models.BooleanField(null=True, blank=True)
    hours = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField("Why (the local procedure or contract clause)")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["set_at", "pk"]
        indexes = [models.Index(fields=["organisation", "rule_code", "-id"])]
        triggers = append_only("rule_override")

    def __str__(self) -> str:
        return f"{self.rule_code} override {self.set_at:%Y-%m-%d}"

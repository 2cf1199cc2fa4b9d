"""Agreed actions: one model for every action agreed anywhere in the product.

An action is what is to be done (plain text, facts), who owns it and by when.
Its *source* is one real foreign key: a disclosure decision's agreed outcome,
a strategy meeting (a chronology entry of kind meeting), or a key decision on
either side of an allegation. A quality-audit finding is a source too, but
``audits`` sits above this app, so the audit side holds that link
(``audits.quality.models.AuditFinding``) and the action says only that its
source is an audit. A check constraint holds "exactly one source, of the kind
the row says".

Records are never edited or deleted. An action is completed by an
``ActionCompletion`` (note required); reassigned or corrected by a new
``Action`` that names the one it replaces and why (``corrects``), which closes
the old one. An action is open while it has neither.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from organisations.append_only import append_only
from organisations.owned import OrganisationOwned


class SourceKind(models.TextChoices):
    DECISION = "decision", "Disclosure decision"
    MEETING = "meeting", "Strategy meeting"
    SAFEGUARDING_DECISION = "safeguarding_decision", "Safeguarding key decision"
    HR_DECISION = "hr_decision", "HR key decision"
    AUDIT = "audit", "Quality-audit finding"


# The foreign key each kind fills (the audit kind's link is held by audits).
SOURCE_FIELDS = {
    SourceKind.DECISION: "decision",
    SourceKind.MEETING: "entry",
    SourceKind.SAFEGUARDING_DECISION: "safeguarding_decision",
    SourceKind.HR_DECISION: "hr_decision",
}


def _exactly_one_source() -> Q:
    rule = Q()
    for kind in SourceKind:
        field = SOURCE_FIELDS.get(kind)
        nulls = {f"{f}__isnull": f != field for f in SOURCE_FIELDS.values()}
        rule |= Q(source_kind=kind.value, **nulls)
    return rule


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        """Neither completed nor replaced by a correction."""
        return self.filter(
            ~Exists(ActionCompletion.objects.filter(action=OuterRef("pk"))),
            ~Exists(Action.objects.filter(corrects=OuterRef("pk"))),
        )

    def overdue(self, today: date) -> ActionQuerySet:
        return self.filter(due_date__lt=today)


class Action(OrganisationOwned):
    organisation_parents = ("decision", "entry", "safeguarding_decision", "hr_decision", "corrects")

    source_kind = models.CharField("Agreed at", max_length=24, choices=SourceKind.choices)
    decision = models.ForeignKey(
        "disclosures.DisclosureDecision",
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    entry = models.ForeignKey(
        "incidents.ChronologyEntry",
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    safeguarding_decision = models.ForeignKey(
        "allegations.SafeguardingDecision",
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    hr_decision = models.ForeignKey(
        "allegations.HRDecision",
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    what = models.TextField("What is to be done")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_actions"
    )
    due_date = models.DateField("Due by")
    # A reassignment or correction: the action this one replaces, and why.
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    correction_reason = models.TextField("Why it was changed", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_source(), name="action_exactly_one_source"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="action_correction_has_reason",
            ),
        ]
        indexes = [
            # The id last, as lists break ties on it (a page of the soonest
            # stops after its rows, not after every action due that day).
            models.Index(fields=["owner", "due_date", "id"], name="action_owner_due"),
            models.Index(fields=["organisation", "due_date", "id"], name="action_organisation_due"),
        ]
        triggers = append_only("action")

    def __str__(self) -> str:
        return f"Action ACT-{self.pk}"

    @property
    def reference(self) -> str:
        return f"ACT-{self.pk}"

    @property
    def source(self) -> models.Model | None:
        field = SOURCE_FIELDS.get(SourceKind(self.source_kind))
        return getattr(self, field) if field else None


class ActionCompletion(OrganisationOwned):
    """An action done: what was done (required), by whom and when. One per action."""

    organisation_parents = ("action",)
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="completion")
    note = models.TextField("What was done")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="completion_note_required")
        ]
        triggers = append_only("action_completion")

    def __str__(self) -> str:
        return f"Completion of action ACT-{self.action_id}"

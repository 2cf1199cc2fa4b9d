"""Record-quality audits: a lead or auditor samples records in a scope, scores
each against a checklist, notes findings and actions, and closes the audit.

What makes an audit evidence is fixed by database triggers: the scope, seed
and sample never change once drawn; a submitted score is never rewritten; a
closed audit is frozen. Sampled records are stored by id (not a foreign key)
because the source may be a disclosure decision or an allegation's key
decision; ``audits.quality.sources`` resolves them through ``access``.
"""

from __future__ import annotations

import pgtrigger
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.append_only import append_only, never_deleted
from organisations.owned import OrganisationOwned

__all__ = [
    "AuditFinding",
    "BreachWarningSent",
    "QualityAudit",
    "RecordScore",
    "ReminderSent",
    "SampledRecord",
]


class Source(models.TextChoices):
    DECISIONS = "decisions", "Disclosure decisions"
    ALLEGATION_DECISIONS = "allegation_decisions", "Allegation key decisions (retrospective)"


class ConsentFilter(models.TextChoices):
    ALL = "all", "All decisions"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    REFUSED_OR_NOT_SOUGHT = "refused_or_not_sought", "Consent refused or not sought"
    NOT_OBTAINED = "not_obtained", "Any position other than consent obtained"
    WITH_FINDINGS = "with_findings", "Decisions saved with quality warnings"
    WITH_RECORD_FINDINGS = (
        "with_record_findings",
        "Decisions on incidents with timeliness or completeness findings",
    )


class Result(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "na", "Not applicable"


# The checklist, in the order the scoring form and the report show it.
CRITERIA: list[tuple[str, str, str]] = [
    ("facts_only", "Facts only", "What was shared is factual, specific and free of opinion."),
    (
        "recipients_roles",
        "Recipients and roles",
        "Each recipient is named with role, organisation and channel.",
    ),
    ("purpose", "Purpose", "The purpose of sharing (or not) is clear and specific."),
    (
        "consent_explained",
        "Consent position explained",
        "The consent position and its reason are recorded, with what was discussed.",
    ),
    (
        "proportionality",
        "Proportionality justified",
        "Why this was the minimum necessary is explained.",
    ),
    (
        "harm_minimisation",
        "Harm minimisation",
        "Confidentiality, retaliation risk and safe contact were considered.",
    ),
    ("outcome", "Outcome", "The actions agreed are recorded."),
    (
        "review_point",
        "Review point set and met",
        "A review point was set, and reviewed on time (or is not yet due).",
    ),
]
# Retrospective audits of allegations score an allegation's key decisions
# (seed 003: information considered, who was consulted, rationale, dissenting
# views) in the same eight columns, labelled for what they mean there.
ALLEGATION_CRITERIA: list[tuple[str, str, str]] = [
    (
        "facts_only",
        "Information considered",
        "The information considered is recorded, factual and specific.",
    ),
    (
        "recipients_roles",
        "Who was consulted",
        "Each person consulted is named with role and what they advised.",
    ),
    ("purpose", "The decision", "What was decided is stated clearly."),
    ("consent_explained", "Rationale", "The reasons for the decision are explained."),
    (
        "proportionality",
        "Dissenting views",
        "Disagreement is recorded, or it is clear that nobody disagreed.",
    ),
    (
        "harm_minimisation",
        "Protection considered",
        "Risk to the adult at risk and fairness to the staff member were weighed.",
    ),
    ("outcome", "Decision-maker", "Who made the decision, and their role, is recorded."),
    (
        "review_point",
        "Recorded promptly",
        "The decision was recorded soon after it was made.",
    ),
]
CRITERION_NAMES = [name for name, _, _ in CRITERIA]


def criteria_for(source: str) -> list[tuple[str, str, str]]:
    return ALLEGATION_CRITERIA if source == Source.ALLEGATION_DECISIONS else CRITERIA


POINTS = {Result.MET: 2, Result.PARTLY: 1, Result.NOT_MET: 0}


class AuditStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


class QualityAuditQuerySet(models.QuerySet["QualityAudit"]):
    def in_progress(self) -> QualityAuditQuerySet:
        return self.filter(closed_at__isnull=True)

    def closed(self) -> QualityAuditQuerySet:
        return self.filter(closed_at__isnull=False)


class QualityAudit(OrganisationOwned):
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.DECISIONS)
    date_from = models.DateField("Decisions from")
    date_to = models.DateField("Decisions to")
    # Empty means every service of the organisation.
    service_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    consent_filter = models.CharField(
        "Which records", max_length=32, choices=ConsentFilter.choices, default=ConsentFilter.ALL
    )
    sample_size = models.PositiveIntegerField("Sample size")
    # Same seed + same scope → same sample (see audits.quality.sampling).
    seed = models.BigIntegerField()
    population_count = models.PositiveIntegerField("Records in scope when sampled")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField("Summary of the audit", blank=True)

    objects = QualityAuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_from__lte=models.F("date_to")), name="quality_audit_date_order"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(summary=""),
                name="quality_audit_closed_has_summary",
            ),
        ]
        triggers = [
            *never_deleted(
                "quality_audit",
                suffix="scope_read_only",
                read_only=[
                    "organisation",
                    "title",
                    "source",
                    "date_from",
                    "date_to",
                    "service_ids",
                    "consent_filter",
                    "sample_size",
                    "seed",
                    "population_count",
                    "created_by",
                    "created_at",
                ],
            ),
            # Closing is written once; a closed audit is frozen.
            pgtrigger.Protect(
                name="quality_audit_closed_frozen",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def status(self) -> str:
        return AuditStatus.CLOSED if self.is_closed else AuditStatus.IN_PROGRESS

    def get_status_display(self) -> str:
        return str(AuditStatus(self.status).label)


class SampledRecord(OrganisationOwned):
    organisation_parents = ("audit",)
    audit = models.ForeignKey(QualityAudit, on_delete=models.PROTECT, related_name="samples")
    position = models.PositiveIntegerField()
    record_id = models.BigIntegerField()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "position"], name="sample_position_unique"),
            models.UniqueConstraint(fields=["audit", "record_id"], name="sample_record_unique"),
        ]
        triggers = append_only("sampled_record")

    def __str__(self) -> str:
        return f"Sample {self.position} of audit {self.audit_id}"


def _criterion_field(label: str) -> models.CharField:
    return models.CharField(label, max_length=8, choices=Result.choices)


class RecordScore(OrganisationOwned):
    """One submitted score per sampled record; never rewritten."""

    organisation_parents = ("sample",)
    sample = models.OneToOneField(SampledRecord, on_delete=models.PROTECT, related_name="score")
    facts_only = _criterion_field("Facts only")
    recipients_roles = _criterion_field("Recipients and roles")
    purpose = _criterion_field("Purpose")
    consent_explained = _criterion_field("Consent position explained")
    proportionality = _criterion_field("Proportionality justified")
    harm_minimisation = _criterion_field("Harm minimisation")
    outcome = _criterion_field("Outcome")
    review_point = _criterion_field("Review point set and met")
    notes = models.TextField("Auditor's notes", blank=True)
    # Points / possible points over applicable criteria, 0–100; stored so that
    # charts aggregate in the database.
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sample__position"]
        triggers = append_only("record_score")

    def __str__(self) -> str:
        return f"Score for sample {self.sample_id}"

    def results(self) -> list[tuple[str, str, str]]:
        """(criterion label, result value, result label) in checklist order."""
        labels = dict(Result.choices)
        return [
            (label, getattr(self, name), labels[getattr(self, name)])
            for name, label, _ in criteria_for(self.sample.audit.source)
        ]


def score_percent(results: dict[str, str]) -> int | None:
    """Met = 2, partly = 1, not met = 0; not applicable does not count."""
    applicable = [r for r in results.values() if r != Result.NOT_APPLICABLE]
    if not applicable:
        return None
    points = sum(POINTS[Result(r)] for r in applicable)
    return round(100 * points / (2 * len(applicable)))


class AuditFindingQuerySet(models.QuerySet["AuditFinding"]):
    def current(self) -> AuditFindingQuerySet:
        """Each finding once: the link to its action as it stands now (a
        reassigned action's replacement carries the finding on)."""
        return self.filter(action__correction__isnull=True)


class AuditFinding(OrganisationOwned):
    """A finding of a quality audit and the agreed action it calls for. The
    action is the one ``actions.Action`` of the product (owner, due date,
    completion); this row is its link to the audit, which is why an audit
    action is visible exactly where the audit is (``actions.access``)."""

    organisation_parents = ("audit", "sample", "action")
    audit = models.ForeignKey(QualityAudit, on_delete=models.PROTECT, related_name="actions")
    sample = models.ForeignKey(
        SampledRecord, on_delete=models.PROTECT, related_name="actions", null=True, blank=True
    )
    finding = models.TextField("Finding")
    action = models.OneToOneField(
        "actions.Action", on_delete=models.PROTECT, related_name="audit_finding"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AuditFindingQuerySet.as_manager()

    class Meta:
        ordering = ["action__due_date", "pk"]
        triggers = append_only("audit_finding")

    def __str__(self) -> str:
        return f"Finding {self.pk} of audit {self.audit_id}"


class ReminderSent(OrganisationOwned):
    """One row per user per day: the daily digest of ``send_reminders`` is sent
    once (audits/reminders.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    due_count = models.PositiveIntegerField()
    overdue_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_reminder_per_user_per_day")
        ]
        triggers = append_only("reminder_sent")

    def __str__(self) -> str:
        return f"Reminder to {self.user_id} on {self.date}"


class BreachWarningSent(OrganisationOwned):
    """One row per user per work item (``WorkItem.key``): the warning that an
    item went overdue is sent once, in the transaction that inserts this row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_breach_warning_per_item")
        ]
        triggers = append_only("breach_warning_sent")

    def __str__(self) -> str:
        return f"Breach warning to {self.user_id} for {self.key}"


# In the audit trail like every other record (narrative fields are fingerprinted
# by the audit model, never copied).
for _model in (QualityAudit, SampledRecord, RecordScore, AuditFinding):
    auditlog.register(_model)

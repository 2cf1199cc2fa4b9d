"""Disclosure decisions: every decision to share, share part of, or not share
information about an incident, recorded so that an external reviewer can follow
the reasoning years later.

Everything here is append-only and enforced by database triggers. A saved
decision is corrected by a ``DecisionAmendment`` (the original stays visible),
and its review point moves on through ``DecisionReview`` rows, never by
rewriting the decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from disclosures import review_points
from incidents.models import Incident
from organisations.append_only import append_only
from organisations.models import Service
from organisations.owned import OrganisationOwned


class Decision(models.TextChoices):
    SHARE = "share", "Share"
    SHARE_PART = "share_part", "Share part"
    DO_NOT_SHARE = "do_not_share", "Do not share"


class RecipientCategory(models.TextChoices):
    LA_SAFEGUARDING = "la_safeguarding", "Local authority safeguarding"
    POLICE = "police", "Police"
    COMMISSIONER = "commissioner", "Commissioner"
    CQC = "cqc", "CQC"
    GP_CLINICAL = "gp_clinical", "GP / clinical"
    FAMILY = "family", "Family"
    ADVOCATE = "advocate", "Advocate"
    INTERNAL_LEAD = "internal_lead", "Internal safeguarding lead"
    INTERNAL_HR = "internal_hr", "Internal HR"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Secure email"
    PHONE = "phone", "Phone"
    MEETING = "meeting", "Meeting"
    PORTAL = "portal", "Portal"


class Purpose(models.TextChoices):
    IMMEDIATE_SAFETY = "immediate_safety", "Immediate safety"
    PROTECTION_PLANNING = "protection_planning", "Protection planning"
    S42_ENQUIRY = "s42_enquiry", "Section 42 enquiry"
    CRIMINAL_INVESTIGATION = "criminal_investigation", "Criminal investigation"
    REGULATORY_NOTIFICATION = "regulatory_notification", "Regulatory notification"
    SERVICE_CONTINUITY = "service_continuity", "Service continuity"
    OTHER = "other", "Other"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    PUBLIC_TASK = "public_task", "Public task — Art. 6(1)(e)"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation — Art. 6(1)(c)"
    VITAL_INTERESTS = (
        "vital_interests",
        "Vital interests (to protect someone's life) — Art. 6(1)(d)",
    )
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests — Art. 6(1)(f)"
    CONSENT = "consent", "Consent — Art. 6(1)(a)"
    CONTRACT = "contract", "Contract — Art. 6(1)(b)"


class SpecialCondition(models.TextChoices):
    """UK GDPR Article 9(2) with DPA 2018 Schedule 1. Para 18 is the usual one
    for safeguarding and is offered first."""

    SCH1_PARA18 = (
        "sch1_para18",
        "Safeguarding of children and individuals at risk — DPA 2018 Sch. 1 para 18",
    )
    ART9_2H = "art9_2h", "Health or social care — Art. 9(2)(h)"
    ART9_2C = "art9_2c", "Vital interests, the person cannot consent — Art. 9(2)(c)"
    ART9_2A = "art9_2a", "Explicit consent — Art. 9(2)(a)"
    SCH1_PARA10 = "sch1_para10", "Preventing or detecting unlawful acts — DPA 2018 Sch. 1 para 10"
    SCH1_PARA6 = "sch1_para6", "Statutory purposes — DPA 2018 Sch. 1 para 6"
    ART9_2F = "art9_2f", "Legal claims — Art. 9(2)(f)"
    NONE = "none", "No special-category data shared"


class ConsentPosition(models.TextChoices):
    OBTAINED = "obtained", "Consent obtained"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    NOT_POSSIBLE = "not_possible", "Consent not possible"


class ConsentReason(models.TextChoices):
    """Why consent was not sought / not possible (DPA 2018 Sch. 1 para 18(2))."""

    WOULD_PREJUDICE_PROTECTION = (
        "would_prejudice_protection",
        "Asking would prejudice the person's protection (e.g. retaliation, coercion)",
    )
    WOULD_PREJUDICE_ENQUIRY = (
        "would_prejudice_enquiry",
        "Asking would prejudice an enquiry or investigation",
    )
    CANNOT_BE_GIVEN = (
        "cannot_be_given",
        "Consent cannot be given (lacks capacity for this decision: best-interests)",
    )
    CANNOT_REASONABLY_OBTAIN = (
        "cannot_reasonably_obtain",
        "Consent cannot reasonably be obtained (e.g. cannot be reached in time)",
    )
    LEGAL_DUTY = (
        "legal_duty",
        "Sharing is required by law or a regulator; consent is not the basis",
    )


# Which reasons fit which consent position.
CONSENT_REASONS_FOR = {
    ConsentPosition.NOT_SOUGHT: {
        ConsentReason.WOULD_PREJUDICE_PROTECTION,
        ConsentReason.WOULD_PREJUDICE_ENQUIRY,
        ConsentReason.CANNOT_REASONABLY_OBTAIN,
        ConsentReason.LEGAL_DUTY,
    },
    ConsentPosition.NOT_POSSIBLE: {
        ConsentReason.CANNOT_BE_GIVEN,
        ConsentReason.CANNOT_REASONABLY_OBTAIN,
    },
}


def number_in_incident() -> Subquery:
    """A decision's number within its incident: 1, 2, … in *decided* order
    (decided_at, then id), so a decision recorded late with an earlier date
    comes before the ones decided after it, on every page and in every PDF.
    The one definition of "decision N"; the register keeps the global id."""
    earlier = (
        DisclosureDecision._base_manager.filter(incident=OuterRef("incident"))
        .filter(
            Q(decided_at__lt=OuterRef("decided_at"))
            | Q(decided_at=OuterRef("decided_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(earlier, output_field=models.PositiveIntegerField())


class DecisionQuerySet(models.QuerySet["DisclosureDecision"]):
    def with_numbers(self) -> DecisionQuerySet:
        return self.annotate(number_in_incident=number_in_incident())

    def with_review_point(self) -> DecisionQuerySet:
        """Annotate ``current_review_date`` / ``current_review_what``: the latest
        review's next point, or the decision's own when it has no review yet.
        A review that ends reviewing leaves the date empty. Read from the
        ``ReviewPoint`` projection (one indexed row per decision)."""
        return self.annotate(
            current_review_date=F("review_point__due_date"),
            current_review_what=Coalesce(
                F("review_point__what"), Value(""), output_field=models.TextField()
            ),
        )

    def review_open(self) -> DecisionQuerySet:
        return self.with_review_point().filter(review_point__due_date__isnull=False)

    def concerning(self, person: Any) -> DecisionQuerySet:
        return self.filter(incident__people=person)


class DecisionManager(models.Manager.from_queryset(DecisionQuerySet)):  # type: ignore[misc]
    """Every decision fetched through the manager (related managers and
    prefetches included) carries its number in the incident."""

    def get_queryset(self) -> DecisionQuerySet:
        return super().get_queryset().with_numbers()


class DisclosureDecision(OrganisationOwned):
    organisation_parents = ("incident",)
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="disclosure_decisions"
    )
    # Per-incident recording sequence, which serialises concurrent recording;
    # the number people see is ``number`` (decided order).
    recorded_number = models.PositiveIntegerField(editable=False, db_column="number")

    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("Decided at")
    what_shared = models.TextField("What was shared (facts only)", blank=True)
    what_withheld = models.TextField("What was withheld, and why", blank=True)
    # What the decision-maker looked at (seed 003: every key decision records
    # it). A database default too, so rows written in bulk (safeguard/scale.py)
    # need not name it.
    information_considered = models.TextField(
        "Information considered", blank=True, default="", db_default=""
    )

    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    reasoning = models.TextField("Reasoning")
    lawful_basis = models.CharField(
        "Lawful basis (UK GDPR Art. 6)", max_length=32, choices=LawfulBasis.choices, blank=True
    )
    special_condition = models.CharField(
        "Special-category condition (Art. 9 / DPA 2018 Sch. 1)",
        max_length=32,
        choices=SpecialCondition.choices,
        blank=True,
    )

    consent_position = models.CharField(max_length=16, choices=ConsentPosition.choices)
    consent_reason = models.CharField(
        "Reason consent was not sought or not possible",
        max_length=32,
        choices=ConsentReason.choices,
        blank=True,
    )
    consent_reason_detail = models.TextField("The reason, in this case", blank=True)
    consent_discussion = models.TextField("What was discussed with the person", blank=True)
    understanding_checked = models.TextField("How understanding was checked", blank=True)
    override_authorised_by = models.CharField(
        "Who authorised overriding the refusal", max_length=200, blank=True
    )
    override_reason = models.TextField("Why the refusal was overridden", blank=True)

    proportionality = models.TextField("Why this is the minimum necessary", blank=True)
    confidentiality_measures = models.TextField("How confidentiality was protected", blank=True)
    retaliation_risk = models.TextField("Retaliation risk and how it is managed", blank=True)
    safe_contact = models.TextField("Safe-contact arrangements", blank=True)

    dissenting_views = models.TextField("Dissenting views", blank=True)
    outcome = models.TextField("Outcome: actions agreed")
    review_date = models.DateField("Review point")
    review_what = models.TextField("What will be reviewed")

    # When the thing shared is a file (e.g. an exported chronology PDF).
    shared_file_name = models.CharField(max_length=255, blank=True)
    shared_file_sha256 = models.CharField("SHA-256 of the file shared", max_length=64, blank=True)

    quality_acknowledged = models.BooleanField(
        default=False, help_text="Saved with record-quality warnings the author confirmed."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = DecisionManager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "recorded_number"], name="decision_number_unique"
            ),
            # The core rules also hold for rows written outside the service.
            models.CheckConstraint(
                condition=~Q(decision="share") & ~Q(decision="share_part") | ~Q(what_shared=""),
                name="decision_share_needs_what_shared",
            ),
            models.CheckConstraint(
                condition=~Q(consent_position__in=["not_sought", "not_possible"])
                | ~Q(consent_reason=""),
                name="decision_consent_reason_required",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-decided_at"]),
            models.Index(fields=["incident", "recorded_number"]),
            models.Index(fields=["organisation", "review_date"]),
        ]
        triggers = [
            *append_only("decision"),
            # Its review point, in the same transaction (review_points.py).
            pgtrigger.Trigger(
                name="decision_review_point",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func=review_points.ON_DECISION,
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.number} on {self.incident.reference}"

    @property
    def number(self) -> int:
        """Its number in the incident (``number_in_incident``): annotated by
        the manager, else asked for once (a decision reached through
        ``select_related``)."""
        n = self.__dict__.get("number_in_incident")
        if n is None:
            n = (
                DisclosureDecision._base_manager.filter(pk=self.pk)
                .annotate(n=number_in_incident())
                .values_list("n", flat=True)
                .get()
            )
            self.__dict__["number_in_incident"] = n
        return int(n)

    @property
    def shares(self) -> bool:
        return self.decision in (Decision.SHARE, Decision.SHARE_PART)

    @property
    def overrides_refusal(self) -> bool:
        return self.consent_position == ConsentPosition.REFUSED and self.shares

    def text_to_correct(self, field: str) -> str:
        """What a correction of ``field`` starts from: the latest correction, else
        the recorded text. Recipients and people consulted are rows, not text, so
        their correction note starts from the rows in words, one per line."""
        latest = self.amendments.filter(field=field).order_by("-created_at", "-pk").first()
        if latest is not None:
            return latest.new_text
        if field in ("recipients", "consultations"):
            return "\n".join(str(row) for row in getattr(self, field).all())
        return str(getattr(self, field, ""))


class Recipient(OrganisationOwned):
    organisation_parents = ("decision",)
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="recipients"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    recipient_organisation = models.CharField("Organisation", max_length=200)
    category = models.CharField(max_length=32, choices=RecipientCategory.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    # Empty on a "do not share" decision: the row names who was considered.
    shared_at = models.DateTimeField("When shared", null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["organisation", "category"])]
        triggers = append_only("recipient")

    def __str__(self) -> str:
        return f"{self.name}, {self.role} ({self.recipient_organisation})"


class Consultation(OrganisationOwned):
    organisation_parents = ("decision",)
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="consultations"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    advice = models.TextField()

    class Meta:
        ordering = ["pk"]
        triggers = append_only("consultation")

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


# The decision log's field names, kept here once: the decision form, the export
# form and the services all name these.
#
# What the decision records about consent, beyond who was asked: the position,
# then what some positions require (services.validate_decision).
CONSENT_DETAIL_FIELDS = (
    "consent_reason",
    "consent_reason_detail",
    "consent_discussion",
    "understanding_checked",
    "override_authorised_by",
    "override_reason",
)
CONSENT_FIELDS = ("consent_position", *CONSENT_DETAIL_FIELDS)
# What someone exporting a chronology states for the disclosure decision the
# export records (the export itself supplies the recipient, what was shared,
# the reasoning and the outcome); ``lawful_basis`` travels on its own.
DECISION_LOG_FIELDS = (
    "purpose",
    "information_considered",
    "special_condition",
    "channel",
    *CONSENT_FIELDS,
    "proportionality",
    "confidentiality_measures",
    "review_date",
    "review_what",
)

# Narrative fields a correction may target, in the order the page shows them.
AMENDABLE_FIELDS = [
    ("what_shared", "What was shared (facts only)"),
    ("what_withheld", "What was withheld"),
    ("information_considered", "Information considered"),
    ("reasoning", "Reasoning"),
    ("consent_reason_detail", "Reason for the consent position"),
    ("consent_discussion", "What was discussed with the person"),
    ("understanding_checked", "How understanding was checked"),
    ("override_authorised_by", "Who authorised overriding the refusal"),
    ("override_reason", "Why the refusal was overridden"),
    ("proportionality", "Why this is the minimum necessary"),
    ("confidentiality_measures", "How confidentiality was protected"),
    ("retaliation_risk", "Retaliation risk"),
    ("safe_contact", "Safe-contact arrangements"),
    ("dissenting_views", "Dissenting views"),
    ("outcome", "Outcome: actions agreed"),
    ("review_what", "What will be reviewed"),
    ("recipients", "Recipients (correction note)"),
    ("consultations", "People consulted (correction note)"),
]


class EscalationCondition(OrganisationOwned):
    """A threshold set with the decision (seed 000, example 2: "the decision log
    sets thresholds for proportionate escalation"): if this happens, this is
    what will be done. Each review records whether it was met."""

    organisation_parents = ("decision",)
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="escalation_conditions"
    )
    condition = models.TextField("Escalate if")
    response = models.TextField("Then")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        triggers = append_only("escalation_condition")

    def __str__(self) -> str:
        return f"Escalation condition {self.position + 1} of decision {self.decision_id}"


class DecisionAmendment(OrganisationOwned):
    """A correction to one field of a saved decision. Shown beneath the original."""

    organisation_parents = ("decision",)
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="amendments"
    )
    field = models.CharField("Field corrected", max_length=32, choices=AMENDABLE_FIELDS)
    reason = models.TextField("Reason for the amendment")
    new_text = models.TextField("Corrected text")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        triggers = append_only("decision_amendment")

    def __str__(self) -> str:
        return f"Amendment #{self.pk} to {self.get_field_display()}"


class DecisionReview(OrganisationOwned):
    """A review recorded against a decision's review point. It sets the next
    review point, or ends reviewing with a reason."""

    organisation_parents = ("decision",)
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="reviews"
    )
    review_point_date = models.DateField("Review point reviewed")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("Reviewed at")
    what_changed = models.TextField("What has changed")
    next_review_date = models.DateField("Next review point", null=True, blank=True)
    next_review_what = models.TextField("What will be reviewed next", blank=True)
    no_further_review_reason = models.TextField("Why no further review is needed", blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_date__isnull=False) | ~Q(no_further_review_reason=""),
                name="review_next_point_or_reason",
            )
        ]
        triggers = [
            *append_only("decision_review"),
            # Moves the decision's review point on (review_points.py).
            pgtrigger.Trigger(
                name="review_moves_review_point",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func=review_points.ON_REVIEW,
            ),
        ]

    def __str__(self) -> str:
        return f"Review of decision {self.decision_id} at {self.reviewed_at:%Y-%m-%d}"

    @property
    def ends_reviewing(self) -> bool:
        return self.next_review_date is None


class EscalationCheck(OrganisationOwned):
    """What a review found for one escalation condition: met or not, and a note."""

    organisation_parents = ("review", "condition")
    review = models.ForeignKey(
        DecisionReview, on_delete=models.PROTECT, related_name="escalation_checks"
    )
    condition = models.ForeignKey(
        EscalationCondition, on_delete=models.PROTECT, related_name="checks"
    )
    met = models.BooleanField("Was it met?")
    note = models.TextField("What was found", blank=True)

    class Meta:
        ordering = ["condition__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "condition"], name="one_check_per_condition")
        ]
        triggers = append_only("escalation_check")

    def __str__(self) -> str:
        return f"Check of condition {self.condition_id} at review {self.review_id}"


class ReviewPoint(OrganisationOwned):
    """Where each decision's reviewing stands: its current review point (the
    latest review's next point, or the decision's own), or none once reviewing
    has ended. Derived data, written only by the database triggers above and
    by ``review_points.rebuild()``; never by application code."""

    organisation_parents = ("decision", "incident", "service")
    decision = models.OneToOneField(
        DisclosureDecision,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="review_point",
    )
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")
    # The incident's service (fixed once the incident is saved), so a
    # manager's open points are read from their services' index entries.
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True)
    what = models.TextField(blank=True)
    last_review = models.ForeignKey(
        DecisionReview, on_delete=models.PROTECT, null=True, related_name="+"
    )
    last_reviewed_at = models.DateTimeField(null=True)

    class Meta:
        db_table = review_points.TABLE
        indexes = [
            # Open points only, soonest first: reviews due, dashboards, reminders.
            # The decision last, as lists break ties on it: a page of the soonest
            # points then stops after its rows instead of sorting every point
            # due on the same day (hundreds at 100,000 incidents).
            models.Index(
                fields=["organisation", "due_date", "decision"],
                condition=Q(due_date__isnull=False),
                name="review_point_open_due",
            ),
            models.Index(
                fields=["service", "due_date", "decision"],
                condition=Q(due_date__isnull=False),
                name="review_point_service_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Review point of decision {self.decision_id}: {self.due_date or 'ended'}"


class QualityFinding(OrganisationOwned):
    """A record-quality warning shown to the author and saved with the decision,
    so audits can sample weak records."""

    organisation_parents = ("decision",)
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="quality_findings"
    )
    code = models.CharField(max_length=32, db_index=True)
    field = models.CharField(max_length=32, blank=True)
    message = models.TextField()
    excerpt = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        triggers = append_only("quality_finding")

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def days_until(value: date | None) -> int | None:
    if value is None:
        return None
    return (value - timezone.localdate()).days


class DecisionEvidence(OrganisationOwned):
    """An evidence file (``incidents.evidence.EvidenceFile``, no entry) that
    belongs to a disclosure decision: what was sent, a consent form, a letter.
    Seen and downloaded exactly where the decision is. Append-only, like the file."""

    organisation_parents = ("decision", "file")
    decision = models.ForeignKey(
        DisclosureDecision, on_delete=models.PROTECT, related_name="evidence_links"
    )
    file = models.OneToOneField(
        "incidents.EvidenceFile", on_delete=models.PROTECT, related_name="decision_link"
    )

    class Meta:
        ordering = ["file__uploaded_at", "pk"]
        verbose_name = "evidence file on a decision"
        triggers = append_only("decision_evidence")

    def __str__(self) -> str:
        return f"Evidence file {self.file_id} on decision {self.decision_id}"

"""Allegations against staff: one allegation, two separate records.

Seed 003: "Providers should maintain distinct but linked records: safeguarding
records (risk, harm, protection actions) and HR records (employment actions and
outcomes). Cross-referencing is appropriate, duplication is not."

So the safeguarding side and the HR side live in separate tables (entries, key
decisions and amendments each), and ``allegations/access.py`` decides who may
read which table. Everything written is append-only, enforced by triggers; a
correction is an amendment that sits beside the original.
"""

from __future__ import annotations

from datetime import date

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from incidents.models import Category, Incident
from organisations.append_only import append_only, never_deleted
from organisations.models import Service
from organisations.owned import OrganisationOwned

# Assumption (documented in docs/allegations.md): when only a date of birth is
# known, the normal retirement age is the UK State Pension age for people born
# after April 1960, 67. A known retirement date always wins.
NORMAL_RETIREMENT_AGE = 67
RETENTION_YEARS_FROM_OUTCOME = 10
MALICIOUS_REVIEW_YEARS = 1


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class StaffMember(OrganisationOwned):
    """A member of staff who may be the subject of an allegation."""

    organisation_parents = ("service",)
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=120)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    employee_reference = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="login",
        help_text="Link their login, if they have one: the system then hides any allegation "
        "about them from them, whatever their role.",
    )
    date_of_birth = models.DateField(null=True, blank=True)
    retirement_date = models.DateField(
        "Normal retirement date",
        null=True,
        blank=True,
        help_text=f"If blank, age {NORMAL_RETIREMENT_AGE} from the date of birth is assumed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "staff member"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_reference"],
                condition=~models.Q(employee_reference=""),
                name="staff_employee_reference_unique",
            )
        ]
        triggers = [pgtrigger.Protect(name="staff_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.name} ({self.job_title})"

    @property
    def normal_retirement_date(self) -> date | None:
        if self.retirement_date:
            return self.retirement_date
        if self.date_of_birth:
            return _add_years(self.date_of_birth, NORMAL_RETIREMENT_AGE)
        return None


class AllegationStatus(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    CONCLUDED = "concluded", "Concluded"


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    FALSE = "false", "False"
    MALICIOUS = "malicious", "Malicious"
    UNFOUNDED = "unfounded", "Unfounded"


class RetentionClass(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional — no outcome yet"
    STANDARD = "standard", "Standard — later of retirement or 10 years from outcome"
    MALICIOUS = "malicious", "Malicious — review 1 year from outcome"
    EXTENDED = "extended", "Extended by retention review"


def number_in_incident() -> models.Subquery:
    """An allegation's number within its incident: its incident's first
    allegation is A1, the second A2, in the order they were recorded (ids only
    grow and allegations are never deleted, so a reference never changes)."""
    earlier = (
        Allegation._base_manager.filter(
            incident=models.OuterRef("incident"), pk__lte=models.OuterRef("pk")
        )
        .order_by()
        .values("incident")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return models.Subquery(earlier, output_field=models.PositiveIntegerField())


class AllegationManager(models.Manager["Allegation"]):
    """Every allegation fetched through the manager (related managers and
    prefetches included) carries its number in the incident."""

    def get_queryset(self) -> models.QuerySet[Allegation]:
        return super().get_queryset().annotate(number_in_incident=number_in_incident())


class Allegation(OrganisationOwned):
    organisation_parents = ("incident", "staff_member")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="allegations")
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="allegations"
    )
    what_is_alleged = models.TextField(
        "What is alleged", help_text="The allegation as made, in the words used. Facts only."
    )
    categories = ArrayField(models.CharField(max_length=32, choices=Category.choices))
    raised_by = models.CharField(
        "Who raised it", max_length=200, help_text="Name and role, e.g. 'Edith Clarke, resident'."
    )
    raised_at = models.DateTimeField("When it was raised")
    status = models.CharField(
        max_length=24, choices=AllegationStatus.choices, default=AllegationStatus.OPEN
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    retention_class = models.CharField(
        max_length=16, choices=RetentionClass.choices, default=RetentionClass.PROVISIONAL
    )
    review_by = models.DateField("Retention review by")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AllegationManager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-raised_at"]),
            models.Index(fields=["organisation", "review_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="concluded", outcome__gt="", outcome_date__isnull=False)
                | (~models.Q(status="concluded") & models.Q(outcome="", outcome_date__isnull=True)),
                name="allegation_outcome_when_concluded",
            )
        ]
        triggers = [
            # The allegation as made is fixed; status, outcome and retention move
            # only through services that write an append-only transition or review.
            *never_deleted(
                "allegation",
                suffix="facts_read_only",
                read_only=[
                    "organisation",
                    "incident",
                    "staff_member",
                    "what_is_alleged",
                    "categories",
                    "raised_by",
                    "raised_at",
                    "created_by",
                    "created_at",
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"Allegation {self.reference}"

    @property
    def number(self) -> int:
        """Annotated by the manager, else asked for once (an allegation reached
        through ``select_related``)."""
        n = self.__dict__.get("number_in_incident")
        if n is None:
            n = (
                Allegation._base_manager.filter(pk=self.pk)
                .annotate(n=number_in_incident())
                .values_list("n", flat=True)
                .get()
            )
            self.__dict__["number_in_incident"] = n
        return int(n)

    @property
    def reference(self) -> str:
        return f"{self.incident.reference}/A{self.number}"

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [labels.get(c, c) for c in self.categories]


def default_retention(
    *,
    staff_member: StaffMember,
    raised_at: date,
    outcome: str = "",
    outcome_date: date | None = None,
) -> tuple[str, date]:
    """The retention class and review-by date the rules give (docs/allegations.md).

    - No outcome yet: provisional, the later of retirement or 10 years from when raised.
    - Malicious: reviewed one year after the outcome, so the employment record can be
      cleared of it while the safeguarding side decides what to keep.
    - Otherwise: the later of the normal retirement date or 10 years from the outcome.
    """
    retirement = staff_member.normal_retirement_date
    if not outcome or outcome_date is None:
        base = _add_years(raised_at, RETENTION_YEARS_FROM_OUTCOME)
        return RetentionClass.PROVISIONAL, max(base, retirement) if retirement else base
    if outcome == Outcome.MALICIOUS:
        return RetentionClass.MALICIOUS, _add_years(outcome_date, MALICIOUS_REVIEW_YEARS)
    base = _add_years(outcome_date, RETENTION_YEARS_FROM_OUTCOME)
    return RetentionClass.STANDARD, max(base, retirement) if retirement else base


class AllegationTransition(OrganisationOwned):
    """Every status or outcome change; an outcome correction is a new row."""

    organisation_parents = ("allegation",)
    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=24, choices=AllegationStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=AllegationStatus.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        triggers = append_only("allegation_transition")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class ReferralKind(models.TextChoices):
    LA_PIPOT = "la_pipot", "Local authority (PiPoT)"
    POLICE = "police", "Police"
    DBS = "dbs", "DBS barring referral"
    REGULATOR = "regulator", "Professional regulator"
    CQC = "cqc", "CQC notification"


class Referral(OrganisationOwned):
    """A referral or notification about the allegation: who, when, their reference.
    Deliberately no narrative here: what was shared belongs in a disclosure decision."""

    organisation_parents = ("allegation", "corrects")
    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=16, choices=ReferralKind.choices)
    body = models.CharField(
        "Referred to",
        max_length=200,
        help_text="The body or team, e.g. 'Westshire Adult Safeguarding Hub', 'NMC'.",
    )
    referred_on = models.DateField("Date referred")
    reference = models.CharField("Their reference", max_length=64, blank=True)
    # What came of it, when known. The row is append-only: an outcome learnt
    # later is recorded as a correction of the row, like any other change.
    outcome = models.TextField("Outcome", blank=True, default="", db_default="")
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
        help_text="A correction is a new referral row pointing at the one it corrects.",
    )
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referred_on", "pk"]
        triggers = append_only("referral")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.referred_on:%d %b %Y}"


# --- The two sides ----------------------------------------------------------


class SideStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIVE = "active", "In progress"
    CLOSED = "closed", "Closed"


class SideRecord(OrganisationOwned):
    """What both sides may know about each other: that it exists, who owns it,
    its status. Content lives only in the side's own entries and decisions."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=SideStatus.choices, default=SideStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class SafeguardingRecord(SideRecord):
    organisation_parents = ("allegation",)
    allegation = models.OneToOneField(
        Allegation, on_delete=models.PROTECT, related_name="safeguarding_record"
    )

    class Meta:
        triggers = [
            *never_deleted(
                "sg_record",
                suffix="read_only",
                read_only=["organisation", "allegation", "created_at"],
            ),
        ]

    side = "safeguarding"
    label = "Safeguarding record"

    def __str__(self) -> str:
        return f"{self.label} of allegation {self.allegation_id}"


class HRRecord(SideRecord):
    organisation_parents = ("allegation",)
    allegation = models.OneToOneField(
        Allegation, on_delete=models.PROTECT, related_name="hr_record"
    )

    class Meta:
        verbose_name = "HR record"
        triggers = [
            *never_deleted(
                "hr_record",
                suffix="read_only",
                read_only=["organisation", "allegation", "created_at"],
            ),
        ]

    side = "hr"
    label = "HR record"

    def __str__(self) -> str:
        return f"{self.label} of allegation {self.allegation_id}"


class SideStatusChange(OrganisationOwned):
    """Owner/status history of either side: metadata both sides may see."""

    organisation_parents = ("allegation",)
    allegation = models.ForeignKey(
        Allegation, on_delete=models.PROTECT, related_name="side_changes"
    )
    side = models.CharField(max_length=16, choices=[("safeguarding", "Safeguarding"), ("hr", "HR")])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=SideStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        triggers = append_only("side_change")

    def __str__(self) -> str:
        return f"{self.side}: {self.status}"


class SafeguardingEntryKind(models.TextChoices):
    RISK = "risk", "Risk assessment"
    HARM = "harm", "Harm to the person"
    PROTECTION = "protection", "Protection measure"
    PERSON = "person", "The person's views and wishes"
    MEETING = "meeting", "Strategy meeting or discussion"
    UPDATE = "update", "Update"


class HREntryKind(models.TextChoices):
    INTERIM = "interim", "Interim measure"
    INVESTIGATION = "investigation", "Investigation step"
    DISCIPLINARY = "disciplinary", "Disciplinary outcome"
    WELFARE = "welfare", "Staff welfare and support"
    UPDATE = "update", "Update"


class InterimMeasure(models.TextChoices):
    SUSPENSION = "suspension", "Suspension"
    REDEPLOYMENT = "redeployment", "Redeployment"
    SUPERVISION = "supervision", "Supervised practice"
    RESTRICTION = "restriction", "Restricted duties"
    LIFTED = "lifted", "Interim measure lifted"


class EntryBase(OrganisationOwned):
    text = models.TextField("What was done or found", help_text="Facts; quote people's words.")
    occurred_at = models.DateTimeField("When it happened")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["occurred_at", "pk"]


class SafeguardingEntry(EntryBase):
    organisation_parents = ("record",)
    record = models.ForeignKey(SafeguardingRecord, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=SafeguardingEntryKind.choices)

    class Meta(EntryBase.Meta):
        verbose_name_plural = "safeguarding entries"
        triggers = append_only("sg_entry")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class HREntry(EntryBase):
    organisation_parents = ("record",)
    record = models.ForeignKey(HRRecord, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=HREntryKind.choices)
    interim_measure = models.CharField(max_length=16, choices=InterimMeasure.choices, blank=True)

    class Meta(EntryBase.Meta):
        verbose_name = "HR entry"
        verbose_name_plural = "HR entries"
        triggers = append_only("hr_entry")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class DecisionBase(OrganisationOwned):
    """A key decision. Seed 003: every key decision should record what information
    was considered, who was consulted, the rationale and any dissenting views."""

    decision = models.TextField("The decision")
    information_considered = models.TextField("Information considered")
    consulted = models.TextField(
        "Who was consulted", help_text="Names, roles and what each advised."
    )
    rationale = models.TextField("Rationale")
    dissenting_views = models.TextField(
        "Dissenting views",
        blank=True,
        help_text="Who disagreed and why. Leave blank only if nobody did.",
    )
    decided_by = models.CharField(
        "Decided by", max_length=200, help_text="Name and role of who made the decision."
    )
    decided_at = models.DateTimeField("Decided at")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["decided_at", "pk"]


class SafeguardingDecision(DecisionBase):
    organisation_parents = ("record",)
    record = models.ForeignKey(
        SafeguardingRecord, on_delete=models.PROTECT, related_name="decisions"
    )

    class Meta(DecisionBase.Meta):
        triggers = append_only("sg_decision")

    def __str__(self) -> str:
        return f"Key decision #{self.pk}"


class HRDecision(DecisionBase):
    organisation_parents = ("record",)
    record = models.ForeignKey(HRRecord, on_delete=models.PROTECT, related_name="decisions")

    class Meta(DecisionBase.Meta):
        verbose_name = "HR decision"
        triggers = append_only("hr_decision")

    def __str__(self) -> str:
        return f"Key decision #{self.pk}"


AMENDABLE_FIELDS = {
    "entry": [("text", "What was done or found")],
    "decision": [
        ("decision", "The decision"),
        ("information_considered", "Information considered"),
        ("consulted", "Who was consulted"),
        ("rationale", "Rationale"),
        ("dissenting_views", "Dissenting views"),
        ("decided_by", "Decided by"),
    ],
}


class AmendmentBase(OrganisationOwned):
    """A correction to one field of an entry or a decision; the original stays."""

    field = models.CharField("Part corrected", max_length=32)
    new_text = models.TextField("Corrected text", blank=True)
    reason = models.TextField("Reason for the amendment")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    @property
    def field_label(self) -> str:
        for fields in AMENDABLE_FIELDS.values():
            for name, label in fields:
                if name == self.field:
                    return label
        return self.field


class SafeguardingAmendment(AmendmentBase):
    organisation_parents = ("entry", "decision")
    entry = models.ForeignKey(
        SafeguardingEntry,
        on_delete=models.PROTECT,
        related_name="amendments",
        null=True,
        blank=True,
    )
    decision = models.ForeignKey(
        SafeguardingDecision,
        on_delete=models.PROTECT,
        related_name="amendments",
        null=True,
        blank=True,
    )

    class Meta(AmendmentBase.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=True) ^ models.Q(decision__isnull=True),
                name="sg_amendment_one_target",
            )
        ]
        triggers = append_only("sg_amendment")

    def __str__(self) -> str:
        return f"Amendment #{self.pk}"


class HRAmendment(AmendmentBase):
    organisation_parents = ("entry", "decision")
    entry = models.ForeignKey(
        HREntry, on_delete=models.PROTECT, related_name="amendments", null=True, blank=True
    )
    decision = models.ForeignKey(
        HRDecision, on_delete=models.PROTECT, related_name="amendments", null=True, blank=True
    )

    class Meta(AmendmentBase.Meta):
        verbose_name = "HR amendment"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=True) ^ models.Q(decision__isnull=True),
                name="hr_amendment_one_target",
            )
        ]
        triggers = append_only("hr_amendment")

    def __str__(self) -> str:
        return f"Amendment #{self.pk}"


class RetentionReview(OrganisationOwned):
    """A person reviewed whether to keep the allegation's records. Nothing is
    deleted by the system: disposal is a human act outside this record."""

    class Decision(models.TextChoices):
        RETAIN = "retain", "Retain and review again"
        DISPOSAL = "disposal", "Refer for disposal under the retention policy"

    organisation_parents = ("allegation",)
    allegation = models.ForeignKey(
        Allegation, on_delete=models.PROTECT, related_name="retention_reviews"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    next_review_by = models.DateField("Next review by", null=True, blank=True)
    reason = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewed_at", "pk"]
        triggers = append_only("retention_review")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.reviewed_at:%d %b %Y})"


class StaffSourceOfHarm(OrganisationOwned):
    """A person named as alleged source of harm on an incident
    (``incidents.linked.PersonLink``) who is this member of staff. Kept here,
    above ``incidents``, because the staff record is; writing it excludes the
    staff member's login from the incident (``IncidentExclusion``), now and when
    a login is linked later (``services.link_staff_login``). Append-only."""

    organisation_parents = ("link", "staff_member")
    link = models.OneToOneField(
        "incidents.PersonLink", on_delete=models.PROTECT, related_name="staff_source"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="named_as_source_of_harm"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "staff member named as source of harm"
        triggers = append_only("staff_source")

    def __str__(self) -> str:
        return f"Staff member {self.staff_member_id} is person link {self.link_id}"


class SafeguardingRecordEvidence(OrganisationOwned):
    """An evidence file (``incidents.evidence.EvidenceFile``, no entry) on an
    allegation's safeguarding record. Seen and downloaded only by those who may
    read that side (never HR, never the subject). Append-only, like the file."""

    organisation_parents = ("record", "file")
    record = models.ForeignKey(
        SafeguardingRecord, on_delete=models.PROTECT, related_name="evidence_links"
    )
    file = models.OneToOneField(
        "incidents.EvidenceFile", on_delete=models.PROTECT, related_name="safeguarding_link"
    )

    class Meta:
        ordering = ["file__uploaded_at", "pk"]
        verbose_name = "evidence file on a safeguarding record"
        triggers = append_only("safeguarding_evidence")

    def __str__(self) -> str:
        return f"Evidence file {self.file_id} on safeguarding record {self.record_id}"

"""Incidents, the adults at risk they concern, and the append-only chronology.

Saved chronology entries, amendments, status transitions and need-to-know
grants are protected by database triggers: the application cannot rewrite
history and neither can someone with a SQL prompt and the app's credentials.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from incidents import lookups  # noqa: F401  (registers __ilike_contains, __any_of)
from organisations.append_only import append_only, never_deleted
from organisations.models import Organisation, Service
from organisations.owned import OrganisationOwned


class Category(models.TextChoices):
    """Categories of abuse, Care and support statutory guidance 14.17."""

    PHYSICAL = "physical", "Physical abuse"
    DOMESTIC = "domestic", "Domestic abuse"
    SEXUAL = "sexual", "Sexual abuse"
    PSYCHOLOGICAL = "psychological", "Psychological or emotional abuse"
    FINANCIAL = "financial", "Financial or material abuse"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational abuse"
    NEGLECT = "neglect", "Neglect and acts of omission"
    SELF_NEGLECT = "self_neglect", "Self-neglect"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical — immediate risk"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_ENQUIRY = "under_enquiry", "Under enquiry"
    CLOSED = "closed", "Closed"


class ClosureOutcome(models.TextChoices):
    RISK_REMOVED = "risk_removed", "Risk removed"
    RISK_REDUCED = "risk_reduced", "Risk reduced"
    RISK_REMAINS = "risk_remains", "Risk remains"
    NOT_SUBSTANTIATED = "not_substantiated", "Concern not substantiated"
    NO_FURTHER_ACTION = "no_further_action", "No further action required"
    TRANSFERRED = "transferred", "Transferred to another agency"


class ViewsStatus(models.TextChoices):
    """Making Safeguarding Personal: were the person's views and desired
    outcomes asked for, and did they express any?"""

    ASKED_EXPRESSED = "asked_expressed", "Asked, and they expressed views or desired outcomes"
    ASKED_NONE = "asked_none", "Asked, and they expressed none"
    NOT_ASKED = "not_asked", "Not asked (say why)"


class OutcomesAchieved(models.TextChoices):
    """Making Safeguarding Personal, at closure: were the person's desired
    outcomes achieved?"""

    FULLY = "fully", "Fully achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class Person(OrganisationOwned):
    """An adult at risk."""

    organisation_parents = ("service",)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    # The name the person goes by, when it differs ("Edie"): exports that
    # promise initials replace it too (chronology/redaction.py).
    preferred_name = models.CharField(max_length=100, blank=True, default="", db_default="")
    date_of_birth = models.DateField(null=True, blank=True)
    local_identifier = models.CharField(
        max_length=40, blank=True, help_text="Your own reference for this person, if any."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = "adult at risk"
        verbose_name_plural = "adults at risk"
        indexes = [models.Index(fields=["organisation", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def initials(self) -> str:
        """Used on exports, where the full name is more than the recipient needs."""
        return "".join(
            part[0].upper() + "." for part in (self.given_name, self.family_name) if part
        )


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=Status.CLOSED)

    def search(self, term: str, *, organisation_id: int | None = None) -> IncidentQuerySet:
        """Reference or an adult's name containing ``term``, case-insensitively.

        No join and no DISTINCT: ``reference ILIKE … OR id = ANY(ARRAY(incidents
        naming a matching adult))``. The array is computed once, from the
        trigram indexes of migration 0002 where pg_trgm is available, and then
        probes the primary key; the organisation and visibility filters of the
        caller's queryset do the rest. (An ``IN (subquery)`` here is planned as
        a hash join over every person-incident link.) ``organisation_id`` keeps
        the adults searched to the caller's organisation, so the array holds
        only incidents the caller could be shown.
        """
        term = term.strip()
        if not term:
            return self
        people = Person.objects.order_by()  # no ORDER BY inside the array
        if organisation_id is not None:
            people = people.filter(organisation_id=organisation_id)
        named = people.filter(
            models.Q(given_name__ilike_contains=term) | models.Q(family_name__ilike_contains=term)
        ).values("pk")
        through = self.model.people.through
        linked = through.objects.filter(person_id__any_of=ArraySubquery(named)).values(
            "incident_id"
        )
        return self.filter(
            models.Q(reference__ilike_contains=term) | models.Q(pk__any_of=ArraySubquery(linked))
        )


class Incident(OrganisationOwned):
    organisation_parents = ("service",)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="incidents")
    reference = models.CharField(max_length=32, editable=False)
    people = models.ManyToManyField(Person, related_name="incidents", verbose_name="adults at risk")
    categories = ArrayField(models.CharField(max_length=32, choices=Category.choices))
    summary = models.CharField(
        max_length=200, help_text="A short factual title, e.g. 'Bruising to left forearm'."
    )
    what_happened = models.TextField(
        "What happened (facts only)",
        help_text="What was seen, heard or reported. Facts and direct quotes, not opinion.",
    )
    occurred_at = models.DateTimeField("When it occurred", null=True, blank=True)
    became_aware_at = models.DateTimeField("When we became aware")
    raised_by = models.CharField(
        "Who raised it", max_length=200, help_text="Name and role, e.g. 'A. Patel, care worker'."
    )
    risk_level = models.CharField(max_length=16, choices=RiskLevel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    closure_outcome = models.CharField(max_length=32, choices=ClosureOutcome.choices, blank=True)
    persons_views = models.TextField(
        "The person's views", blank=True, help_text="In their own words where possible."
    )
    desired_outcomes = models.TextField(
        "Desired outcomes (Making Safeguarding Personal)", blank=True
    )
    capacity_considerations = models.TextField("Mental capacity considerations", blank=True)
    # Blank on incidents logged before these were asked (a record-quality finding).
    views_status = models.CharField(
        "Were the person's views and desired outcomes asked for?",
        max_length=16,
        choices=ViewsStatus.choices,
        blank=True,
        default="",
        db_default="",
    )
    views_not_asked_reason = models.TextField(
        "Why they were not asked", blank=True, default="", db_default=""
    )
    # Set when the incident is closed (the closing transition keeps its own copy).
    outcomes_achieved = models.CharField(
        "Were the person's desired outcomes achieved?",
        max_length=16,
        choices=OutcomesAchieved.choices,
        blank=True,
        default="",
        db_default="",
    )
    la_reference = models.CharField("Local-authority reference", max_length=64, blank=True)
    police_reference = models.CharField("Police reference", max_length=64, blank=True)
    cqc_reference = models.CharField("CQC notification reference", max_length=64, blank=True)
    restricted = models.BooleanField(
        default=False, help_text="Visible only to safeguarding leads and the need-to-know list."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking for the few things that change (status, restriction,
    # references): a write names the version it saw.
    version = models.PositiveIntegerField(default=1)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-became_aware_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="incident_reference_unique"
            ),
        ]
        indexes = [
            # The list's order, covering what its visibility and filters read,
            # so counting a page window is an index-only scan.
            models.Index(
                fields=["organisation", "-became_aware_at", "-id"],
                include=["service", "restricted", "status", "risk_level"],
                name="incident_list_order_idx",
            ),
            models.Index(fields=["service", "status"]),
            # The list filter "category" (array containment).
            GinIndex(fields=["categories"], name="incident_categories_gin"),
        ]
        triggers = [
            # The factual account is fixed once saved; corrections are
            # chronology entries and amendments.
            *never_deleted(
                "incident",
                suffix="facts_read_only",
                read_only=[
                    "organisation",
                    "service",
                    "reference",
                    "what_happened",
                    "occurred_at",
                    "became_aware_at",
                    "raised_by",
                    "created_by",
                    "created_at",
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [labels.get(c, c) for c in self.categories]


class ReferenceCounter(models.Model):
    """Next incident number per organisation and year; bumped with an atomic upsert."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="refcounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


class StatusTransition(OrganisationOwned):
    organisation_parents = ("incident",)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    closure_outcome = models.CharField(max_length=32, choices=ClosureOutcome.choices, blank=True)
    outcomes_achieved = models.CharField(
        max_length=16, choices=OutcomesAchieved.choices, blank=True, default="", db_default=""
    )
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        triggers = append_only("transition")

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.from_status or '—'} → {self.to_status}"


class EntryKind(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    DIRECT_QUOTE = "direct_quote", "Direct quote"
    CONVERSATION = "conversation", "Conversation"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    ACTION = "action", "Action taken"


class ChronologyEntry(OrganisationOwned):
    organisation_parents = ("incident",)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    facts = models.TextField(help_text="What happened, factually. Quote people's exact words.")
    present = models.CharField(
        "Who was present", max_length=500, blank=True, help_text="Names and roles."
    )
    occurred_at = models.DateTimeField("When it happened")
    recorded_at = models.DateTimeField("When it was recorded", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    late_reason = models.TextField(
        "Why it is recorded late",
        blank=True,
        default="",
        db_default="",
        help_text="Needed when it is recorded long after it happened.",
    )

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["incident", "occurred_at", "id"])]
        triggers = append_only("entry")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ChronologyAmendment(OrganisationOwned):
    """A correction to an entry: the original stays, this is shown beneath it."""

    organisation_parents = ("entry",)
    entry = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="amendments")
    reason = models.TextField("Reason for the amendment")
    new_text = models.TextField("Corrected text")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        triggers = append_only("amendment")

    def __str__(self) -> str:
        return f"Amendment #{self.pk} to entry #{self.entry_id}"


class NeedToKnowGrant(OrganisationOwned):
    """A named person allowed to see a restricted incident. Revoking stamps the
    row once; the grant itself is never rewritten or removed."""

    organisation_parents = ("incident",)
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="need_to_know_grants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("Why they need to know")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_grant_per_person",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "incident"],
                condition=models.Q(revoked_at__isnull=True),
                name="live_grant_idx",
            )
        ]
        triggers = [
            *never_deleted(
                "grant",
                read_only=[
                    "organisation",
                    "incident",
                    "user",
                    "reason",
                    "granted_by",
                    "granted_at",
                ],
            ),
            # A revocation is written once and then fixed.
            pgtrigger.Protect(
                name="grant_revocation_once",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__revoked_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Need-to-know: user {self.user_id} on incident {self.incident_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ExclusionSource(models.TextChoices):
    ALLEGATION = "allegation", "Subject of an allegation against staff"
    SOURCE_OF_HARM = "source_of_harm", "Member of staff named as alleged source of harm"


class IncidentExclusion(OrganisationOwned):
    """A person who must never see an incident, whatever their role or grants:
    today, the staff member an allegation on it is about (DESIGN.md: "a member of
    staff named as source of harm ... never sees the incident").

    The fact lives with the incident, not in ``allegations``, so the incident's
    visibility rule (``incidents/access.py``) needs nothing from the apps above
    it. ``allegations.services`` writes a row in the same transaction as the
    allegation, and again when the staff member's login is linked later.
    Append-only: an exclusion is never lifted (a wrongly linked login stays
    excluded, which fails safe)."""

    organisation_parents = ("incident",)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=ExclusionSource.choices)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="one_exclusion_per_person")
        ]
        # The rule reads a user's exclusions first (one small query).
        indexes = [models.Index(fields=["user", "incident"], name="exclusion_user_idx")]
        triggers = append_only("exclusion")

    def __str__(self) -> str:
        return f"Excluded: user {self.user_id} from incident {self.incident_id}"


class RecordFinding(OrganisationOwned):
    """A timeliness or completeness weakness of an incident's record, found
    when the record was written (an entry recorded late without a reason, the
    person's views not recorded, desired outcomes not reviewed at closure).
    Kept as evidence of what the record lacked at the time, so quality audits
    can sample weak records; the incident page shows what is still missing."""

    organisation_parents = ("incident", "entry")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="record_findings")
    entry = models.ForeignKey(
        ChronologyEntry, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    code = models.CharField(max_length=32, db_index=True)
    field = models.CharField(max_length=32, blank=True)
    message = models.TextField()
    excerpt = models.CharField(max_length=200, blank=True)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["found_at", "pk"]
        triggers = append_only("record_finding")

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# People around an incident and evidence files (issue 21): their own modules,
# registered with this app.
from incidents.bodymaps import BodyMapMark  # noqa: E402, F401
from incidents.evidence import EvidenceFile  # noqa: E402, F401
from incidents.linked import EntryPresence, LinkedPerson, PersonLink  # noqa: E402, F401
from incidents.patterns import (  # noqa: E402, F401
    IncidentSubmission,
    PatternAlertReview,
    PatternAlertReviewIncident,
    PatternSettings,
    PriorConcernAcknowledgement,
    PriorConcernShown,
)

"""People around an incident besides the adults at risk (issue 21, part 1).

A ``LinkedPerson`` is someone the organisation has recorded once (a son, a
neighbour, a witness, a social worker) and links to any number of incidents
by a ``PersonLink``, which carries their role on that incident. A chronology
entry can name who was present by choosing the incident's links
(``EntryPresence``); free text stays beside it.

Everything here is append-only: a person is recorded once and a link is made
once. A member of staff named as alleged source of harm is tied to their staff
record by ``allegations.models.StaffSourceOfHarm`` (an app above this one), which
also excludes their login from the incident (``IncidentExclusion``).

Imported by ``incidents.models`` so Django registers these models with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from incidents.models import ChronologyEntry, Incident
from organisations.append_only import append_only
from organisations.owned import OrganisationOwned


class PersonRole(models.TextChoices):
    SOURCE_OF_HARM = "source_of_harm", "Alleged source of harm"
    WITNESS = "witness", "Witness"
    HOUSEHOLD = "household", "Household member"
    FAMILY = "family", "Family member"
    ADVOCATE = "advocate", "Advocate"
    PROFESSIONAL = "professional", "Other professional"


class SourceOfRisk(models.TextChoices):
    """Safeguarding Adults Collection (SAC): source of risk."""

    SERVICE_PROVIDER = "service_provider", "Service provider"
    KNOWN = "known", "Other — known to the individual"
    UNKNOWN = "unknown", "Other — unknown to the individual"


class LinkedPerson(OrganisationOwned):
    """Someone around one or more incidents who is not an adult at risk on them."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    description = models.CharField(
        max_length=200,
        blank=True,
        help_text="What tells them apart, e.g. 'Social worker, county council'.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        verbose_name = "linked person"
        # Duplicate detection (same name and date of birth) is the service's:
        # a unique index would tell the subject of an allegation, adding their
        # own name elsewhere, that a record of them exists (access.possible_duplicates).
        indexes = [
            models.Index(
                "organisation", Lower("family_name"), Lower("given_name"), name="linked_person_name"
            )
        ]
        triggers = append_only("linked_person")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def initials(self) -> str:
        return "".join(
            part[0].upper() + "." for part in (self.given_name, self.family_name) if part
        )


class PersonLink(OrganisationOwned):
    """A person's role on one incident."""

    organisation_parents = ("incident", "person")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="person_links")
    person = models.ForeignKey(LinkedPerson, on_delete=models.PROTECT, related_name="links")
    role = models.CharField("Role on this incident", max_length=20, choices=PersonRole.choices)
    source_of_risk = models.CharField(
        "Source of risk (Safeguarding Adults Collection)",
        max_length=20,
        choices=SourceOfRisk.choices,
        blank=True,
    )
    relationship = models.CharField(
        "Relationship to the adult at risk",
        max_length=120,
        blank=True,
        help_text="e.g. 'Son', 'Neighbour', 'Care worker'.",
    )
    is_staff = models.BooleanField("A member of our staff", default=False)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="person_link_once_per_role"
            ),
            # SAC asks for the source of risk of every alleged source of harm,
            # and only of them; staff are the service provider.
            models.CheckConstraint(
                condition=(models.Q(role=PersonRole.SOURCE_OF_HARM) & ~models.Q(source_of_risk=""))
                | (~models.Q(role=PersonRole.SOURCE_OF_HARM) & models.Q(source_of_risk="")),
                name="person_link_source_of_risk",
            ),
            models.CheckConstraint(
                condition=models.Q(is_staff=False)
                | models.Q(source_of_risk=SourceOfRisk.SERVICE_PROVIDER)
                | ~models.Q(role=PersonRole.SOURCE_OF_HARM),
                name="person_link_staff_is_provider",
            ),
        ]
        indexes = [
            # Pattern alerts group the sources of harm of an organisation by person.
            models.Index(
                fields=["organisation", "person"],
                condition=models.Q(role=PersonRole.SOURCE_OF_HARM),
                name="person_link_source_idx",
            )
        ]
        triggers = append_only("person_link")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: person {self.person_id} on incident {self.incident_id}"


class EntryPresence(OrganisationOwned):
    """A linked person named as present at a chronology entry."""

    organisation_parents = ("entry", "link")
    entry = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="presences")
    link = models.ForeignKey(PersonLink, on_delete=models.PROTECT, related_name="presences")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "link"], name="entry_presence_once"),
        ]
        triggers = append_only("entry_presence")

    def __str__(self) -> str:
        return f"Link {self.link_id} present at entry {self.entry_id}"

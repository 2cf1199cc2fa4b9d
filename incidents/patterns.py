"""Prior concerns and pattern alerts (issue 22, item 5): the records.

- ``IncidentSubmission``: the "log an incident" form's one-time key, kept with
  the incident it made, so a second submission of the same form (a double
  click, a retry) returns the first incident instead of logging another one
  (and its acknowledgement, below, is not written twice with a different list).
- ``PriorConcernAcknowledgement``: "I have read the earlier concerns about X",
  one per adult at risk of the new incident who had earlier concerns the
  logger could see, with the incidents shown (``PriorConcernShown``: real
  foreign keys through an append-only table).
- ``PatternSettings``: an organisation's alert threshold (N concerns about the
  same adult within D days). Append-only: a change is a new row, the latest
  applies, and the rows are the history.
- ``PatternAlertReview``: a lead reviewed an alert (who, when, a note), with
  the incidents the alert was built from (``PatternAlertReviewIncident``).

Alerts themselves are not stored: they are computed by ``incidents.alerts``
from the incidents the reading lead may see, so they can never include an
incident the lead is excluded from.

Imported by ``incidents.models`` so Django registers these models with the app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from incidents.linked import LinkedPerson
from incidents.models import Incident, Person
from organisations.append_only import append_only
from organisations.owned import OrganisationOwned

DEFAULT_THRESHOLD = 3
DEFAULT_WINDOW_DAYS = 90


class IncidentSubmission(OrganisationOwned):
    """The one-time key of the form submission that logged ``incident``."""

    organisation_parents = ("incident",)
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="submission")
    key = models.UUIDField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="incident_submission_once")
        ]
        triggers = append_only("incident_submission")

    def __str__(self) -> str:
        return f"Submission {self.key} logged incident {self.incident_id}"


class PriorConcernAcknowledgement(OrganisationOwned):
    """The logger of ``incident`` confirmed reading the earlier concerns about
    ``person`` that the form showed them."""

    organisation_parents = ("incident", "person")
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="prior_acknowledgements"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    shown: models.ManyToManyField[Incident, PriorConcernShown] = models.ManyToManyField(
        Incident,
        through="PriorConcernShown",
        through_fields=("acknowledgement", "incident"),
        related_name="+",
        verbose_name="concerns shown",
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["acknowledged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person"], name="prior_acknowledgement_once"
            )
        ]
        triggers = append_only("prior_acknowledgement")

    def __str__(self) -> str:
        return (
            f"Earlier concerns about person {self.person_id} read for incident {self.incident_id}"
        )


class PriorConcernShown(OrganisationOwned):
    """One earlier incident shown when an acknowledgement was given."""

    organisation_parents = ("acknowledgement", "incident")
    acknowledgement = models.ForeignKey(
        PriorConcernAcknowledgement, on_delete=models.PROTECT, related_name="shown_rows"
    )
    # Named ``incident`` so the audit trail files this row under the earlier
    # incident shown, and hides it wherever that incident is hidden.
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["acknowledgement", "incident"], name="prior_shown_once")
        ]
        triggers = append_only("prior_shown")

    def __str__(self) -> str:
        return f"Earlier concern shown in acknowledgement {self.acknowledgement_id}"


class PatternSettings(OrganisationOwned):
    """When an adult's concerns make an alert: ``threshold`` incidents whose
    "became aware" falls within ``window_days``. The latest row applies."""

    threshold = models.PositiveSmallIntegerField(
        "Number of concerns",
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text="Alert when an adult at risk has this many concerns or more.",
    )
    window_days = models.PositiveSmallIntegerField(
        "Within this many days",
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Counted back from today, by when we became aware of each concern.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "pattern alert settings"
        verbose_name_plural = "pattern alert settings"
        indexes = [
            models.Index(fields=["organisation", "-changed_at"], name="pattern_settings_latest")
        ]
        triggers = append_only("pattern_settings")

    def __str__(self) -> str:
        return f"{self.threshold} concerns in {self.window_days} days"


class AlertKind(models.TextChoices):
    ADULT = "adult", "Adult at risk with repeated concerns"
    SOURCE = "source", "Alleged source of harm linked to more than one adult"
    STAFF = "staff", "Member of staff named on concerns about more than one adult"


class PatternAlertReview(OrganisationOwned):
    """A lead reviewed an alert. The alert leaves the open list until an
    incident logged after ``reviewed_at`` makes it fire again."""

    organisation_parents = ("person", "linked_person")
    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", null=True)
    linked_person = models.ForeignKey(
        LinkedPerson, on_delete=models.PROTECT, related_name="+", null=True
    )
    # A member of staff's login (their IncidentExclusion rows): the staff
    # record itself lives in ``allegations``, above this app.
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    incidents: models.ManyToManyField[Incident, PatternAlertReviewIncident] = (
        models.ManyToManyField(Incident, through="PatternAlertReviewIncident", related_name="+")
    )
    note = models.TextField("What you considered and decided")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=AlertKind.ADULT,
                        person__isnull=False,
                        linked_person__isnull=True,
                        staff_user__isnull=True,
                    )
                    | models.Q(
                        kind=AlertKind.SOURCE,
                        person__isnull=True,
                        linked_person__isnull=False,
                        staff_user__isnull=True,
                    )
                    | models.Q(
                        kind=AlertKind.STAFF,
                        person__isnull=True,
                        linked_person__isnull=True,
                        staff_user__isnull=False,
                    )
                ),
                name="pattern_review_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "-reviewed_at"], name="pattern_review_idx")
        ]
        triggers = append_only("pattern_review")

    def __str__(self) -> str:
        return f"Review of {self.kind} alert #{self.pk}"


class PatternAlertReviewIncident(OrganisationOwned):
    """An incident the reviewed alert was built from."""

    organisation_parents = ("review", "incident")
    review = models.ForeignKey(
        PatternAlertReview, on_delete=models.PROTECT, related_name="incident_rows"
    )
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "incident"], name="pattern_review_incident_once"
            )
        ]
        triggers = append_only("pattern_review_incident")

    def __str__(self) -> str:
        return f"Incident {self.incident_id} in review {self.review_id}"

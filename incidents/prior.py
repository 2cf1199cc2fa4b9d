"""Prior concerns on the "log an incident" form (issue 22, item 5).

When the adults at risk chosen for a new incident already have incidents the
logger may open (``access.visible_incidents``: restricted ones off their list
and ones they are excluded from are never shown or counted), the form shows
them (reference, when we became aware, categories, status: no narrative) and
will not save until the logger confirms reading them. ``log_incident`` is the
service the form calls: it checks the confirmation against what the logger
may see *now*, logs the incident, and records one
``PriorConcernAcknowledgement`` per adult with the incidents shown.

The form's one-time key (``IncidentSubmission``) makes a second submission of
the same form return the first incident: a double click neither logs the
incident twice nor records a second acknowledgement whose list would include
the first copy.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet

from incidents import access, services
from incidents.models import Incident, Person
from incidents.patterns import IncidentSubmission, PriorConcernAcknowledgement, PriorConcernShown
from organisations import access as org_access
from organisations.models import Actor

# At most this many earlier concerns are listed (most recent first) per adult;
# the rest are counted and the person's page lists them all.
SHOWN_PER_PERSON = 25


@dataclass
class PriorConcerns:
    """The earlier concerns about one adult that the user may see."""

    person: Person
    incidents: list[Incident] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.incidents)


def prior_concerns(user: Actor, people: Iterable[Person]) -> list[PriorConcerns]:
    """For each of ``people`` with earlier incidents ``user`` may open, those
    incidents (newest first, at most ``SHOWN_PER_PERSON``) and their number.
    Two queries per adult; a new incident names a handful of adults."""
    found = []
    for person in people:
        qs: QuerySet[Incident] = access.visible_incidents(user).filter(people=person)
        shown = list(
            qs.order_by("-became_aware_at", "-pk").only(
                "pk", "reference", "became_aware_at", "categories", "status", "organisation_id"
            )[:SHOWN_PER_PERSON]
        )
        if shown:
            total = len(shown) if len(shown) < SHOWN_PER_PERSON else qs.count()
            found.append(PriorConcerns(person=person, incidents=shown, total=total))
    return found


def shown_ids(groups: Iterable[PriorConcerns]) -> set[int]:
    return {incident.pk for group in groups for incident in group.incidents}


def names(groups: Iterable[PriorConcerns]) -> str:
    people = [group.person.full_name for group in groups]
    return people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"


def _lock_submission(organisation_id: int, key: uuid.UUID) -> None:
    """Queue concurrent submissions of one form behind each other until the
    first commits (a transaction-scoped advisory lock)."""
    digest = zlib.crc32(f"{organisation_id}:{key}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x5347, digest - 2**31])


@transaction.atomic
def log_incident(
    *,
    actor: Actor,
    submission: uuid.UUID | None,
    acknowledged: bool,
    shown: Collection[int],
    people: Iterable[Person],
    new_person: Mapping[str, Any] | None = None,
    **incident: Any,
) -> Incident:
    """Log an incident (``services.create_incident`` with ``incident``) for
    ``people`` and, when given, a new adult (``new_person``: the arguments of
    ``services.create_person``), once per ``submission``.

    Refused (``ValidationError`` on ``acknowledge_prior``) when an adult has
    earlier concerns the actor may see and the actor has not confirmed reading
    them, or some of them were not among those the form ``shown`` (recorded
    meanwhile)."""
    membership = org_access.require_membership(actor)
    if submission is not None:
        _lock_submission(membership.organisation_id, submission)
        done = (
            IncidentSubmission.objects.filter(
                organisation_id=membership.organisation_id, key=submission
            )
            .select_related("incident")
            .first()
        )
        if done is not None:
            if done.created_by_id != getattr(actor, "pk", None):
                raise ValidationError("This form has already been used. Start a new one.")
            return done.incident
    people = list(people)
    groups = prior_concerns(actor, people)
    current = shown_ids(groups)
    if groups and not acknowledged:
        raise ValidationError(
            {
                "acknowledge_prior": f"Confirm you have read the earlier concerns about "
                f"{names(groups)} before logging this incident."
            }
        )
    if groups and not current <= set(shown):
        raise ValidationError(
            {
                "acknowledge_prior": "Another concern was recorded while you were filling in "
                "this form. Read the earlier concerns listed again and confirm."
            }
        )
    if new_person:
        people.append(services.create_person(actor=actor, **new_person))
    created = services.create_incident(actor=actor, people=people, **incident)
    by = org_access.acting_user(actor)
    if submission is not None:
        IncidentSubmission.objects.create(
            organisation_id=created.organisation_id, incident=created, key=submission, created_by=by
        )
    for group in groups:
        ack = PriorConcernAcknowledgement.objects.create(
            organisation_id=created.organisation_id,
            incident=created,
            person=group.person,
            acknowledged_by=by,
        )
        # One by one (at most SHOWN_PER_PERSON), not bulk_create: each row is
        # then in the audit trail, filed under the earlier incident shown.
        for shown_one in group.incidents:
            PriorConcernShown.objects.create(
                organisation_id=created.organisation_id, acknowledgement=ack, incident=shown_one
            )
    return created


@dataclass
class Acknowledgement:
    """An acknowledgement as one reader of the new incident may see it: only
    the earlier incidents that reader may open (nor how many others)."""

    record: PriorConcernAcknowledgement
    visible_shown: list[Incident]


def acknowledgements_of(user: Actor, incident: Incident) -> list[Acknowledgement]:
    """The acknowledgements given when ``incident`` (obtained through
    ``access.get_incident_for``) was logged. Two queries."""
    acks = list(
        access.through_incident(
            user, PriorConcernAcknowledgement.objects.filter(incident=incident)
        ).select_related("person", "acknowledged_by")
    )
    if not acks:
        return []
    rows = access.through_incident(
        user, PriorConcernShown.objects.filter(acknowledgement__in=acks)
    ).select_related("incident")
    by_ack: dict[int, list[Incident]] = {}
    for row in rows.order_by("-incident__became_aware_at", "-incident_id"):
        by_ack.setdefault(row.acknowledgement_id, []).append(row.incident)
    return [Acknowledgement(record=a, visible_shown=by_ack.get(a.pk, [])) for a in acks]

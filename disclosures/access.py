"""Who may see and record disclosure decisions: exactly where the decision's
incident is visible (``incidents.access.through_incident``); recording follows
the incident's recording rules (managers for their services, leads)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from disclosures.models import DecisionQuerySet, DisclosureDecision
from incidents.access import can_record_on, through_incident, visible_incidents
from incidents.models import EvidenceFile, Incident
from organisations.access import (
    INCIDENT_WRITERS,
    colleagues,
    get_or_404,
    membership_of,
    service_ids,
)
from organisations.models import Actor, Membership, Role


def visible_decisions(user: Actor | None) -> DecisionQuerySet:
    return through_incident(user, DisclosureDecision.objects.all())


def get_decision_for(user: Actor, pk: Any) -> DisclosureDecision:
    return get_or_404(
        visible_decisions(user).select_related(
            "incident", "incident__service", "decided_by", "recorded_by"
        ),
        pk,
        "decision",
    )


def can_record_decision(user: Actor, incident: Incident) -> bool:
    """Record, amend and review decisions on an incident the user can see.
    Checked in full here because services are called from other apps too."""
    return can_record_on(user, incident) and visible_incidents(user).filter(pk=incident.pk).exists()


def chases_review_points(membership: Membership | None) -> bool:
    """Whether the member has review points to chase at all (managers and leads;
    ``decisions_for_review`` is empty for everyone else)."""
    return membership is not None and membership.role in INCIDENT_WRITERS


def decisions_for_review(user: Actor) -> DecisionQuerySet:
    """Decisions whose review points the user chases: a manager's own services,
    the whole organisation for a lead; nobody else."""
    membership = membership_of(user)
    if membership is None or not chases_review_points(membership):
        return visible_decisions(None)
    qs = visible_decisions(user)
    if membership.role == Role.MANAGER:
        qs = qs.filter(incident__service_id__in=service_ids(membership))
    return qs


def open_review_points(user: Actor) -> DecisionQuerySet:
    """The decisions of ``decisions_for_review`` whose review point is open, annotated with it
    (``current_review_date``, ``current_review_what``). Read through the
    review-point projection's (organisation, due date) index, so the soonest
    come first without looking at every decision of the organisation."""
    membership = membership_of(user)
    if membership is None or not chases_review_points(membership):
        return visible_decisions(None)
    qs = visible_decisions(user)
    if membership.role == Role.MANAGER:
        # The projection's copy of the incident's service: the (service, due
        # date) index then serves a manager's own services.
        qs = qs.filter(review_point__service_id__in=service_ids(membership))
    return qs.filter(review_point__organisation_id=membership.organisation_id).review_open()


def decision_deciders(user: Actor) -> QuerySet[Membership]:
    """Colleagues who may be named as having made a decision."""
    return colleagues(user, *INCIDENT_WRITERS)


def get_decision_evidence(decision: DisclosureDecision, pk: Any) -> EvidenceFile:
    """A file of a decision the caller obtained through ``get_decision_for``."""
    return get_or_404(
        EvidenceFile.objects.filter(decision_link__decision=decision), pk, "evidence file"
    )


def decision_evidence(decision: DisclosureDecision) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(decision_link__decision=decision).select_related(
        "uploaded_by"
    )

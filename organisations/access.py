"""Who may see and do what. The only place that decides visibility.

Every view fetches records through these helpers so that organisation, role
and need-to-know rules are applied *in the query*. Anything outside the user's
reach is a 404 (never a 403) so that its existence does not leak.

Roles (DESIGN.md):
- manager: incidents of their own services; restricted ones only when on the
  need-to-know list;
- safeguarding lead: the whole organisation, and the need-to-know lists;
- HR: HR records of allegations only (plus the status of the safeguarding side);
- auditor: read-only over the organisation's unrestricted records, for audits;
- organisation admin: users and services, and no safeguarding content at all.

Models of higher apps are imported inside functions: this module sits at the
bottom of the dependency graph and must not import them at load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from organisations.models import Membership, Role, Service

if TYPE_CHECKING:
    from incidents.models import Incident, Person

_CACHE_ATTR = "_safeguard_membership"


def membership_of(user: Any) -> Membership | None:
    """The user's active membership, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _CACHE_ATTR):
        membership = (
            Membership.objects.active()
            .select_related("organisation", "user")
            .filter(user=user)
            .first()
        )
        setattr(user, _CACHE_ATTR, membership)
    return getattr(user, _CACHE_ATTR)


def require_membership(user: Any) -> Membership:
    membership = membership_of(user)
    if membership is None:
        raise Http404("No organisation membership.")
    return membership


def has_role(user: Any, *roles: str) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in roles


# --- Incidents -------------------------------------------------------------

INCIDENT_READERS = (Role.MANAGER, Role.LEAD, Role.AUDITOR)
INCIDENT_WRITERS = (Role.MANAGER, Role.LEAD)


def _granted(user: Any) -> Exists:
    from incidents.models import NeedToKnowGrant

    return Exists(
        NeedToKnowGrant.objects.filter(incident=OuterRef("pk"), user=user, revoked_at__isnull=True)
    )


def visible_incidents(user: Any) -> QuerySet[Incident]:
    """Incidents the user may open. Restricted ones: leads and the named list."""
    from incidents.models import Incident

    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_READERS:
        return Incident.objects.none()
    qs = Incident.objects.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.LEAD:
        return qs
    # The user's live grants and (for managers) services are read first, as
    # two small queries, so the incident query carries plain id lists: the
    # planner can then use the (service, status) and primary-key indexes, where
    # an OR over correlated subqueries forces it to test every incident of the
    # organisation (performance at scale, docs/performance.md).
    granted = Q(pk__in=_granted_incident_ids(user))
    if membership.role == Role.MANAGER:
        own_services = Q(service_id__in=_service_ids(membership))
        return qs.filter((Q(restricted=False) & own_services) | granted)
    # Auditor: the organisation's unrestricted incidents, plus named grants.
    return qs.filter(Q(restricted=False) | granted)


def _granted_incident_ids(user: Any) -> list[int]:
    from incidents.models import NeedToKnowGrant

    return list(
        NeedToKnowGrant.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "incident_id", flat=True
        )
    )


def _service_ids(membership: Membership) -> list[int]:
    return list(
        Membership.services.through.objects.filter(membership_id=membership.pk).values_list(
            "service_id", flat=True
        )
    )


def get_incident_for(user: Any, pk: Any) -> Incident:
    try:
        return visible_incidents(user).select_related("service", "organisation").get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("No such incident.") from exc
    except visible_incidents(user).model.DoesNotExist as exc:
        raise Http404("No such incident.") from exc


def can_create_incident(user: Any) -> bool:
    return has_role(user, *INCIDENT_WRITERS)


def recordable_services(user: Any) -> QuerySet[Service]:
    """Services in which the user may log a new incident."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_WRITERS:
        return Service.objects.none()
    qs = Service.objects.filter(organisation_id=membership.organisation_id, active=True)
    if membership.role == Role.LEAD:
        return qs
    return qs.filter(pk__in=membership.services.values("pk"))


def can_record_on(user: Any, incident: Incident) -> bool:
    """Add chronology entries and amendments. Caller already holds a visible incident."""
    return has_role(user, *INCIDENT_WRITERS) and incident.organisation_id == _org_id(user)


def can_change_status(user: Any, incident: Incident) -> bool:
    return can_record_on(user, incident)


def can_manage_need_to_know(user: Any, incident: Incident) -> bool:
    return has_role(user, Role.LEAD) and incident.organisation_id == _org_id(user)


def need_to_know_candidates(user: Any) -> QuerySet[Membership]:
    """People a lead may name on a need-to-know list: colleagues who read incidents."""
    membership = require_membership(user)
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=INCIDENT_READERS)
        .select_related("user")
    )


def _org_id(user: Any) -> int | None:
    membership = membership_of(user)
    return membership.organisation_id if membership else None


# --- People (adults at risk) -----------------------------------------------


def visible_people(user: Any) -> QuerySet[Person]:
    """Adults at risk the user may look up: those of their services (managers),
    the organisation (leads, auditors), or anyone on an incident they can see."""
    from incidents.models import Person

    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_READERS:
        return Person.objects.none()
    qs = Person.objects.filter(organisation_id=membership.organisation_id)
    if membership.role in (Role.LEAD, Role.AUDITOR):
        return qs
    return qs.filter(
        Q(service_id__in=membership.services.values("pk"))
        | Q(pk__in=visible_incidents(user).values("people"))
    )


def get_person_for(user: Any, pk: Any) -> Person:
    try:
        return visible_people(user).get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("No such person.") from exc
    except visible_people(user).model.DoesNotExist as exc:
        raise Http404("No such person.") from exc


# --- Organisation administration --------------------------------------------


def can_administer(user: Any) -> bool:
    """Organisation admins manage users and services (and see no records)."""
    return has_role(user, Role.ADMIN)


def administered_memberships(user: Any) -> QuerySet[Membership]:
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return Membership.objects.none()
    return Membership.objects.filter(organisation_id=membership.organisation_id).select_related(
        "user"
    )


def get_membership_for(user: Any, pk: Any) -> Membership:
    try:
        return administered_memberships(user).get(pk=pk)
    except (ValueError, TypeError, Membership.DoesNotExist) as exc:
        raise Http404("No such member.") from exc


def administered_services(user: Any) -> QuerySet[Service]:
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return Service.objects.none()
    return Service.objects.filter(organisation_id=membership.organisation_id)


# --- Disclosure decisions --------------------------------------------------
# A decision is visible exactly when its incident is; recording follows the
# incident's recording rules (managers for their services, leads).

if TYPE_CHECKING:
    from disclosures.models import DecisionQuerySet, DisclosureDecision


def visible_decisions(user: Any) -> DecisionQuerySet:
    from disclosures.models import DisclosureDecision

    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_READERS:
        return DisclosureDecision.objects.none()
    return DisclosureDecision.objects.filter(
        organisation_id=membership.organisation_id, incident__in=visible_incidents(user)
    )


def get_decision_for(user: Any, pk: Any) -> DisclosureDecision:
    try:
        return (
            visible_decisions(user)
            .select_related("incident", "incident__service", "decided_by", "recorded_by")
            .get(pk=pk)
        )
    except (ValueError, TypeError) as exc:
        raise Http404("No such decision.") from exc
    except visible_decisions(user).model.DoesNotExist as exc:
        raise Http404("No such decision.") from exc


def can_record_decision(user: Any, incident: Incident) -> bool:
    """Record, amend and review decisions on an incident the user can see.
    Checked in full here because services are called from other apps too."""
    return can_record_on(user, incident) and visible_incidents(user).filter(pk=incident.pk).exists()


def decisions_for_review(user: Any) -> DecisionQuerySet:
    """Decisions whose review points the user chases: a manager's own services,
    the whole organisation for a lead; nobody else."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_WRITERS:
        return visible_decisions(None)
    qs = visible_decisions(user)
    if membership.role == Role.MANAGER:
        qs = qs.filter(incident__service_id__in=membership.services.values("pk"))
    return qs


def decision_deciders(user: Any) -> QuerySet[Membership]:
    """Colleagues who may be named as having made a decision."""
    membership = require_membership(user)
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=INCIDENT_WRITERS)
        .select_related("user")
    )

"""Who may see an incident, and so everything derived from one.

The incident rule (``incident_rule``) is the one subject rule of the project:
every app above builds its querysets through it (``through_incident``,
``incident_id_rule``), so a record derived from an incident (an entry, a
decision, an export, an audit entry about it) cannot forget it.

The rule needs nothing from the apps above: who must never see an incident
(the subject of an allegation against staff on it) is kept with the incident
itself, as ``IncidentExclusion`` rows written by ``allegations.services``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from incidents.models import (
    ChronologyEntry,
    EvidenceFile,
    Incident,
    IncidentExclusion,
    LinkedPerson,
    NeedToKnowGrant,
    Person,
    PersonLink,
)
from organisations.access import (
    INCIDENT_READERS,
    INCIDENT_WRITERS,
    colleagues,
    get_or_404,
    has_role,
    in_organisation_with_role,
    membership_of,
    require_membership,
    service_ids,
)
from organisations.models import Actor, Membership, Role, Service, User
from organisations.request_memo import remembered

QS = TypeVar("QS", bound=QuerySet[Any])


def excluded_incident_ids(user: Actor) -> list[int]:
    """Incidents the user must never see, whatever their role: one small query,
    once per request until it writes (``organisations.request_memo``)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    return remembered(
        ("excluded_incident_ids", user.pk),
        lambda: list(
            IncidentExclusion.objects.filter(user=user)
            .order_by()
            .values_list("incident_id", flat=True)
        ),
    )


def granted_incident_ids(user: Actor) -> list[int]:
    if not isinstance(user, User):
        return []
    return remembered(
        ("granted_incident_ids", user.pk),
        lambda: list(
            NeedToKnowGrant.objects.filter(user=user, revoked_at__isnull=True)
            .order_by()
            .values_list("incident_id", flat=True)
        ),
    )


def incident_rule(user: Actor, membership: Membership, via: str = "") -> Q:
    """The rule of ``visible_incidents`` (within the organisation) as a condition
    on the incident reached through ``via`` ("" for incidents themselves,
    "incident__" for records of an incident), so that records of an incident
    are filtered by a join on their own incident rather than by
    ``incident IN (every visible incident)``, which the planner can only
    answer by building that whole set first (docs/performance.md). The caller
    scopes its own rows to the organisation."""
    # Nobody sees an incident they are excluded from (the subject of an
    # allegation on it), whatever their role.
    rule = ~Q(**{f"{via}pk__in": excluded_incident_ids(user)})
    if membership.role == Role.LEAD:
        return rule
    # The user's live grants and (for managers) services are read first, as
    # two small queries, so the incident query carries plain id lists: the
    # planner can then use the (service, status) and primary-key indexes, where
    # an OR over correlated subqueries forces it to test every incident of the
    # organisation (performance at scale, docs/performance.md).
    granted = Q(**{f"{via}pk__in": granted_incident_ids(user)})
    unrestricted = Q(**{f"{via}restricted": False})
    if membership.role == Role.MANAGER:
        own_services = Q(**{f"{via}service_id__in": service_ids(membership)})
        return rule & ((unrestricted & own_services) | granted)
    # Auditor: the organisation's unrestricted incidents, plus named grants.
    return rule & (unrestricted | granted)


def through_incident(
    user: Actor | None, qs: QS, via: str = "incident__", roles: tuple[str, ...] = INCIDENT_READERS
) -> QS:
    """``qs`` (rows with an ``organisation`` and an incident reached through
    ``via``) narrowed to those whose incident the user may open, for members
    holding one of ``roles`` (a subset of the incident readers). The one way a
    derived kind's queryset is built."""
    membership = membership_of(user)
    if (
        user is None
        or membership is None
        or membership.role not in roles
        or membership.role not in INCIDENT_READERS
    ):
        return qs.none()
    return qs.filter(organisation_id=membership.organisation_id).filter(
        incident_rule(user, membership, via=via)
    )


def incident_id_rule(user: Actor, field: str = "incident_id") -> Q:
    """The incident rule for rows that name their incident by a bare id column
    (audit entries): rows with no incident pass, rows about an incident pass
    only when the user may open it. The caller scopes rows to the organisation."""
    membership = membership_of(user)
    no_incident = Q(**{f"{field}__isnull": True})
    if membership is None or membership.role not in INCIDENT_READERS:
        return no_incident
    if membership.role == Role.LEAD:
        # A lead's rule within the organisation is the exclusions alone: a plain
        # id list keeps the audit trail's (organisation, time) index usable.
        return no_incident | ~Q(**{f"{field}__in": excluded_incident_ids(user)})
    return no_incident | Q(**{f"{field}__in": visible_incidents(user).values("pk")})


def visible_incidents(user: Actor) -> QuerySet[Incident]:
    """Incidents the user may open. Restricted ones: leads and the named list.
    Never one the user is excluded from (the subject of an allegation on it)."""
    return through_incident(user, Incident.objects.all(), via="")


def get_incident_for(user: Actor, pk: Any) -> Incident:
    return get_or_404(
        visible_incidents(user).select_related("service", "organisation", "created_by"),
        pk,
        "incident",
    )


def get_entry_of(incident: Incident, pk: Any) -> ChronologyEntry:
    """A chronology entry of an incident the caller obtained through this module
    (``get_incident_for``); an entry of any other incident is a 404."""
    return get_or_404(ChronologyEntry.objects.filter(incident=incident), pk, "entry")


def get_grant_of(incident: Incident, pk: Any) -> NeedToKnowGrant:
    """A need-to-know grant on an incident obtained through this module."""
    return get_or_404(NeedToKnowGrant.objects.filter(incident=incident), pk, "grant")


def can_create_incident(user: Actor) -> bool:
    return has_role(user, *INCIDENT_WRITERS)


def recordable_services(user: Actor) -> QuerySet[Service]:
    """Services in which the user may log a new incident."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_WRITERS:
        return Service.objects.none()
    qs = Service.objects.filter(organisation_id=membership.organisation_id, active=True)
    if membership.role == Role.LEAD:
        return qs
    return qs.filter(pk__in=membership.services.values("pk"))


def can_record_on(user: Actor, incident: Incident) -> bool:
    """Add chronology entries and amendments. Caller already holds a visible incident."""
    return in_organisation_with_role(user, incident, *INCIDENT_WRITERS)


def can_change_status(user: Actor, incident: Incident) -> bool:
    return can_record_on(user, incident)


def can_manage_need_to_know(user: Actor, incident: Incident) -> bool:
    return in_organisation_with_role(user, incident, Role.LEAD)


def need_to_know_candidates(user: Actor) -> QuerySet[Membership]:
    """People a lead may name on a need-to-know list: colleagues who read incidents."""
    require_membership(user)
    return colleagues(user, *INCIDENT_READERS)


# --- People (adults at risk) -----------------------------------------------


def visible_people(user: Actor) -> QuerySet[Person]:
    """Adults at risk the user may look up: those of their services (managers),
    the organisation (leads, auditors), or anyone on an incident they can see."""
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


def get_person_for(user: Actor, pk: Any) -> Person:
    return get_or_404(visible_people(user), pk, "person")


def is_subject_of_incident(user: Actor, incident: Incident) -> bool:
    """``user`` is excluded from ``incident`` (the subject of an allegation on it)."""
    if not isinstance(user, User):
        return False
    return IncidentExclusion.objects.filter(incident=incident, user=user).exists()


# --- People around an incident (issue 21) ------------------------------------


def visible_person_links(user: Actor) -> QuerySet[PersonLink]:
    """Links on incidents the user may open: the incident's rule, subject rule included."""
    return through_incident(user, PersonLink.objects.all())


def visible_linked_people(user: Actor) -> QuerySet[LinkedPerson]:
    """People the user may open: those linked to an incident the user may see.
    A person is only ever recorded with a link, so nobody is left out; a member
    of staff named as source of harm does not see their own record, since every
    incident naming them excludes them."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_READERS:
        return LinkedPerson.objects.none()
    return LinkedPerson.objects.filter(
        organisation_id=membership.organisation_id,
        pk__in=visible_person_links(user).values("person"),
    )


def get_linked_person_for(user: Actor, pk: Any) -> LinkedPerson:
    return get_or_404(visible_linked_people(user), pk, "person")


def get_link_of(incident: Incident, pk: Any) -> PersonLink:
    """A person link on an incident obtained through this module."""
    return get_or_404(
        PersonLink.objects.filter(incident=incident).select_related("person"), pk, "person link"
    )


def possible_duplicates(
    user: Actor, given_name: str, family_name: str, date_of_birth: Any
) -> QuerySet[LinkedPerson]:
    """People of the user's organisation who may be the one being added: the
    same name (case-insensitively) and the same date of birth, or none recorded
    on either side. Offered for reuse even when linked only to incidents the
    user cannot open (it stops a second record and shows only what was typed),
    but never one linked to an incident the user is excluded from: the subject
    of an allegation must not learn that they are named on it."""
    membership = require_membership(user)
    qs = LinkedPerson.objects.filter(
        organisation_id=membership.organisation_id,
        given_name__iexact=given_name.strip(),
        family_name__iexact=family_name.strip(),
    ).exclude(links__incident_id__in=excluded_incident_ids(user))
    if date_of_birth is not None:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True))
    return qs


# --- Evidence files (issue 21) -------------------------------------------------


def get_evidence_of(incident: Incident, pk: Any) -> EvidenceFile:
    """An evidence file of an entry of an incident obtained through this module.
    Files of decisions and of allegation records are served by their own apps,
    under their own (narrower, for the safeguarding side) rules."""
    return get_or_404(
        EvidenceFile.objects.filter(incident=incident, entry__isnull=False), pk, "evidence file"
    )

"""Who may see allegations against staff, and which side of them.

One allegation, two sides (seed 003: "distinct but linked records"):
- safeguarding leads: the allegation and the safeguarding side; of the HR side
  only that it exists, its owner and status;
- HR: the allegation and the HR side; of the safeguarding side only existence,
  owner and status. HR never see the incident itself;
- managers: only when on the incident's need-to-know list, then the
  safeguarding side only;
- auditors and organisation admins: nothing;
- the staff member who is the subject: nothing, whatever their role.

Managers and leads see an allegation only through its incident's rule
(``incidents.access.through_incident``); HR, who never see the incident, still
pass its exclusions, so a person excluded from an incident sees none of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from allegations.models import Allegation, Referral, StaffMember
from incidents.access import can_record_on, excluded_incident_ids, through_incident
from incidents.models import EvidenceFile, Incident, NeedToKnowGrant
from organisations.access import (
    colleagues,
    get_or_404,
    has_role,
    in_organisation_with_role,
    membership_of,
)
from organisations.models import Actor, Membership, Role, User

ALLEGATION_ROLES = (Role.MANAGER, Role.LEAD, Role.HR)


def visible_allegations(user: Actor) -> QuerySet[Allegation]:
    """Allegations the user may open (both sides' metadata; content is per side)."""
    membership = membership_of(user)
    if not isinstance(user, User) or membership is None or membership.role not in ALLEGATION_ROLES:
        return Allegation.objects.none()
    qs = Allegation.objects.all()
    if membership.role == Role.HR:
        qs = qs.filter(organisation_id=membership.organisation_id).filter(
            ~Q(incident_id__in=excluded_incident_ids(user))
        )
    else:
        qs = through_incident(user, qs, roles=(Role.MANAGER, Role.LEAD))
    # The subject, even before their login was linked to an exclusion.
    qs = qs.exclude(staff_member__user=user)
    if membership.role == Role.MANAGER:
        # On the need-to-know list, not merely a manager of the service.
        qs = qs.filter(
            Exists(
                NeedToKnowGrant.objects.filter(
                    incident=OuterRef("incident"), user=user, revoked_at__isnull=True
                )
            )
        )
    return qs


def get_allegation_for(user: Actor, pk: Any) -> Allegation:
    qs = visible_allegations(user).select_related(
        "incident",
        "staff_member",
        "staff_member__service",
        "safeguarding_record__owner",
        "hr_record__owner",
    )
    return get_or_404(qs, pk, "allegation")


def get_referral_of(allegation: Allegation, pk: Any) -> Referral:
    """A referral of an allegation the caller obtained through ``get_allegation_for``."""
    return get_or_404(Referral.objects.filter(allegation=allegation), pk, "referral")


def get_side_item_of(allegation: Allegation, model: Any, pk: Any) -> Any:
    """An entry or key decision (``model``) of one side of an allegation obtained
    through ``get_allegation_for``; the caller has checked it may read that side."""
    return get_or_404(model.objects.filter(record__allegation=allegation), pk, "record")


def can_read_safeguarding_side(user: Actor, allegation: Allegation) -> bool:
    """Caller already holds a visible allegation."""
    return in_organisation_with_role(user, allegation, Role.LEAD, Role.MANAGER)


def can_read_hr_side(user: Actor, allegation: Allegation) -> bool:
    return in_organisation_with_role(user, allegation, Role.HR)


def can_write_side(user: Actor, allegation: Allegation, side: str) -> bool:
    if side == "safeguarding":
        return can_read_safeguarding_side(user, allegation)
    if side == "hr":
        return can_read_hr_side(user, allegation)
    return False


def can_read_side(user: Actor, allegation: Allegation, side: str) -> bool:
    return can_write_side(user, allegation, side)


def can_record_outcome(user: Actor, allegation: Allegation) -> bool:
    """The allegation's status and outcome: the safeguarding lead's call."""
    return in_organisation_with_role(user, allegation, Role.LEAD)


def can_record_referral(user: Actor, allegation: Allegation) -> bool:
    return in_organisation_with_role(user, allegation, *ALLEGATION_ROLES)


def can_create_allegation(user: Actor, incident: Incident) -> bool:
    """Leads, and managers who may record on the incident (caller holds it)."""
    return can_record_on(user, incident)


def can_review_retention(user: Actor) -> bool:
    return has_role(user, Role.LEAD, Role.HR)


def can_manage_staff(user: Actor) -> bool:
    return has_role(user, Role.LEAD, Role.HR)


def visible_staff(user: Actor) -> QuerySet[StaffMember]:
    """Staff members a user may pick as the subject of an allegation."""
    membership = membership_of(user)
    if not isinstance(user, User) or membership is None or membership.role not in ALLEGATION_ROLES:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(organisation_id=membership.organisation_id).exclude(user=user)


def get_staff_for(user: Actor, pk: Any) -> StaffMember:
    return get_or_404(visible_staff(user), pk, "staff member")


def side_owner_candidates(user: Actor, side: str) -> QuerySet[Membership]:
    """Who may own a side: leads for safeguarding, HR for HR."""
    return colleagues(user, Role.LEAD if side == "safeguarding" else Role.HR)


def safeguarding_evidence(allegation: Allegation) -> QuerySet[EvidenceFile]:
    """Files of the safeguarding record of an allegation the caller obtained
    through ``get_allegation_for`` and may read that side of."""
    return EvidenceFile.objects.filter(
        safeguarding_link__record__allegation=allegation
    ).select_related("uploaded_by")


def get_safeguarding_evidence(allegation: Allegation, pk: Any) -> EvidenceFile:
    return get_or_404(safeguarding_evidence(allegation), pk, "evidence file")

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
    """Incidents the user may open. Restricted ones: leads and the named list.
    Never one where the user is the subject of an allegation against staff."""
    from incidents.models import Incident

    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_READERS:
        return Incident.objects.none()
    return Incident.objects.filter(organisation_id=membership.organisation_id).filter(
        _incident_rule(user, membership)
    )


def _incident_rule(user: Any, membership: Membership, via: str = "") -> Q:
    """The rule of ``visible_incidents`` (within the organisation) as a condition
    on the incident reached through ``via`` ("" for incidents themselves,
    "incident__" for records of an incident), so that records of an incident
    are filtered by a join on their own incident rather than by
    ``incident IN (every visible incident)``, which the planner can only
    answer by building that whole set first (docs/performance.md). The caller
    scopes its own rows to the organisation."""
    # The subject of an allegation never sees its incident, whatever their role.
    rule = Q(~_subject_of_incident(user, ref=f"{via}pk"))
    if membership.role == Role.LEAD:
        return rule
    # The user's live grants and (for managers) services are read first, as
    # two small queries, so the incident query carries plain id lists: the
    # planner can then use the (service, status) and primary-key indexes, where
    # an OR over correlated subqueries forces it to test every incident of the
    # organisation (performance at scale, docs/performance.md).
    granted = Q(**{f"{via}pk__in": _granted_incident_ids(user)})
    unrestricted = Q(**{f"{via}restricted": False})
    if membership.role == Role.MANAGER:
        own_services = Q(**{f"{via}service_id__in": _service_ids(membership)})
        return rule & ((unrestricted & own_services) | granted)
    # Auditor: the organisation's unrestricted incidents, plus named grants.
    return rule & (unrestricted | granted)


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
        return (
            visible_incidents(user)
            .select_related("service", "organisation", "created_by")
            .get(pk=pk)
        )
    except (ValueError, TypeError) as exc:
        raise Http404("No such incident.") from exc
    except visible_incidents(user).model.DoesNotExist as exc:
        raise Http404("No such incident.") from exc


def _child_of(qs: QuerySet[Any], pk: Any, what: str) -> Any:
    """One row of ``qs`` (already narrowed to an authorised parent) or a 404."""
    try:
        return qs.get(pk=pk)
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404(f"No such {what}.") from exc


def get_entry_of(incident: Incident, pk: Any) -> Any:
    """A chronology entry of an incident the caller obtained through this module
    (``get_incident_for``); an entry of any other incident is a 404."""
    from incidents.models import ChronologyEntry

    return _child_of(ChronologyEntry.objects.filter(incident=incident), pk, "entry")


def get_grant_of(incident: Incident, pk: Any) -> Any:
    """A need-to-know grant on an incident obtained through this module."""
    from incidents.models import NeedToKnowGrant

    return _child_of(NeedToKnowGrant.objects.filter(incident=incident), pk, "grant")


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


# --- Role requests and sign-in links (separation of duties) -----------------
# Leads decide the role requests of their organisation; admins see the state
# of their own organisation's requests on the member pages.


def role_requests_for_lead(user: Any) -> QuerySet[Any]:
    """Every role request of the lead's organisation (history included)."""
    from organisations.models import RoleRequest

    membership = membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return RoleRequest.objects.none()
    return RoleRequest.objects.filter(organisation_id=membership.organisation_id).select_related(
        "membership__user", "requested_by", "decided_by"
    )


def administered_role_requests(user: Any) -> QuerySet[Any]:
    """The admin's organisation's role requests (their state, on member pages)."""
    from organisations.models import RoleRequest

    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return RoleRequest.objects.none()
    return RoleRequest.objects.filter(organisation_id=membership.organisation_id)


def pending_role_requests(user: Any) -> QuerySet[Any]:
    from organisations.models import RoleRequest

    return role_requests_for_lead(user).filter(state=RoleRequest.State.PENDING)


def get_role_request_for(user: Any, pk: Any) -> Any:
    from organisations.models import RoleRequest

    try:
        return role_requests_for_lead(user).get(pk=pk)
    except (ValueError, TypeError, RoleRequest.DoesNotExist) as exc:
        raise Http404("No such request.") from exc


def awaiting_set_up_for_lead(user: Any) -> QuerySet[Membership]:
    """Active lead/HR/auditor accounts of the lead's organisation whose owner
    has not yet followed a sign-in link (a lead may issue them a new one)."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from organisations.models import APPROVAL_ROLES

    membership = membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=APPROVAL_ROLES)
        .exclude(user=user)
        .exclude(user__sign_in_links__used_at__isnull=False)
        .filter(
            Q(user__sign_in_links__isnull=False)
            | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        )
        .distinct()
        .select_related("user")
    )


def get_sign_in_link_membership_for(user: Any, pk: Any) -> Membership:
    """A member the user may issue a sign-in link for (admin or lead), or 404."""
    membership = membership_of(user)
    qs = Membership.objects.none()
    if membership is not None and membership.role in (Role.ADMIN, Role.LEAD):
        qs = Membership.objects.filter(organisation_id=membership.organisation_id)
    try:
        target = qs.select_related("user").get(pk=pk)
    except (ValueError, TypeError, Membership.DoesNotExist) as exc:
        raise Http404("No such member.") from exc
    if not may_issue_sign_in_link(user, target):
        raise Http404("No such member.")
    return target


def may_issue_sign_in_link(user: Any, target: Membership) -> bool:
    """Admins for manager and admin accounts; leads for lead, HR and auditor
    accounts (active, so approved), never their own."""
    from organisations.models import APPROVAL_ROLES

    membership = membership_of(user)
    if membership is None or target.organisation_id != membership.organisation_id:
        return False
    if target.user_id == getattr(user, "pk", None):
        return False
    if target.role in APPROVAL_ROLES:
        return membership.role == Role.LEAD and target.active
    return membership.role == Role.ADMIN


def pending_role_request_of(membership: Membership) -> Any:
    """The pending request about ``membership`` (admin pages), or None."""
    from organisations.models import RoleRequest

    return RoleRequest.objects.filter(
        membership=membership, state=RoleRequest.State.PENDING
    ).first()


# --- Need-to-know candidates: the subject rule -------------------------------


def is_subject_of_incident(user: Any, incident: Incident) -> bool:
    """``user`` is the subject of an allegation on ``incident``."""
    from incidents.models import Incident

    return (
        Incident.objects.filter(pk=incident.pk)
        .filter(_subject_of_incident(user, ref="pk"))
        .exists()
    )


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
    return DisclosureDecision.objects.filter(organisation_id=membership.organisation_id).filter(
        _incident_rule(user, membership, via="incident__")
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
        qs = qs.filter(incident__service_id__in=_service_ids(membership))
    return qs


def open_review_points(user: Any) -> DecisionQuerySet:
    """The decisions of ``decisions_for_review`` whose review point is open, annotated with it
    (``current_review_date``, ``current_review_what``). Read through the
    review-point projection's (organisation, due date) index, so the soonest
    come first without looking at every decision of the organisation."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_WRITERS:
        return visible_decisions(None)
    qs = visible_decisions(user)
    if membership.role == Role.MANAGER:
        # The projection's copy of the incident's service: the (service, due
        # date) index then serves a manager's own services.
        qs = qs.filter(review_point__service_id__in=_service_ids(membership))
    return qs.filter(review_point__organisation_id=membership.organisation_id).review_open()


def decision_deciders(user: Any) -> QuerySet[Membership]:
    """Colleagues who may be named as having made a decision."""
    membership = require_membership(user)
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=INCIDENT_WRITERS)
        .select_related("user")
    )


# --- Audit trail -------------------------------------------------------------

AUDIT_READERS = (Role.LEAD, Role.AUDITOR)
# Auditors do not see allegation records (HR/safeguarding files), nor that
# anyone opened them.
AUDITOR_HIDDEN_APPS = ("allegations",)


def can_read_audit_trail(user: Any) -> bool:
    return has_role(user, *AUDIT_READERS)


def visible_audit_entries(user: Any) -> QuerySet[Any]:
    """The organisation's audit entries, for leads and auditors. Entries about
    an incident the user cannot open (restricted, for an auditor) are left out."""
    from auditlog import get_logentry_model

    entries = get_logentry_model().objects
    membership = membership_of(user)
    if membership is None or membership.role not in AUDIT_READERS:
        return entries.none()
    qs = entries.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.LEAD:
        return qs
    return qs.filter(
        Q(incident_id__isnull=True) | Q(incident_id__in=visible_incidents(user).values("pk"))
    ).exclude(content_type__app_label__in=AUDITOR_HIDDEN_APPS)


def incident_history_for(user: Any, pk: Any) -> tuple[Incident, QuerySet[Any]]:
    """An incident and its audit entries (who did and who saw what): leads and
    auditors who can open the incident. Anyone else gets a 404."""
    if not can_read_audit_trail(user):
        raise Http404("No such incident.")
    incident = get_incident_for(user, pk)
    return incident, visible_audit_entries(user).filter(incident_id=incident.pk)


# --- Allegations against staff ----------------------------------------------
#
# One allegation, two sides (seed 003: "distinct but linked records"):
# - safeguarding leads: the allegation and the safeguarding side; of the HR side
#   only that it exists, its owner and status;
# - HR: the allegation and the HR side; of the safeguarding side only existence,
#   owner and status. HR never see the incident itself;
# - managers: only when on the incident's need-to-know list, then the
#   safeguarding side only;
# - auditors and organisation admins: nothing;
# - the staff member who is the subject: nothing, whatever their role.

ALLEGATION_ROLES = (Role.MANAGER, Role.LEAD, Role.HR)


def _subject_of_incident(user: Any, ref: str = "pk") -> Exists:
    """The user is the subject of an allegation on the incident ``ref`` names."""
    from allegations.models import Allegation

    return Exists(Allegation.objects.filter(incident=OuterRef(ref), staff_member__user=user))


def visible_allegations(user: Any) -> QuerySet[Any]:
    """Allegations the user may open (both sides' metadata; content is per side)."""
    from allegations.models import Allegation
    from incidents.models import NeedToKnowGrant

    membership = membership_of(user)
    if membership is None or membership.role not in ALLEGATION_ROLES:
        return Allegation.objects.none()
    qs = Allegation.objects.filter(organisation_id=membership.organisation_id).exclude(
        staff_member__user=user
    )
    if membership.role == Role.MANAGER:
        qs = qs.filter(
            Exists(
                NeedToKnowGrant.objects.filter(
                    incident=OuterRef("incident"), user=user, revoked_at__isnull=True
                )
            )
        )
    return qs


def get_allegation_for(user: Any, pk: Any) -> Any:
    qs = visible_allegations(user).select_related(
        "incident",
        "staff_member",
        "staff_member__service",
        "safeguarding_record__owner",
        "hr_record__owner",
    )
    try:
        return qs.get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("No such allegation.") from exc
    except qs.model.DoesNotExist as exc:
        raise Http404("No such allegation.") from exc


def get_referral_of(allegation: Any, pk: Any) -> Any:
    """A referral of an allegation the caller obtained through ``get_allegation_for``."""
    from allegations.models import Referral

    return _child_of(Referral.objects.filter(allegation=allegation), pk, "referral")


def get_side_item_of(allegation: Any, model: Any, pk: Any) -> Any:
    """An entry or key decision (``model``) of one side of an allegation obtained
    through ``get_allegation_for``; the caller has checked it may read that side."""
    return _child_of(model.objects.filter(record__allegation=allegation), pk, "record")


def can_read_safeguarding_side(user: Any, allegation: Any) -> bool:
    """Caller already holds a visible allegation."""
    return has_role(user, Role.LEAD, Role.MANAGER) and allegation.organisation_id == _org_id(user)


def can_read_hr_side(user: Any, allegation: Any) -> bool:
    return has_role(user, Role.HR) and allegation.organisation_id == _org_id(user)


def can_write_side(user: Any, allegation: Any, side: str) -> bool:
    if side == "safeguarding":
        return can_read_safeguarding_side(user, allegation)
    if side == "hr":
        return can_read_hr_side(user, allegation)
    return False


def can_read_side(user: Any, allegation: Any, side: str) -> bool:
    return can_write_side(user, allegation, side)


def can_record_outcome(user: Any, allegation: Any) -> bool:
    """The allegation's status and outcome: the safeguarding lead's call."""
    return has_role(user, Role.LEAD) and allegation.organisation_id == _org_id(user)


def can_record_referral(user: Any, allegation: Any) -> bool:
    return has_role(user, *ALLEGATION_ROLES) and allegation.organisation_id == _org_id(user)


def can_create_allegation(user: Any, incident: Incident) -> bool:
    """Leads, and managers who may record on the incident (caller holds it)."""
    return can_record_on(user, incident)


def can_review_retention(user: Any) -> bool:
    return has_role(user, Role.LEAD, Role.HR)


def can_manage_staff(user: Any) -> bool:
    return has_role(user, Role.LEAD, Role.HR)


def visible_staff(user: Any) -> QuerySet[Any]:
    """Staff members a user may pick as the subject of an allegation."""
    from allegations.models import StaffMember

    membership = membership_of(user)
    if membership is None or membership.role not in ALLEGATION_ROLES:
        return StaffMember.objects.none()
    return StaffMember.objects.filter(organisation_id=membership.organisation_id).exclude(user=user)


def get_staff_for(user: Any, pk: Any) -> Any:
    qs = visible_staff(user)
    try:
        return qs.get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("No such staff member.") from exc
    except qs.model.DoesNotExist as exc:
        raise Http404("No such staff member.") from exc


def side_owner_candidates(user: Any, side: str) -> QuerySet[Membership]:
    """Who may own a side: leads for safeguarding, HR for HR."""
    membership = require_membership(user)
    role = Role.LEAD if side == "safeguarding" else Role.HR
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role=role)
        .select_related("user")
    )


# --- Oversight: dashboards, record-quality audits, reminders -----------------

QUALITY_AUDITORS = (Role.LEAD, Role.AUDITOR)


def can_run_quality_audits(user: Any) -> bool:
    """Leads and auditors create, score and close record-quality audits."""
    return has_role(user, *QUALITY_AUDITORS)


def visible_quality_audits(user: Any) -> QuerySet[Any]:
    """The organisation's quality audits, for leads and auditors. Audits of
    allegation records are for leads only (auditors do not see allegations)."""
    from audits.quality.models import QualityAudit, Source

    membership = membership_of(user)
    if membership is None or membership.role not in QUALITY_AUDITORS:
        return QualityAudit.objects.none()
    qs = QualityAudit.objects.filter(organisation_id=membership.organisation_id)
    if membership.role != Role.LEAD:
        qs = qs.exclude(source=Source.ALLEGATION_DECISIONS)
    return qs


def get_quality_audit_for(user: Any, pk: Any) -> Any:
    try:
        return visible_quality_audits(user).select_related("created_by", "closed_by").get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("No such audit.") from exc
    except visible_quality_audits(user).model.DoesNotExist as exc:
        raise Http404("No such audit.") from exc


def get_sample_for(user: Any, audit_pk: Any, position: Any) -> Any:
    from audits.quality.models import SampledRecord

    audit = get_quality_audit_for(user, audit_pk)
    try:
        sample = SampledRecord.objects.get(audit=audit, position=position)
    except (ValueError, TypeError, SampledRecord.DoesNotExist) as exc:
        raise Http404("No such sampled record.") from exc
    sample.audit = audit
    return sample


def audit_action_owners(user: Any) -> QuerySet[Membership]:
    """Colleagues who may own an audit action: anyone who works with records."""
    membership = require_membership(user)
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id)
        .exclude(role=Role.ADMIN)
        .select_related("user")
    )


def dashboard_services(user: Any) -> QuerySet[Service]:
    """The services a dashboard summarises: a manager's own, a lead's all."""
    membership = membership_of(user)
    if membership is None or membership.role not in INCIDENT_WRITERS:
        return Service.objects.none()
    qs = Service.objects.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.MANAGER:
        qs = qs.filter(pk__in=membership.services.values("pk"))
    return qs


# --- Chronology exports (chronology app) -------------------------------------
# An export sends the whole record outside the organisation, so only
# safeguarding leads export, download, verify and see the register. Managers
# and auditors see the timeline of incidents they can already open.

if TYPE_CHECKING:
    from chronology.models import ChronologyExport, ExportQuerySet


def can_export(user: Any, incident: Incident) -> bool:
    """Caller already holds a visible incident."""
    return has_role(user, Role.LEAD) and incident.organisation_id == _org_id(user)


def can_see_hr_detail(user: Any, incident: Incident) -> bool:
    """HR detail of allegations (employment actions and outcomes) in a timeline
    or an internal export. Only HR see HR records (DESIGN.md roles)."""
    return has_role(user, Role.HR) and incident.organisation_id == _org_id(user)


def visible_exports(user: Any) -> ExportQuerySet:
    from chronology.models import ChronologyExport

    membership = membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return ChronologyExport.objects.none()
    return ChronologyExport.objects.filter(organisation_id=membership.organisation_id)


def get_export_for(user: Any, pk: Any) -> ChronologyExport:
    try:
        return (
            visible_exports(user)
            .without_pdf()
            .select_related("incident", "requested_by")
            .get(pk=pk)
        )
    except (ValueError, TypeError) as exc:
        raise Http404("No such export.") from exc
    except visible_exports(user).model.DoesNotExist as exc:
        raise Http404("No such export.") from exc


def can_verify_exports(user: Any) -> bool:
    return has_role(user, Role.LEAD)


def can_see_allegation_safeguarding(user: Any, incident: Incident) -> bool:
    """Whether an incident's timeline (and the user's exports of it) may carry the
    safeguarding side of its allegations: only for a user who may read that side
    of every allegation on the incident (never HR, auditors or the subject)."""
    allegations = list(visible_allegations(user).filter(incident_id=incident.pk))
    if not allegations:
        return False
    return all(can_read_side(user, a, "safeguarding") for a in allegations)

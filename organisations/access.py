"""The access core: who is a member of what, in which role. Nothing else.

Every app has its own ``access.py`` (who may see its records), built on this
core and on its parent's rule, so a record derived from an incident is visible
exactly where the incident is (DESIGN.md, Layout):

- ``incidents/access.py``: the incident rule (organisation, role, need-to-know,
  exclusions), adults at risk, entries, grants;
- ``disclosures/access.py``, ``allegations/access.py``: decisions and
  allegations, through the incident rule;
- ``chronology/access.py``: timelines and exports, through the incident rule;
- ``audits/access.py``: the audit trail and quality audits.

Anything outside the user's reach is a 404 (never a 403) so that its existence
does not leak. This module sits at the bottom of the dependency graph and
imports no app above ``organisations`` (checked by import-linter, ``make check``).

Roles (DESIGN.md):
- manager: incidents of their own services; restricted ones only when on the
  need-to-know list;
- safeguarding lead: the whole organisation, and the need-to-know lists;
- HR: HR records of allegations only (plus the status of the safeguarding side);
- auditor: read-only over the organisation's unrestricted records, for audits;
- organisation admin: users and services, and no safeguarding content at all.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from organisations.models import Actor, Membership, Role, Service, User
from organisations.request_memo import remembered

_CACHE_ATTR = "_safeguard_membership"

# Role groups shared by several apps' rules.
INCIDENT_READERS = (Role.MANAGER, Role.LEAD, Role.AUDITOR)
INCIDENT_WRITERS = (Role.MANAGER, Role.LEAD)

M = TypeVar("M", bound=Model)


def acting_user(actor: Actor) -> User:
    """The signed-in user a service records as having acted. Views pass the
    request's user, which the type system cannot know is signed in; a service
    that stores it narrows it here (and refuses anyone else)."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return actor


def membership_of(user: Actor | None) -> Membership | None:
    """The user's active membership, cached on the user object for the request."""
    if not isinstance(user, User) or not user.is_authenticated:
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


def require_membership(user: Actor | None) -> Membership:
    membership = membership_of(user)
    if membership is None:
        raise Http404("No organisation membership.")
    return membership


def has_role(user: Actor, *roles: str) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in roles


def organisation_id_of(user: Actor) -> int | None:
    membership = membership_of(user)
    return membership.organisation_id if membership else None


def in_organisation_with_role(user: Actor, obj: Any, *roles: str) -> bool:
    """``user`` holds one of ``roles`` in the organisation ``obj`` belongs to."""
    return has_role(user, *roles) and obj.organisation_id == organisation_id_of(user)


def service_ids(membership: Membership) -> list[int]:
    """A member's services, read as a plain id list (see incidents/access.py on
    why), once per request (``organisations.request_memo``)."""
    return remembered(
        ("service_ids", membership.pk),
        lambda: list(
            Membership.services.through.objects.filter(membership_id=membership.pk).values_list(
                "service_id", flat=True
            )
        ),
    )


def colleagues(user: Actor, *roles: str) -> QuerySet[Membership]:
    """Active members of the user's organisation holding one of ``roles``."""
    membership = require_membership(user)
    return (
        Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, role__in=roles)
        .select_related("user")
    )


def get_or_404(qs: QuerySet[M], pk: Any, what: str) -> M:
    """One row of ``qs`` (already narrowed by an access rule) or a 404, also for a
    malformed id."""
    try:
        return qs.get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as exc:
        raise Http404(f"No such {what}.") from exc


# --- Organisation administration --------------------------------------------


def can_administer(user: Actor) -> bool:
    """Organisation admins manage users and services (and see no records)."""
    return has_role(user, Role.ADMIN)


def administered_memberships(user: Actor) -> QuerySet[Membership]:
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return Membership.objects.none()
    return Membership.objects.filter(organisation_id=membership.organisation_id).select_related(
        "user"
    )


def get_membership_for(user: Actor, pk: Any) -> Membership:
    return get_or_404(administered_memberships(user), pk, "member")


def administered_services(user: Actor) -> QuerySet[Service]:
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return Service.objects.none()
    return Service.objects.filter(organisation_id=membership.organisation_id)


# --- Role requests and sign-in links (separation of duties) -----------------
# Leads decide the role requests of their organisation; admins see the state
# of their own organisation's requests on the member pages.


def role_requests_for_lead(user: Actor) -> QuerySet[Any]:
    """Every role request of the lead's organisation (history included)."""
    from organisations.models import RoleRequest

    membership = membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return RoleRequest.objects.none()
    return RoleRequest.objects.filter(organisation_id=membership.organisation_id).select_related(
        "membership__user", "requested_by", "decided_by"
    )


def administered_role_requests(user: Actor) -> QuerySet[Any]:
    """The admin's organisation's role requests (their state, on member pages)."""
    from organisations.models import RoleRequest

    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return RoleRequest.objects.none()
    return RoleRequest.objects.filter(organisation_id=membership.organisation_id)


def pending_role_requests(user: Actor) -> QuerySet[Any]:
    from organisations.models import RoleRequest

    return role_requests_for_lead(user).filter(state=RoleRequest.State.PENDING)


def get_role_request_for(user: Actor, pk: Any) -> Any:
    from organisations.models import RoleRequest

    try:
        return role_requests_for_lead(user).get(pk=pk)
    except (ValueError, TypeError, RoleRequest.DoesNotExist) as exc:
        raise Http404("No such request.") from exc


def awaiting_set_up_for_lead(user: Actor) -> QuerySet[Membership]:
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
        .exclude(user_id=membership.user_id)
        .exclude(user__sign_in_links__used_at__isnull=False)
        .filter(
            Q(user__sign_in_links__isnull=False)
            | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        )
        .distinct()
        .select_related("user")
    )


def get_sign_in_link_membership_for(user: Actor, pk: Any) -> Membership:
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


def may_issue_sign_in_link(user: Actor, target: Membership) -> bool:
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

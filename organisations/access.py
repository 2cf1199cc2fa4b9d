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

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from organisations.models import Membership, Role, Service

_CACHE_ATTR = "_safeguard_membership"

# Role groups shared by several apps' rules.
INCIDENT_READERS = (Role.MANAGER, Role.LEAD, Role.AUDITOR)
INCIDENT_WRITERS = (Role.MANAGER, Role.LEAD)

M = TypeVar("M", bound=Model)


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


def organisation_id_of(user: Any) -> int | None:
    membership = membership_of(user)
    return membership.organisation_id if membership else None


def in_organisation_with_role(user: Any, obj: Any, *roles: str) -> bool:
    """``user`` holds one of ``roles`` in the organisation ``obj`` belongs to."""
    return has_role(user, *roles) and obj.organisation_id == organisation_id_of(user)


def service_ids(membership: Membership) -> list[int]:
    """A member's services, read as a plain id list (see incidents/access.py on why)."""
    return list(
        Membership.services.through.objects.filter(membership_id=membership.pk).values_list(
            "service_id", flat=True
        )
    )


def colleagues(user: Any, *roles: str) -> QuerySet[Membership]:
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
    return get_or_404(administered_memberships(user), pk, "member")


def administered_services(user: Any) -> QuerySet[Service]:
    membership = membership_of(user)
    if membership is None or membership.role != Role.ADMIN:
        return Service.objects.none()
    return Service.objects.filter(organisation_id=membership.organisation_id)

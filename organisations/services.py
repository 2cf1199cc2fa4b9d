"""Organisation admin: users, services and role requests.

Audited through auditlog registration (Membership, RoleRequest, SignInLink).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from organisations import access, signin
from organisations.models import (
    APPROVAL_ROLES,
    Actor,
    Membership,
    Organisation,
    Role,
    RoleRequest,
    Service,
)


def _admin_org(actor: Actor) -> int:
    membership = access.require_membership(actor)
    if not access.can_administer(actor):
        raise PermissionDenied
    return membership.organisation_id


def _check_services(org_id: int, services: Iterable[Service]) -> list[Service]:
    services = list(services)
    if any(s.organisation_id != org_id for s in services):
        raise PermissionDenied
    return services


SIGN_IN_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


@dataclass(frozen=True)
class NewMember:
    membership: Membership
    # Shown once to the admin to hand over; None while a lead's approval is awaited
    # (the lead who approves receives it instead).
    link: signin.IssuedLink | None
    role_request: RoleRequest | None


def sign_in_name(local: str, organisation: Any) -> str:
    """The username a new account signs in with: ``name@<organisation code>``."""
    return f"{local}@{organisation.sign_in_code}"


@transaction.atomic
def add_member(
    *,
    actor: Actor,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    services: Iterable[Service] = (),
    job_title: str = "",
    reason: str = "",
) -> NewMember:
    """Create an account in the admin's organisation.

    The admin never chooses or learns the password: the account's password
    is unusable until the person follows a one-time sign-in link. A role that
    reads records beyond a manager's (lead, HR, auditor) starts as a request:
    the membership is inactive (no access at all) until a lead approves it,
    and that lead, not the admin, receives the sign-in link.
    """
    org_id = _admin_org(actor)
    organisation = Organisation.objects.get(pk=org_id)
    local = username.strip().lower()
    if not SIGN_IN_NAME.match(local):
        raise ValidationError(
            {"username": "Use lower-case letters, digits, dots, dashes or underscores."}
        )
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    needs_approval = role in APPROVAL_ROLES
    if needs_approval and not reason.strip():
        raise ValidationError({"reason": "Say why they need this role; a lead will approve it."})
    User = get_user_model()
    full = sign_in_name(local, organisation)
    # The organisation's code is in the name, so only this organisation's
    # accounts can clash: the answer says nothing about anyone else's.
    if User._default_manager.filter(username__iexact=full).exists():
        raise ValidationError(
            {"username": "That sign-in name is already used in your organisation."}
        )
    user = User(
        username=full,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )
    user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(
        user=user,
        organisation_id=org_id,
        role=role,
        job_title=job_title.strip(),
        active=not needs_approval,
    )
    membership.services.set(_check_services(org_id, services))
    if needs_approval:
        request = _request_role(actor=actor, membership=membership, role=role, reason=reason)
        return NewMember(membership=membership, link=None, role_request=request)
    link = signin.issue_link(actor=actor, user=user, organisation_id=org_id)
    return NewMember(membership=membership, link=link, role_request=None)


def _request_role(*, actor: Actor, membership: Membership, role: str, reason: str) -> RoleRequest:
    _cancel_pending(actor=actor, membership=membership)
    return RoleRequest.objects.create(
        organisation_id=membership.organisation_id,
        membership=membership,
        role=role,
        previous_role=membership.role if membership.active else "",
        reason=reason.strip(),
        requested_by=access.acting_user(actor),
    )


def _cancel_pending(*, actor: Actor, membership: Membership) -> None:
    for pending in RoleRequest.objects.select_for_update().filter(
        membership=membership, state=RoleRequest.State.PENDING
    ):
        pending.state = RoleRequest.State.CANCELLED
        pending.decided_by = access.acting_user(actor)
        pending.decided_at = timezone.now()
        pending.decision_reason = "Replaced by the admin's later change."
        pending.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def update_member(
    *,
    actor: Actor,
    membership: Membership,
    role: str,
    services: Iterable[Service],
    active: bool,
    job_title: str = "",
    reason: str = "",
) -> RoleRequest | None:
    """Change a member. Returns the role request when the change needs a lead.

    Least privilege goes one way: an admin may take a role away (deactivate,
    or move a lead/HR/auditor to manager or admin) at once, but giving the
    lead, HR or auditor role (a new role, or re-activating a member who holds
    one) becomes a request a lead must approve; until then the member keeps
    what they had. Job title and services change at once either way.
    """
    org_id = _admin_org(actor)
    if membership.organisation_id != org_id:
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if membership.user_id == actor.pk and (not active or role != Role.ADMIN):
        raise ValidationError(
            "You cannot remove your own admin access; ask another organisation admin."
        )
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    grants = (
        active and role in APPROVAL_ROLES and not (membership.active and membership.role == role)
    )
    if grants and not reason.strip():
        raise ValidationError({"reason": "Say why they need this role; a lead will approve it."})
    changed = role != membership.role or active != membership.active
    membership.job_title = job_title.strip()
    request = None
    if grants:
        request = _request_role(actor=actor, membership=membership, role=role, reason=reason)
        membership.save(update_fields=["job_title"])
    else:
        if changed:
            _cancel_pending(actor=actor, membership=membership)
        membership.role = role
        membership.active = active
        membership.save(update_fields=["role", "active", "job_title"])
    membership.services.set(_check_services(org_id, services))
    return request


@dataclass(frozen=True)
class Decision:
    role_request: RoleRequest
    # For an account not yet set up, the approving lead hands over its link.
    link: signin.IssuedLink | None


@transaction.atomic
def decide_role_request(
    *, actor: Actor, role_request: RoleRequest, approve: bool, reason: str = ""
) -> Decision:
    """A lead approves or refuses an admin's role request.

    The approver must be an active lead of the same organisation, and neither
    the person who asked nor the member concerned.
    """
    lead = access.membership_of(actor)
    if lead is None or lead.role != Role.LEAD:
        raise PermissionDenied
    role_request = RoleRequest.objects.select_for_update().get(pk=role_request.pk)
    if role_request.organisation_id != lead.organisation_id:
        raise PermissionDenied
    if not role_request.is_pending:
        raise ValidationError("This request has already been decided or cancelled.")
    membership = Membership.objects.select_for_update().get(pk=role_request.membership_id)
    if actor.pk in (role_request.requested_by_id, membership.user_id):
        raise ValidationError(
            "You cannot decide a request you made or one about your own account; "
            "another safeguarding lead must decide it."
        )
    if not approve and not reason.strip():
        raise ValidationError({"reason": "Say why the request is refused."})
    role_request.state = RoleRequest.State.APPROVED if approve else RoleRequest.State.REFUSED
    role_request.decided_by = access.acting_user(actor)
    role_request.decided_at = timezone.now()
    role_request.decision_reason = reason.strip()
    role_request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    link = None
    if approve:
        membership.role = role_request.role
        membership.active = True
        membership.save(update_fields=["role", "active"])
        if signin.awaiting_set_up(membership.user):
            link = signin.issue_link(
                actor=actor, user=membership.user, organisation_id=membership.organisation_id
            )
    return Decision(role_request=role_request, link=link)


@transaction.atomic
def reissue_sign_in_link(*, actor: Actor, membership: Membership) -> signin.IssuedLink:
    """A fresh link for an account not yet set up; the old one stops working.

    The admin may re-issue for a manager or admin account; for a lead, HR or
    auditor account only a lead (not the member) may, as when approving, so
    the admin never holds a way into an account that reads records beyond a
    manager's.
    """
    if not access.may_issue_sign_in_link(actor, membership):
        raise PermissionDenied
    if not signin.awaiting_set_up(membership.user):
        raise ValidationError(
            "This account has already been set up; its owner signs in with their own password."
        )
    return signin.issue_link(
        actor=actor, user=membership.user, organisation_id=membership.organisation_id
    )


@transaction.atomic
def add_service(*, actor: Actor, name: str, kind: str, cqc_location_id: str = "") -> Service:
    org_id = _admin_org(actor)
    if Service.objects.filter(organisation_id=org_id, name__iexact=name.strip()).exists():
        raise ValidationError({"name": "There is already a service with that name."})
    service = Service(
        organisation_id=org_id,
        name=name.strip(),
        kind=kind,
        cqc_location_id=cqc_location_id.strip(),
    )
    service.full_clean()
    service.save()
    return service

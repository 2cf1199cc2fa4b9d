"""Organisation admin: users and services. Audited through auditlog registration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from organisations import access
from organisations.models import Membership, Role, Service


def _admin_org(actor: Any) -> int:
    membership = access.require_membership(actor)
    if not access.can_administer(actor):
        raise PermissionDenied
    return membership.organisation_id


def _check_services(org_id: int, services: Iterable[Service]) -> list[Service]:
    services = list(services)
    if any(s.organisation_id != org_id for s in services):
        raise PermissionDenied
    return services


@transaction.atomic
def add_member(
    *,
    actor: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str,
    services: Iterable[Service] = (),
    job_title: str = "",
) -> Membership:
    org_id = _admin_org(actor)
    User = get_user_model()
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise ValidationError({"username": "That username is already taken."})
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(
        user=user, organisation_id=org_id, role=role, job_title=job_title.strip()
    )
    membership.services.set(_check_services(org_id, services))
    return membership


@transaction.atomic
def update_member(
    *,
    actor: Any,
    membership: Membership,
    role: str,
    services: Iterable[Service],
    active: bool,
    job_title: str = "",
) -> Membership:
    org_id = _admin_org(actor)
    if membership.organisation_id != org_id:
        raise PermissionDenied
    if membership.user_id == actor.pk and (not active or role != Role.ADMIN):
        raise ValidationError(
            "You cannot remove your own admin access; ask another organisation admin."
        )
    membership.role = role
    membership.active = active
    membership.job_title = job_title.strip()
    membership.save(update_fields=["role", "active", "job_title"])
    membership.services.set(_check_services(org_id, services))
    return membership


@transaction.atomic
def add_service(*, actor: Any, name: str, kind: str, cqc_location_id: str = "") -> Service:
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

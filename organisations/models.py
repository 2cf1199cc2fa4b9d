"""Tenancy: organisations, their services and who belongs to them in which role."""

from __future__ import annotations

from datetime import datetime

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from organisations.append_only import never_deleted
from organisations.owned import OrganisationOwned

# The project's user model is Django's own (settings.AUTH_USER_MODEL is unset):
# services that store who acted take a ``User``. Access rules and services
# called straight from a view take an ``Actor``: a request's user, which the
# type system cannot know is signed in (LoginRequiredMiddleware turns the
# anonymous away before any view runs, and every access rule answers "no" for
# one).
Actor = User | AnonymousUser


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    # Short code used in incident references, e.g. "SG" → SG-2026-0042.
    reference_prefix = models.CharField(max_length=8, default="SG")
    # Accounts created in the app sign in as "name@<sign_in_code>": a sign-in
    # name is then unique within the organisation only, and an admin choosing
    # one learns nothing about the names other organisations use.
    sign_in_code = models.SlugField(max_length=32, unique=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.sign_in_code:
            self.sign_in_code = free_sign_in_code(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def free_sign_in_code(name: str) -> str:
    """A sign-in code no organisation uses and no existing username ends in."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    base = (slugify(name)[:24].strip("-") or "org").lower()
    candidate, n = base, 1
    while (
        Organisation.objects.filter(sign_in_code=candidate).exists()
        or User._default_manager.filter(username__iendswith=f"@{candidate}").exists()
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class Service(models.Model):
    class Kind(models.TextChoices):
        CARE_HOME = "care_home", "Care home"
        DOMICILIARY = "domiciliary", "Domiciliary care"
        SUPPORTED_LIVING = "supported_living", "Supported living"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    cqc_location_id = models.CharField("CQC location ID", max_length=32, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="service_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MANAGER = "manager", "Manager"
    LEAD = "lead", "Safeguarding lead"
    HR = "hr", "HR"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "Organisation admin"


# Roles that read safeguarding or HR records: granting one needs a lead's approval.
APPROVAL_ROLES = (Role.LEAD, Role.HR, Role.AUDITOR)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(active=True, user__is_active=True)


class Membership(models.Model):
    """A user's place in one organisation. One membership per user keeps the
    question "which organisation's records can this login reach?" trivial."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    # Managers work within these services; other roles ignore them.
    services = models.ManyToManyField(Service, blank=True, related_name="memberships")
    job_title = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD

    @property
    def is_hr(self) -> bool:
        return self.role == Role.HR

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class RoleRequest(OrganisationOwned):
    """An admin's request to give a member the lead, HR or auditor role.

    Separation of duties: the role takes effect only when a second person, an
    active safeguarding lead of the same organisation who is neither the
    requester nor the member concerned, approves it. The row is written once
    and decided once (database triggers); every step is in the audit log.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        CANCELLED = "cancelled", "Cancelled"

    organisation_parents = ("membership",)
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="role_requests"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    # The role the member held when asked (empty for a new account).
    previous_role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    reason = models.TextField("Why they need this role")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(state="pending"),
                name="one_pending_role_request",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in APPROVAL_ROLES]),
                name="role_request_needs_approval_role",
            ),
            # Nobody approves (or refuses) their own request.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by"))
                | models.Q(state="cancelled"),
                name="role_request_not_self_decided",
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending", decided_at__isnull=True)
                | (~models.Q(state="pending") & models.Q(decided_at__isnull=False)),
                name="role_request_decided_at_matches_state",
            ),
        ]
        triggers = [
            *never_deleted(
                "role_request",
                read_only=[
                    "organisation",
                    "membership",
                    "role",
                    "previous_role",
                    "reason",
                    "requested_by",
                    "requested_at",
                ],
            ),
            # A decision is written once and then fixed.
            pgtrigger.Protect(
                name="role_request_decided_once",
                operation=pgtrigger.Update,
                condition=~pgtrigger.Q(old__state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"Role request {self.pk}: {self.role} for membership {self.membership_id}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


class SignInLink(OrganisationOwned):
    """A one-time link with which a new account sets its password and enrols
    its authenticator. Only a hash of the secret is kept; the link is shown
    once to whoever issued it, to hand over. It ends when used, when a newer
    link is issued for the same account, or after ``SIGN_IN_LINK_HOURS``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_in_links"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    secret_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_live_sign_in_link",
            )
        ]
        triggers = [
            *never_deleted(
                "sign_in_link",
                read_only=[
                    "organisation",
                    "user",
                    "issued_by",
                    "issued_at",
                    "expires_at",
                    "secret_hash",
                ],
            ),
            pgtrigger.Protect(
                name="sign_in_link_ends_once",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__used_at__isnull=False)
                | pgtrigger.Q(old__revoked_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-in link {self.pk} for user {self.user_id}"

    def is_live(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > moment

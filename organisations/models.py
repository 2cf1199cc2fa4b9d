"""Tenancy: organisations, their services and who belongs to them in which role."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    # Short code used in incident references, e.g. "SG" → SG-2026-0042.
    reference_prefix = models.CharField(max_length=8, default="SG")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

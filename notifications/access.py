"""Who may see a notification: exactly who may see its parent.

An incident's notification goes through the incident's rule
(``incidents.access.through_incident``: need-to-know, the subject of an
allegation excluded, no organisation admin). An allegation's notification
goes through the allegation's rule (``allegations.access.visible_allegations``),
so HR see the DBS and PiPoT clocks of an allegation they handle and nothing
of the incident or its safeguarding notifications. There is no other way a
notification queryset is built.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from allegations import access as allegation_access
from incidents import access as incident_access
from notifications.models import Notification, RuleOverride
from organisations.access import (
    INCIDENT_READERS,
    get_or_404,
    has_role,
    in_organisation_with_role,
    membership_of,
)
from organisations.models import Actor, Membership, Role


def reads_notifications(membership: Membership | None) -> bool:
    """Whether ``visible_notifications`` can hold anything for the member: those
    who read incidents or allegations (not an organisation admin)."""
    return membership is not None and (
        membership.role in INCIDENT_READERS or membership.role in allegation_access.ALLEGATION_ROLES
    )


def visible_notifications(user: Actor) -> QuerySet[Notification]:
    membership = membership_of(user)
    if membership is None or not reads_notifications(membership):
        return Notification.objects.none()
    rule = Q(pk__in=[])
    if membership.role in INCIDENT_READERS:
        rule |= Q(allegation__isnull=True) & incident_access.incident_rule(
            user, membership, via="incident__"
        )
    allegations = allegation_access.visible_allegations(user)
    if membership.role in allegation_access.ALLEGATION_ROLES:
        rule |= Q(allegation_id__in=allegations.values("pk"))
    return Notification.objects.filter(organisation_id=membership.organisation_id).filter(rule)


def get_notification_for(user: Actor, pk: Any) -> Notification:
    return get_or_404(
        visible_notifications(user).select_related(
            "incident", "incident__service", "allegation", "allegation__staff_member"
        ),
        pk,
        "notification",
    )


def can_record_outcome(user: Actor, notification: Notification) -> bool:
    """Caller holds a visible notification. An incident's: those who record on
    the incident; an allegation's: those who record its referrals (HR included)."""
    if notification.allegation_id is not None:
        assert notification.allegation is not None
        return allegation_access.can_record_referral(user, notification.allegation)
    return incident_access.can_record_on(user, notification.incident)


def can_manage_rules(user: Actor) -> bool:
    return has_role(user, Role.LEAD)


def overrides_of(user: Actor) -> QuerySet[RuleOverride]:
    membership = membership_of(user)
    if membership is None or membership.role != Role.LEAD:
        return RuleOverride.objects.none()
    return RuleOverride.objects.filter(organisation_id=membership.organisation_id)


def can_send_cqc(user: Actor, notification: Notification) -> bool:
    from disclosures import access as disclosure_access

    return notification.rule_code == "cqc" and disclosure_access.can_record_decision(
        user, notification.incident
    )


__all__ = [
    "can_manage_rules",
    "can_record_outcome",
    "can_send_cqc",
    "get_notification_for",
    "in_organisation_with_role",
    "overrides_of",
    "visible_notifications",
]

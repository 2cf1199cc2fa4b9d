"""The "notifications" source of ``organisations.work``: open notifications
the user may see (``notifications.access``), overdue and due before the
window's horizon, soonest first, in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from allegations.models import Allegation
from notifications import access
from notifications.models import Notification
from organisations import work
from organisations.access import membership_of
from organisations.models import Actor
from organisations.work import Window, WorkItem, WorkList


def open_notifications(user: Actor) -> QuerySet[Notification]:
    """Visible notifications with no outcome yet, read from the open-notification
    projection (``notifications/open_notifications.py``): filter them on
    ``open__due_at`` so its (organisation, due_at) index serves."""
    membership = membership_of(user)
    if membership is None:
        return Notification.objects.none()
    return access.visible_notifications(user).filter(
        open__organisation_id=membership.organisation_id
    )


def _number_in_incident() -> Subquery:
    earlier = (
        Allegation._base_manager.filter(
            incident=OuterRef("incident_id"), pk__lte=OuterRef("allegation_id")
        )
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(earlier)


def _item(n: Notification) -> WorkItem:
    reference = n.incident.reference
    if n.allegation_id is not None:
        reference = f"{reference}/A{n.allegation_number}"  # type: ignore[attr-defined]
        url = reverse("allegations:detail", args=[n.allegation_id])
    else:
        url = reverse("incidents:detail", args=[n.incident_id])
    return WorkItem(
        key=f"notification:{n.pk}",
        label=n.rule.title,
        reference=reference,
        url=f"{url}#notification-{n.pk}",
        due_at=n.due_at,
    )


def notifications_source(user: Actor, window: Window) -> WorkList:
    if not access.reads_notifications(membership_of(user)):
        return WorkList(key="notifications", title="Statutory notifications", applies=False)
    base = open_notifications(user).filter(open__due_at__lte=window.horizon)
    found = work.firsts(
        base.filter(open__due_at__lt=window.now),
        base.filter(open__due_at__gte=window.now),
        window,
        ("open__due_at", "pk"),
    )
    # The rows shown are read through the same rule as their keys (one answered
    # since the keys were read is left out).
    rows = (
        open_notifications(user)
        .filter(pk__in=found.keys)
        .select_related("incident")
        .annotate(allegation_number=Coalesce(_number_in_incident(), 0))
    )
    return found.work_list(
        "notifications", "Statutory notifications", {n.pk: _item(n) for n in rows}
    )

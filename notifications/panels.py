"""The "Notifications" panel of the incident and allegation pages
(``organisations.panels``), and the references the incident page and its PDF
show (``incidents.references``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from allegations.models import Allegation
from incidents.models import Incident
from notifications import access
from notifications.models import (
    Notification,
    NotificationOutcome,
    OutcomeStatus,
    status_of,
    timeliness,
)
from organisations.models import Actor


@dataclass(frozen=True)
class Row:
    notification: Notification
    outcome: NotificationOutcome | None
    status: str
    timeliness: str
    record_url: str
    cqc_url: str

    @property
    def overdue(self) -> bool:
        return self.status == "Overdue"


def with_latest(qs: QuerySet[Notification]) -> QuerySet[Notification]:
    return qs.select_related("incident", "allegation__incident").prefetch_related(
        Prefetch(
            "outcomes",
            queryset=NotificationOutcome.objects.select_related("decided_by").order_by("-id"),
            to_attr="outcomes_latest_first",
        )
    )


def rows(user: Actor, notifications: Iterable[Notification], now: datetime) -> list[Row]:
    result = []
    for n in notifications:
        outcomes = getattr(n, "outcomes_latest_first", None)
        outcome = outcomes[0] if outcomes else None
        can_record = access.can_record_outcome(user, n)
        result.append(
            Row(
                notification=n,
                outcome=outcome,
                status=status_of(n, outcome, now),
                timeliness=timeliness(n, outcome),
                record_url=reverse("notifications:record", args=[n.pk]) if can_record else "",
                cqc_url=reverse("notifications:cqc", args=[n.pk])
                if access.can_send_cqc(user, n)
                else "",
            )
        )
    return result


def _panel(request: HttpRequest, qs: QuerySet[Notification], heading: str) -> str:
    items = rows(request.user, with_latest(qs).order_by("due_at", "pk"), timezone.now())
    return render_to_string(
        "notifications/_panel.html", {"rows": items, "heading": heading}, request=request
    )


def incident_panel(request: HttpRequest, incident: Incident) -> str:
    qs = access.visible_notifications(request.user).filter(incident=incident)
    return _panel(request, qs, "Statutory notifications")


def allegation_panel(request: HttpRequest, allegation: Allegation) -> str:
    qs = access.visible_notifications(request.user).filter(allegation=allegation)
    return _panel(request, qs, "Notifications about this allegation")


SLOTS = {"la_referral": "la", "police": "police", "cqc": "cqc"}


def references_for_viewer(incident: Incident, viewer: Any) -> Iterator[tuple[str, str]]:
    """The references held by sent outcomes of the incident's own notifications,
    as the viewer may see them (the incident page)."""
    qs = access.visible_notifications(viewer).filter(incident=incident)
    yield from _references(qs)


def incident_references(incident: Incident) -> Iterator[tuple[str, str]]:
    """The same for a timeline or PDF of an incident its reader may open: the
    incident's own notifications follow the incident's rule, already applied."""
    yield from _references(Notification.objects.filter(incident=incident), unsent=incident)


def _references(
    qs: QuerySet[Notification], unsent: Incident | None = None
) -> Iterator[tuple[str, str]]:
    """``unsent``: also say, for that incident, which required notifications
    were not recorded as sent (the PDF's block, where a dash would hide a
    missing notification; the incident page has its notifications panel for
    that). Not where the incident holds a reference recorded before
    notifications existed."""
    qs = with_latest(qs.filter(allegation__isnull=True, rule_code__in=SLOTS)).order_by(
        "due_at", "pk"
    )
    legacy = (
        {"la": unsent.la_reference, "police": unsent.police_reference, "cqc": unsent.cqc_reference}
        if unsent is not None
        else {}
    )
    for n in qs:
        outcome = n.outcomes_latest_first[0] if n.outcomes_latest_first else None  # type: ignore[attr-defined]
        # A reference from an allegation's referral is shown by the referral's
        # own source (incidents.references), to those who may read that side.
        if (
            outcome
            and outcome.status == OutcomeStatus.SENT
            and outcome.reference
            and outcome.referral_id is None
        ):
            when = timezone.localtime(outcome.sent_at).strftime("%-d %b %Y %H:%M")
            yield SLOTS[n.rule_code], f"{outcome.reference} ({outcome.sent_to}, sent {when})"
        elif unsent is None or legacy[SLOTS[n.rule_code]]:
            continue
        elif outcome is None:
            due = timezone.localtime(n.due_at).strftime("%-d %b %Y %H:%M")
            late = " (overdue)" if n.due_at < timezone.now() else ""
            yield SLOTS[n.rule_code], f"not recorded as sent; due by {due}{late}"
        elif outcome.status == OutcomeStatus.NOT_NEEDED:
            yield SLOTS[n.rule_code], "decided not needed (reason in the record)"

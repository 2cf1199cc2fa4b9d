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
from organisations.request_memo import remembered


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


def _of_incident(viewer: Actor, incident: Incident) -> list[Notification]:
    """The incident's notifications the viewer may see, with their outcomes,
    soonest due first: read once per request (``organisations.request_memo``),
    as the incident page shows them in its panel and its references box."""
    return remembered(
        ("incident_notifications", getattr(viewer, "pk", None), incident.pk),
        lambda: list(
            with_latest(access.visible_notifications(viewer).filter(incident=incident)).order_by(
                "due_at", "pk"
            )
        ),
    )


def incident_panel(request: HttpRequest, incident: Incident) -> str:
    items = rows(request.user, _of_incident(request.user, incident), timezone.now())
    return render_to_string(
        "notifications/_panel.html",
        {"rows": items, "heading": "Statutory notifications"},
        request=request,
    )


def allegation_panel(request: HttpRequest, allegation: Allegation) -> str:
    qs = access.visible_notifications(request.user).filter(allegation=allegation)
    return _panel(request, qs, "Notifications about this allegation")


SLOTS = {"la_referral": "la", "police": "police", "cqc": "cqc"}


def references_for_viewer(incident: Incident, viewer: Any) -> Iterator[tuple[str, str]]:
    """The references held by sent outcomes of the incident's own notifications,
    as the viewer may see them (the incident page)."""
    own = [n for n in _of_incident(viewer, incident) if n.allegation_id is None]
    yield from _references(own)


def incident_references(incident: Incident) -> Iterator[tuple[str, str]]:
    """The same for a timeline or PDF of an incident its reader may open: the
    incident's own notifications follow the incident's rule, already applied."""
    qs = Notification.objects.filter(incident=incident, allegation__isnull=True)
    yield from _references(with_latest(qs).order_by("due_at", "pk"), unsent=incident)


def _references(
    notifications: Iterable[Notification], unsent: Incident | None = None
) -> Iterator[tuple[str, str]]:
    """``unsent``: also say, for that incident, which required notifications
    were not recorded as sent (the PDF's block, where a dash would hide a
    missing notification; the incident page has its notifications panel for
    that). Not where the incident holds a reference recorded before
    notifications existed."""
    legacy = (
        {"la": unsent.la_reference, "police": unsent.police_reference, "cqc": unsent.cqc_reference}
        if unsent is not None
        else {}
    )
    for n in notifications:
        if n.allegation_id is not None or n.rule_code not in SLOTS:
            continue
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

"""Statutory notifications on the timeline and in the PDF: each outcome
(sent, decided not needed, or a correction) is an event, with its timeliness
against its clock (aware → sent). The incident's notifications go to every
audience (like referrals: timely partner engagement is what every recipient
tests, seed 000); an allegation's notifications (PiPoT, DBS) only where the
allegation's safeguarding side may be shown (``Provider.allegation``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from chronology.timeline import Field, Provider, TimelineItem, TimelineQuery, name_of, when


def _outcomes(q: TimelineQuery, *, allegation: bool) -> QuerySet[Any]:
    from notifications.models import NotificationOutcome

    qs = NotificationOutcome.objects.filter(
        notification__incident=q.incident, notification__allegation__isnull=not allegation
    )
    return q.in_range(qs, "recorded_at")


def _at(o: Any) -> Any:
    return o.sent_at or o.recorded_at


def _items(q: TimelineQuery, *, allegation: bool) -> Iterator[TimelineItem]:
    qs = _outcomes(q, allegation=allegation).select_related(
        "notification", "decided_by", "corrects"
    )
    for o in qs.order_by("recorded_at", "pk"):
        n = o.notification
        fields = [
            Field("Clock", f"{n.clock} from {when(n.aware_at)}; due by {when(n.due_at)}"),
        ]
        if o.status == "sent":
            fields += [
                Field("Sent to", o.sent_to),
                Field("Sent", when(o.sent_at)),
                Field("Their reference", o.reference or "Not given"),
                Field("Timeliness", o.timeliness()),
            ]
            if o.decision_id:
                fields.append(Field("What was sent", "Recorded as a disclosure decision"))
        else:
            fields.append(Field("Why it is not needed", o.reason, prose=True))
        if o.corrects_id:
            fields.append(Field("Corrects", f"The outcome recorded {when(o.corrects.recorded_at)}"))
            fields.append(Field("Why it was corrected", o.correction_reason, prose=True))
        yield TimelineItem(
            kind="allegation_notification" if allegation else "notification",
            kind_label=f"Notification · {n.title}",
            at=_at(o),
            pk=o.pk,
            title=o.get_status_display(),
            byline=f"Recorded {when(o.recorded_at)} by {name_of(o.decided_by)}",
            fields=fields,
            order=38,
        )


PROVIDERS = [
    Provider(
        "notification",
        "Statutory notifications",
        lambda q: _outcomes(q, allegation=False).count(),
        lambda q: _items(q, allegation=False),
    ),
    Provider(
        "allegation_notification",
        "Allegation: PiPoT and DBS notifications",
        lambda q: _outcomes(q, allegation=True).count(),
        lambda q: _items(q, allegation=True),
        allegation=True,
    ),
]

"""Demo notifications (``make run``): most sent, with references and their
timeliness, some still due and one overdue, so the panels, the timeline, the
lead's dashboard and "My work" have something true to show.

The notifications themselves were created by the receivers as the demo's
incidents and allegations were recorded; the PiPoT, police and CQC referrals
the allegations demo recorded already count as sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from auditlog.context import set_actor

from notifications import services
from notifications.models import Notification

# (incident key, rule, hours after becoming aware it was sent, to whom, reference)
SENT = [
    ("coercion", "la_referral", 3, "Westshire Adult Safeguarding Hub", "WSH-ASC-10231"),
    ("coercion", "police", 5, "Westshire Police (101)", "WP-26-117052"),
    ("coercion", "cqc", 30, "Care Quality Commission (provider portal)", "CQC-NOT-549870"),
    ("financial", "la_referral", 6, "Westshire Adult Safeguarding Hub", "WSH-ASC-10288"),
    # Late: sent once the threshold for escalation was met (shows "late by").
    ("financial", "cqc", 52, "Care Quality Commission (provider portal)", "CQC-NOT-550120"),
    ("allegation", "la_referral", 10, "Westshire Adult Safeguarding Hub", "WSH-ASC-10302"),
    ("closed", "la_referral", 14, "Westshire Adult Safeguarding Hub", "WSH-ASC-09917"),
]
NOT_NEEDED = [
    (
        "closed",
        "cqc",
        "One missed dose, no harm (GP advised): not abuse or an allegation of abuse, so no "
        "regulation 18(2)(e) notification; agreed with the registered manager.",
    ),
]
# June's two earlier concerns (the pattern-alert story): every notification
# they needed was sent within a few hours, by the rule's own body.
EARLIER = ("refused_entry", "pension")
# Left open on purpose: the financial exploitation's police notification
# (overdue), and the allegation's DBS referral (due, 30 days from suspension).


def extend(ctx: Any) -> None:
    lead = ctx.users["lead"]
    with set_actor(lead):
        for key, code, hours, to, reference in SENT:
            n = _notification(ctx, key, code)
            if n is None or n.outcomes.exists():
                continue
            services.record_outcome(
                actor=lead,
                notification=n,
                status="sent",
                sent_at=n.incident.became_aware_at + timedelta(hours=hours),
                sent_to=to,
                reference=reference,
            )
        for key in EARLIER:
            incident = ctx.incidents.get(key)
            if incident is None:
                continue
            for n in Notification.objects.filter(incident=incident, outcomes__isnull=True):
                services.record_outcome(
                    actor=lead,
                    notification=n,
                    status="sent",
                    sent_at=incident.became_aware_at + timedelta(hours=2),
                    sent_to=n.rule.title,
                    reference=f"{incident.reference}-{n.rule_code.upper()}",
                )
        for key, code, reason in NOT_NEEDED:
            n = _notification(ctx, key, code)
            if n is not None and not n.outcomes.exists():
                services.record_outcome(
                    actor=lead, notification=n, status="not_needed", reason=reason
                )


def _notification(ctx: Any, key: str, code: str) -> Notification | None:
    incident = ctx.incidents.get(key)
    if incident is None:
        return None
    return Notification.objects.filter(
        incident=incident, rule_code=code, allegation__isnull=True
    ).first()

"""The pre-filled CQC notification of abuse or allegation of abuse.

What CQC's notification form asks for (Regulation 18(2)(e), "Notification of
abuse or allegation of abuse"): the provider and service; when the incident
happened and when the provider became aware; the type of abuse; the people
involved, identified without names (initials, age band); whether a member of
staff is alleged to be involved; the action taken to keep people safe; and
who else has been told, with their references. Minimum necessary: no names
of the adult at risk, of staff or of anyone else; the user checks the text and
sends it through CQC's own portal (nothing is sent from here).
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from allegations.models import Allegation
from incidents.models import EntryKind, Incident, Person
from notifications.models import Notification, NotificationOutcome, OutcomeStatus

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, 84), (85, 200))


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return "age not recorded"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"aged {low}+" if high == 200 else f"aged {low}–{high}"
    return "under 18"


def _when(value: object) -> str:
    if value is None:
        return "not known"
    return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")  # type: ignore[arg-type]


def _without_names(text: str, names: dict[str, str]) -> str:
    """Known names replaced (whole words, longest first, any case)."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", names[name], text, flags=re.IGNORECASE)
    return text


def _names(people: list[Person], allegations: list[Allegation]) -> dict[str, str]:
    names: dict[str, str] = {}
    for p in people:
        for part in (p.full_name, p.given_name, p.family_name, p.preferred_name):
            if part and len(part) > 1:
                names[part] = p.initials
    for a in allegations:
        staff = a.staff_member.name
        names[staff] = "the staff member"
        for part in staff.split():
            if len(part) > 2:
                names[part] = "the staff member"
    return names


def prefill(notification: Notification) -> str:
    incident: Incident = notification.incident
    people = list(incident.people.all())
    allegations = list(Allegation.objects.filter(incident=incident).select_related("staff_member"))
    names = _names(people, allegations)
    today = timezone.localdate()
    lines = [
        "Notification of abuse or allegation of abuse (Regulation 18(2)(e))",
        "",
        f"Provider: {incident.organisation.name}",
        f"Service: {incident.service.name} ({incident.service.get_kind_display()})",
        f"Our reference: {incident.reference}",
        f"When it happened: {_when(incident.occurred_at)}",
        f"When we became aware: {_when(incident.became_aware_at)}",
        f"Type of abuse: {', '.join(incident.category_labels())}",
        "",
        "People affected (initials and age band only):",
        *(f"- {p.initials}, {age_band(p.date_of_birth, today)}" for p in people),
        "",
        "Is a member of staff alleged to be involved? "
        + ("Yes (name withheld; known to us)" if allegations else "No"),
        "",
        "Actions taken to keep people safe:",
    ]
    actions = incident.entries.filter(kind=EntryKind.ACTION).order_by("occurred_at", "pk")
    action_lines = [f"- {_when(e.occurred_at)}: {_without_names(e.facts, names)}" for e in actions]
    lines += action_lines or ["- (describe the actions taken, without names)"]
    lines += ["", "Who else has been told:"]
    told = (
        NotificationOutcome.objects.filter(
            notification__incident=incident, status=OutcomeStatus.SENT
        )
        .exclude(notification=notification)
        .filter(corrections__isnull=True)
        .select_related("notification")
        .order_by("sent_at", "pk")
    )
    told_lines = [
        f"- {o.notification.title}: {o.sent_to}, {_when(o.sent_at)}"
        + (f", reference {o.reference}" if o.reference else "")
        for o in told
    ]
    lines += told_lines or ["- Nobody yet recorded"]
    return "\n".join(lines)

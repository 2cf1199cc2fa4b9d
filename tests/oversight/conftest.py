"""Oversight fixtures: disclosure decisions at chosen dates and consent positions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from audits.quality.forms import quarter_bounds
from tests.factories import make_incident

CONSENT = {
    "obtained": {"consent_position": "obtained", "consent_reason": "", "consent_reason_detail": ""},
    "refused": {
        "consent_position": "refused",
        "consent_reason": "",
        "consent_reason_detail": "She said clearly she did not want the police told.",
        "consent_discussion": "Discussed privately what would be shared and why.",
        "understanding_checked": "She repeated back in her own words what would happen.",
        "override_authorised_by": "D. Reyes, safeguarding lead",
        "override_reason": "Risk of serious harm to others living in the house.",
    },
    "not_sought": {},  # the good_values default
    "not_possible": {
        "consent_position": "not_possible",
        "consent_reason": "cannot_be_given",
        "consent_reason_detail": "Assessed as lacking capacity for this decision; best interests.",
    },
}


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make_decision_on(
    actor: Any, incident: Any, day: date, consent: str = "not_sought", **overrides: Any
) -> Any:
    from tests.disclosures.factories import make_decision

    # Today's decisions are made "a few minutes ago", never in the future, and
    # still on that day (and in that month) when the test runs just after midnight.
    now = timezone.now()
    start_of_day = timezone.make_aware(datetime.combine(day, time(0, 0)))
    decided_at = max(min(at(day), now - timedelta(minutes=40)), min(start_of_day, now))
    values: dict[str, Any] = {**CONSENT[consent], **overrides}
    values.setdefault("decided_at", decided_at)
    values.setdefault("review_date", day + timedelta(days=7))
    values.setdefault(
        "recipients",
        [
            {
                "name": "Sam Ellis",
                "role": "Duty social worker",
                "organisation": "Riverside Council Adult Safeguarding",
                "category": "la_safeguarding",
                "channel": "secure_email",
                "shared_at": min(decided_at + timedelta(minutes=30), now),
            }
        ],
    )
    return make_decision(actor, incident, **values)


@pytest.fixture
def last_quarter() -> tuple[date, date]:
    return quarter_bounds(timezone.localdate(), -1)


@pytest.fixture
def decisions(world: Any, last_quarter: tuple[date, date]) -> dict[str, Any]:
    """In last quarter: refused ×3 at home, refused ×1 at dom, not sought ×2 at
    home, obtained ×1; refused ×1 on the restricted incident; refused ×1 before
    the quarter; one refused in another organisation."""
    start, _ = last_quarter
    manager, lead = world.users["manager"], world.users["lead"]
    home_incident = world.objects["incident"]
    dom_incident = make_incident(world.users["manager_dom"], world.dom)
    made: dict[str, Any] = {
        "refused_home": [
            make_decision_on(manager, home_incident, start + timedelta(days=d), "refused")
            for d in (1, 20, 40)
        ],
        "refused_dom": [
            make_decision_on(
                world.users["manager_dom"], dom_incident, start + timedelta(days=5), "refused"
            )
        ],
        "not_sought": [
            make_decision_on(manager, home_incident, start + timedelta(days=d)) for d in (3, 30)
        ],
        "obtained": [
            make_decision_on(manager, home_incident, start + timedelta(days=9), "obtained")
        ],
        "restricted": [
            make_decision_on(
                lead, world.objects["restricted"], start + timedelta(days=12), "refused"
            )
        ],
        "before": [make_decision_on(manager, home_incident, start - timedelta(days=3), "refused")],
    }
    other_lead = world.users["outsider"]
    made["other_org"] = [
        make_decision_on(
            other_lead, world.objects["other_incident"], start + timedelta(days=2), "refused"
        )
    ]
    made["dom_incident"] = dom_incident
    return made

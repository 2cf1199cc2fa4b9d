"""Notification test data, built through the services so the rules apply."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from allegations import services as allegation_services
from incidents import services as incident_services
from tests.allegations import factories as af
from tests.factories import PersonFactory, make_incident

LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def incident(w: Any, categories: list[str], aware: datetime, **kw: Any) -> Any:
    person = PersonFactory(
        organisation=w.org, service=w.home, given_name="Edith", family_name="Marsh"
    )
    return make_incident(
        w.users["lead"],
        w.home,
        person=person,
        categories=categories,
        occurred_at=aware,
        became_aware_at=aware,
        **kw,
    )


def allegation(w: Any, inc: Any, categories: list[str], raised: datetime) -> Any:
    staff = af.make_staff(w, name="Sam Rivers")
    return af.make_allegation(
        w.users["lead"], inc, staff, categories=categories, raised_at=raised, hr_owner=w.users["hr"]
    )


def suspend(w: Any, a: Any, when: datetime) -> Any:
    return allegation_services.add_entry(
        actor=w.users["hr"],
        allegation=a,
        side_name="hr",
        kind="interim",
        text="Suspended pending investigation.",
        occurred_at=when,
        interim_measure="suspension",
    )


def grant(w: Any, inc: Any, role: str = "manager") -> None:
    inc.refresh_from_db()
    incident_services.grant_need_to_know(
        actor=w.users["lead"],
        incident=inc,
        user=w.users[role],
        reason="Registered manager",
        expected_version=inc.version,
    )


def due_map(inc: Any) -> dict[tuple[str, int | None], datetime]:
    return {(n.rule_code, n.allegation_id): n.due_at for n in inc.notifications.all()}

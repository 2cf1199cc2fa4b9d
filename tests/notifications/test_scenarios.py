"""The six seed scenarios each produce exactly the expected notifications with
the right deadlines (seed 000 examples 1–3, seed 003 examples 1–3; modelled as
in disclosures/demo.py and tests/e2e/test_disclosure_examples.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from allegations import services as allegation_services
from notifications import receivers
from notifications.models import Notification
from tests.notifications.factories import allegation, at, due_map, incident, suspend

pytestmark = pytest.mark.django_db


def test_seed_000_example_1_domestic_coercion(world: Any) -> None:
    """Domiciliary care, coercive control with injury: domestic abuse. Local
    authority (Care Act s42), CQC (reg 18(2)(e)) and police (a crime may have
    been committed). Aware Tuesday 3 March 2026 18:40, after office hours."""
    inc = incident(world, ["domestic", "psychological"], at(2026, 3, 3, 18, 40))
    assert due_map(inc) == {
        ("la_referral", None): at(2026, 3, 4, 17, 0),  # next working day, 8 working hours
        ("cqc", None): at(2026, 3, 4, 18, 40),
        ("police", None): at(2026, 3, 4, 18, 40),
    }


def test_seed_000_example_2_financial_exploitation(world: Any) -> None:
    """Supported living, missing money: financial abuse, a possible crime.
    Aware Thursday 2 April 2026 15:00: the LA clock runs over Easter."""
    inc = incident(world, ["financial"], at(2026, 4, 2, 15, 0))
    assert due_map(inc) == {
        ("la_referral", None): at(2026, 4, 7, 15, 0),
        ("cqc", None): at(2026, 4, 3, 15, 0),
        ("police", None): at(2026, 4, 3, 15, 0),
    }


def test_seed_000_example_3_rough_handling_allegation(world: Any) -> None:
    """Care home, a resident alleges rough handling by staff: physical abuse on
    the incident; the allegation needs PiPoT (14.120–14.132) and, once HR
    suspend the staff member, a DBS referral (SVGA 2006 s35)."""
    inc = incident(world, ["physical"], at(2026, 5, 11, 9, 30))
    a = allegation(world, inc, ["physical"], at(2026, 5, 11, 9, 30))
    assert due_map(inc) == {
        ("la_referral", None): at(2026, 5, 12, 9, 30),
        ("cqc", None): at(2026, 5, 12, 9, 30),
        ("police", None): at(2026, 5, 12, 9, 30),
        ("pipot", a.pk): at(2026, 5, 12, 9, 30),
    }
    suspend(world, a, at(2026, 5, 11, 16, 0))
    assert due_map(inc)[("dbs", a.pk)] == at(2026, 6, 10, 16, 0)
    assert Notification.objects.filter(incident=inc).count() == 5


def test_seed_003_example_1_family_communication(world: Any) -> None:
    """An allegation of psychological abuse the family asked about: not a crime
    category, no removal from regulated activity. LA, CQC, PiPoT only."""
    inc = incident(world, ["psychological"], at(2026, 6, 1, 11, 0))
    a = allegation(world, inc, ["psychological"], at(2026, 6, 1, 12, 0))
    assert due_map(inc) == {
        ("la_referral", None): at(2026, 6, 2, 11, 0),
        ("cqc", None): at(2026, 6, 2, 11, 0),
        ("pipot", a.pk): at(2026, 6, 2, 12, 0),
    }


def test_seed_003_example_2_potential_criminal_conduct(world: Any) -> None:
    """A neglect concern where the allegation against staff is of theft: the
    allegation says a crime may have been committed, so the police clock runs
    from when it was raised."""
    inc = incident(world, ["neglect"], at(2026, 6, 1, 11, 0))
    assert ("police", None) not in due_map(inc)
    a = allegation(world, inc, ["financial"], at(2026, 6, 3, 14, 0))
    assert due_map(inc) == {
        ("la_referral", None): at(2026, 6, 2, 11, 0),
        ("cqc", None): at(2026, 6, 2, 11, 0),
        ("police", None): at(2026, 6, 4, 14, 0),
        ("pipot", a.pk): at(2026, 6, 4, 14, 0),
    }


def test_seed_003_example_3_retrospective_audit_backfills(world: Any) -> None:
    """A past allegation, concluded substantiated, reviewed after inspection:
    the back-fill command creates what it needed, DBS from the outcome date."""
    receivers.disconnect()  # as if recorded before notifications existed
    try:
        inc = incident(world, ["physical"], at(2026, 1, 12, 10, 0))
        a = allegation(world, inc, ["physical"], at(2026, 1, 12, 10, 0))
        allegation_services.change_status(
            actor=world.users["lead"],
            allegation=a,
            to_status="concluded",
            reason="Investigation complete.",
            outcome="substantiated",
            outcome_date=date(2026, 2, 20),
        )
    finally:
        receivers.connect()
    assert not Notification.objects.filter(incident=inc).exists()
    call_command("create_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dues = due_map(inc)
    assert dues[("dbs", a.pk)] == at(2026, 3, 22, 17, 0)  # 30 days from 20 Feb, 17:00
    assert set(dues) == {
        ("la_referral", None),
        ("cqc", None),
        ("police", None),
        ("pipot", a.pk),
        ("dbs", a.pk),
    }
    # Idempotent.
    call_command("create_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.filter(incident=inc).count() == 5

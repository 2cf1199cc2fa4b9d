"""The working-hours clock: weekends and England-and-Wales bank holidays skipped."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from notifications.clocks import add_working_hours, bank_holidays, duration

LONDON = ZoneInfo("Europe/London")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_bank_holidays_match_gov_uk_2025_to_2027() -> None:
    """Source: https://www.gov.uk/bank-holidays (England and Wales)."""
    assert bank_holidays(2025) == {
        date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5),
        date(2025, 5, 26), date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26),
    }  # fmt: skip
    assert bank_holidays(2026) == {
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
    }  # fmt: skip
    assert bank_holidays(2027) == {
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    }  # fmt: skip


def test_proclaimed_days_are_included() -> None:
    assert date(2023, 5, 8) in bank_holidays(2023)
    assert date(2022, 9, 19) in bank_holidays(2022)
    assert date(2022, 5, 30) not in bank_holidays(2022)  # moved to 2 June


def test_working_hours_skip_easter_weekend() -> None:
    """Aware Thursday 15:00 before Good Friday 2026: 2 h on Thursday, then Good
    Friday, the weekend and Easter Monday are skipped; 6 h on Tuesday."""
    assert add_working_hours(at(2026, 4, 2, 15, 0), 8) == at(2026, 4, 7, 15, 0)


def test_working_hours_skip_a_plain_weekend() -> None:
    # Friday 16:30 + 8 working hours: 30 min Friday, 7 h 30 min Monday.
    assert add_working_hours(at(2026, 6, 5, 16, 30), 8) == at(2026, 6, 8, 16, 30)


def test_clock_starting_out_of_hours_starts_next_working_morning() -> None:
    # Saturday night: the clock starts Monday 09:00.
    assert add_working_hours(at(2026, 6, 6, 22, 0), 8) == at(2026, 6, 8, 17, 0)
    # Christmas 2026: Friday 25 and Monday 28 are holidays.
    assert add_working_hours(at(2026, 12, 24, 18, 0), 1) == at(2026, 12, 29, 10, 0)


def test_working_hours_across_the_clock_change() -> None:
    # BST starts Sunday 29 March 2026: working hours are local wall-clock hours.
    assert add_working_hours(at(2026, 3, 27, 16, 0), 2) == at(2026, 3, 30, 10, 0)


def test_duration_words() -> None:
    from datetime import timedelta

    assert duration(timedelta(hours=5, minutes=10)) == "5 h 10 m"
    assert duration(timedelta(days=2, hours=3)) == "2 d 3 h"

"""Deadline clocks: calendar hours, or working hours that skip evenings,
weekends and the bank holidays of England and Wales.

Bank holidays are computed here rather than taken from the ``holidays``
package: the rules are short and fixed in law (Banking and Financial Dealings
Act 1971, Schedule 1, and the Royal Proclamations that move or add a day),
computing them needs no new dependency in the lock, works for any year, and
the one-off days are a small cited table below. The result is checked against
the dates published at https://www.gov.uk/bank-holidays (tests/notifications/
test_clocks.py pins 2025 to 2027).

Working hours are 09:00 to 17:00 local time (Europe/London), Monday to Friday:
the office hours local-authority safeguarding hubs publish. A clock that
starts outside them starts at the next working hour.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from django.utils import timezone

DAY_START = time(9, 0)
DAY_END = time(17, 0)
WORKING_HOURS_PER_DAY = 8

# Days added or moved by Royal Proclamation (source: gov.uk/bank-holidays).
EXTRA_DAYS = {
    date(2020, 5, 8): "VE Day 75th anniversary (early May bank holiday moved)",
    date(2022, 6, 2): "Spring bank holiday moved (Platinum Jubilee)",
    date(2022, 6, 3): "Platinum Jubilee bank holiday",
    date(2022, 9, 19): "State funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of King Charles III",
}
# The usual days those years replaced.
MOVED_DAYS = {date(2020, 5, 4), date(2022, 5, 30)}


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in ``year``."""
    easter = easter_sunday(year)
    days = {
        easter - timedelta(days=2),  # Good Friday
        easter + timedelta(days=1),  # Easter Monday
        _first_monday(year, 5),  # early May
        _last_monday(year, 5),  # spring
        _last_monday(year, 8),  # summer
    }
    new_year = date(year, 1, 1)
    # A holiday on a weekend is replaced by the next weekday not already one.
    days.add(new_year + timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Mon 27 and Tue 28
        days |= {date(year, 12, 27), date(year, 12, 28)}
    elif christmas.weekday() == 6:  # Sunday: Mon 26 and Tue 27
        days |= {boxing, date(year, 12, 27)}
    elif christmas.weekday() == 4:  # Friday: Boxing Day (Sat) moves to Mon 28
        days |= {christmas, date(year, 12, 28)}
    else:
        days |= {christmas, boxing}
    days -= MOVED_DAYS
    days |= {d for d in EXTRA_DAYS if d.year == year}
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_hours(start: datetime, hours: int) -> datetime:
    """``start`` plus ``hours`` of working time (module doc), timezone-aware."""
    local = timezone.localtime(start)
    tz = local.tzinfo
    remaining = timedelta(hours=hours)
    day = local.date()
    # Where the clock is at the start: clamp into the working day.
    current = local
    while True:
        if is_working_day(day):
            opens = datetime.combine(day, DAY_START, tz)
            closes = datetime.combine(day, DAY_END, tz)
            current = max(current, opens)
            if current < closes:
                left_today = closes - current
                if remaining <= left_today:
                    return current + remaining
                remaining -= left_today
        day += timedelta(days=1)
        current = datetime.combine(day, DAY_START, tz)


def add_hours(start: datetime, hours: int, *, working: bool) -> datetime:
    if working:
        return add_working_hours(start, hours)
    return start + timedelta(hours=hours)


def describe(hours: int, *, working: bool) -> str:
    """ "24 calendar hours", "8 working hours (one working day)"."""
    kind = "working" if working else "calendar"
    text = f"{hours} {kind} hour{'s' if hours != 1 else ''}"
    if working and hours % WORKING_HOURS_PER_DAY == 0:
        days = hours // WORKING_HOURS_PER_DAY
        text += f" ({'one working day' if days == 1 else f'{days} working days'})"
    elif not working and hours % 24 == 0 and hours > 24:
        text += f" ({hours // 24} days)"
    return text


def duration(delta: timedelta) -> str:
    """ "5 h 10 m", "2 d 3 h": how long something took, for people."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} m"

"""What a user has to do next, gathered from every app that sets deadlines.

"My work", the home page's counts and the reminder emails all read the same
lists, so a deadline that one of them shows the others show too. The apps
that own deadlines (review points, statutory notifications, agreed actions,
pattern alerts) sit above this one, so each registers a *source* here from
its ``AppConfig.ready`` instead of being imported by the page that lists them.

A source answers for one user at one moment, through its own app's access
rules, with a fixed number of queries whatever the data size: counts capped
or exact as asked, and at most ``limit`` items of each list, soonest first.
Items carry a reference, a plain label and a deadline, never record text:
they are also what the reminder email says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import CharField, Value
from django.utils import timezone

from organisations.models import Actor
from organisations.paging import COUNT_CAP


@dataclass(frozen=True)
class WorkItem:
    key: str  # stable across runs: "notification:42" (a breach warning goes once per key)
    label: str  # what is due, in plain words: "CQC notification", "Review point"
    reference: str  # the record's reference: "SG-2026-0042", "SG-2026-0042/A1"
    url: str  # where to do it (a path, never an absolute URL)
    due_at: datetime  # the deadline, timezone-aware
    owner: str = ""  # who must do it, when it is not the user reading


@dataclass(frozen=True)
class WorkList:
    key: str  # the registry key: "reviews", "notifications", "actions", "patterns"
    title: str  # the heading on "My work": "Statutory notifications"
    overdue: Sequence[WorkItem] = field(default_factory=tuple)
    due: Sequence[WorkItem] = field(default_factory=tuple)
    overdue_count: int = 0
    due_count: int = 0
    overdue_more: bool = False  # the overdue count stopped at its cap
    due_more: bool = False
    applies: bool = True  # False: the list is not this user's at all (not shown)

    @property
    def more(self) -> bool:
        """A count stopped at its cap."""
        return self.overdue_more or self.due_more

    @property
    def empty(self) -> bool:
        return not (self.overdue_count or self.due_count)


@dataclass(frozen=True)
class Window:
    """The moment a list is drawn up for, and how far ahead "due" reaches."""

    now: datetime
    horizon: datetime  # items due after this are not listed yet
    limit: int = 10
    exact: bool = False  # exact counts (reminders) rather than capped ones (pages)


@dataclass(frozen=True)
class Firsts:
    """A list's two parts, overdue and due: the first keys of each in the
    list's order, and each one's count (capped, or exact for reminders)."""

    overdue_keys: list[Any]
    due_keys: list[Any]
    overdue_count: int
    due_count: int
    overdue_more: bool
    due_more: bool

    @property
    def keys(self) -> list[Any]:
        return [*self.overdue_keys, *self.due_keys]

    def work_list(self, key: str, title: str, items: Mapping[Any, WorkItem]) -> WorkList:
        """The list, with ``items`` (by key) of each part soonest deadline
        first, then by key: every list's order, put back here rather than
        taken from the order the union returned its rows in."""

        def ordered(keys: list[Any]) -> list[WorkItem]:
            read = [k for k in keys if k in items]
            return [items[k] for k in sorted(read, key=lambda k: (items[k].due_at, k))]

        return WorkList(
            key=key,
            title=title,
            overdue=ordered(self.overdue_keys),
            due=ordered(self.due_keys),
            overdue_count=self.overdue_count,
            due_count=self.due_count,
            overdue_more=self.overdue_more,
            due_more=self.due_more,
        )


def firsts(overdue: Any, due: Any, window: Window, order: Sequence[str]) -> Firsts:
    """Both parts of a list in one query: a UNION ALL of each part's first
    ``window.limit`` keys in ``order`` and, to count it, up to ``COUNT_CAP + 1``
    of its keys in no order (a count that stops at the cap, as
    ``organisations.paging.capped_count`` counts every page). Each read is the
    part's own queryset, so the source's access rule applies to every one.

    Not one ordered read of ``COUNT_CAP + 1`` keys per part: for a manager,
    whose rows come from two services' index ranges, that sorted every matching
    row (47 ms for review points at 100,000 incidents against 10 for the first
    ten and a count that stops at the cap, unordered). Not four queries either:
    on "My work" each query cost more in Django and on the wire than in
    PostgreSQL. Reminders (``window.exact``) count each part exactly, apart."""
    limit = max(window.limit, 0)
    tagged = {"overdue": overdue, "due": due}
    reads = []
    for part, qs in tagged.items():
        if limit:
            reads.append(_tag(qs.order_by(*order), f"{part}:first")[:limit])
        if not window.exact:
            reads.append(_tag(qs.order_by(), f"{part}:count")[: COUNT_CAP + 1])
    rows: list[tuple[str, Any]] = []
    if reads:
        rows = list(reads[0].union(*reads[1:], all=True))
    keys: dict[str, list[Any]] = {}
    for tag, pk in rows:
        keys.setdefault(tag, []).append(pk)

    def count(part: str) -> tuple[int, bool]:
        if window.exact:
            return tagged[part].count(), False
        n = len(keys.get(f"{part}:count", []))
        return min(n, COUNT_CAP), n > COUNT_CAP

    overdue_count, overdue_more = count("overdue")
    due_count, due_more = count("due")
    return Firsts(
        overdue_keys=keys.get("overdue:first", []),
        due_keys=keys.get("due:first", []),
        overdue_count=overdue_count,
        due_count=due_count,
        overdue_more=overdue_more,
        due_more=due_more,
    )


def _tag(qs: Any, tag: str) -> Any:
    """(tag, pk) rows of ``qs``: which read of ``firsts`` a key came from."""
    return qs.annotate(work_part=Value(tag, output_field=CharField())).values_list(
        "work_part", "pk"
    )


def end_of_day(day: date) -> datetime:
    """A date deadline as a moment: the end of that day, local time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


Source = Callable[[Actor, Window], WorkList]

_SOURCES: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    """Register (or re-register, idempotently) the source of one list."""
    _SOURCES[key] = source


def gather(user: Actor, window: Window) -> list[WorkList]:
    """Every registered list that applies to the user, in registration order."""
    lists = (source(user, window) for source in _SOURCES.values())
    return [w for w in lists if w.applies]

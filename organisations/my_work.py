""" "My work": one page per user of what is overdue and due, from every list
registered in ``organisations.work`` (review points, agreed actions, statutory
notifications, pattern alerts: whatever is registered), and the same counts
for the home page.

The page lists overdue items first, then due ones, each most urgent (soonest
deadline) first across lists. Each list gives at most ``PAGE`` items here;
``?list=<key>&page=<n>`` opens one list alone, a page at a time. Items are
references, labels and deadlines (no record text); each links to its record,
which logs its own view. The page logs that it was shown, with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from organisations import work
from organisations.access import require_membership
from organisations.audit import log_event
from organisations.models import Actor, Membership
from organisations.paging import page_number

HORIZON_DAYS = 14  # "due" reaches this far ahead
PAGE = 10  # items of each list on the page


@dataclass(frozen=True)
class Row:
    list_title: str
    item: work.WorkItem
    overdue: bool


@dataclass(frozen=True)
class Summary:
    overdue: int
    due: int
    more: bool  # a count stopped at its cap
    lists: tuple[work.WorkList, ...] = ()
    window: work.Window | None = None  # the moment and horizon the counts are for

    def of(self, key: str) -> work.WorkList:
        """One list's counts (the home page's panels show some of them)."""
        return next((w for w in self.lists if w.key == key), work.WorkList(key=key, title=""))

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due)


def window(*, limit: int = PAGE, exact: bool = False) -> work.Window:
    now = timezone.now()
    return work.Window(
        now=now, horizon=now + timedelta(days=HORIZON_DAYS), limit=limit, exact=exact
    )


def summary(user: Actor) -> Summary:
    """The home page's counts: the same lists, counts only."""
    counted_for = window(limit=0)
    lists = work.gather(user, counted_for)
    return Summary(
        overdue=sum(w.overdue_count for w in lists),
        due=sum(w.due_count for w in lists),
        more=any(w.more for w in lists),
        lists=tuple(lists),
        window=counted_for,
    )


def rows(lists: list[work.WorkList]) -> tuple[list[Row], list[Row]]:
    """(overdue, due) across lists, each soonest deadline first."""
    overdue = [Row(w.title, i, True) for w in lists for i in w.overdue]
    due = [Row(w.title, i, False) for w in lists for i in w.due]
    overdue.sort(key=lambda r: (r.item.due_at, r.item.key))
    due.sort(key=lambda r: (r.item.due_at, r.item.key))
    return overdue, due


def my_work(request: HttpRequest) -> HttpResponse:
    membership: Membership = require_membership(request.user)
    one = request.GET.get("list", "")
    page = min(page_number(request.GET.get("page")), 50)  # a list is not read deeper
    limit = PAGE * page if one else PAGE
    lists = work.gather(request.user, window(limit=limit))
    if one:
        lists = [w for w in lists if w.key == one]
    overdue, due = rows(lists)
    if one:
        # One list, a page of it: the soonest ``page * PAGE`` were read.
        everything = (overdue + due)[(page - 1) * PAGE : page * PAGE]
        overdue = [r for r in everything if r.overdue]
        due = [r for r in everything if not r.overdue]
    shown: dict[str, Any] = {f"{w.key}_overdue": w.overdue_count for w in lists}
    shown |= {f"{w.key}_due": w.due_count for w in lists}
    log_event("access", target=membership, view="my_work", details=shown)
    total = sum(w.overdue_count + w.due_count for w in lists)
    return render(
        request,
        "organisations/my_work.html",
        {
            "lists": lists,
            "overdue": overdue,
            "due": due,
            "one": one,
            "page": page,
            "has_next": bool(one) and total > page * PAGE,
            "horizon_days": HORIZON_DAYS,
            "per_list": PAGE,
            "empty": all(w.empty for w in lists),
        },
    )

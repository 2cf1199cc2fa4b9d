"""Reading ``?page=`` the same way on every list.

A page number comes from a URL anyone can edit. ``page_number`` turns whatever
arrives into the nearest page that can exist, so no list answers bad paging
input with an error: Django's ``Paginator.get_page`` would send ``0`` and ``-1``
to the last page, and a number past 2**63 overflows the row offset of a query.
``plain_page`` is ``Paginator.get_page`` through it; ``incidents.pagination``
uses it for the capped lists. ``capped_count`` is the one count that stops at a
cap ("100+"), for the capped lists, the home panels and every work list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

# No list is read this deep; a larger number means "the last page". Keeps the
# row offset (page × page size) far inside PostgreSQL's bigint.
MAX_PAGE = 1_000_000
_DIGITS = re.compile(r"\s*([+-]?)(\d+)\s*")


def page_number(value: Any) -> int:
    """The page a ``?page=`` value asks for, as the nearest page that can exist:
    1 for anything that is not a whole number or is below 1 (``abc``, ``0``,
    ``-1``), ``MAX_PAGE`` for anything beyond it (``2**63``, a 5,000-digit
    number); the paginator then clamps to its last page. Never an error."""
    match = _DIGITS.fullmatch(str(value)) if value is not None else None
    if match is None:
        return 1
    sign, digits = match.groups()
    if sign == "-":
        return 1
    if len(digits.lstrip("0")) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(1, int(digits)), MAX_PAGE)


def plain_page(object_list: Any, per_page: int, number: Any) -> Page:
    """Django's exactly counted ``Paginator`` page nearest to ``number``, for
    short lists whose total is worth showing."""
    return Paginator(object_list, per_page).get_page(page_number(number))


# Counts shown beside lists that are opened many times a shift (home pages,
# overdue review points, My work) stop here and say "100+": the exact figure
# would cost a count over all the rows while telling the reader nothing more
# useful. Reminders count exactly.
COUNT_CAP = 100


@dataclass(frozen=True)
class CappedCount:
    """``count`` rows, or ``cap`` and ``more`` when there are more than that."""

    count: int
    more: bool


def capped_count(object_list: Any, cap: int = COUNT_CAP) -> CappedCount:
    """How many rows, counting no further than ``cap`` (shown as "cap+"). Works
    on grouped (``values``) querysets too: the limit is applied in a subquery."""
    counted = int(object_list.order_by()[: cap + 1].count())
    return CappedCount(count=min(counted, cap), more=counted > cap)

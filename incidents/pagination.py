"""Pagination whose cost does not grow with the table.

Django's ``Paginator`` runs ``SELECT COUNT(*)`` over every matching row to say
"page 1 of 4,000", then a second query for the page. On a large organisation
that count costs more than the page itself, and with a filter both queries pay
for finding and sorting the matching rows. ``CappedPaginator`` reads, in one
ordered query, the keys of the rows up to a window beyond the page asked for
(``SELECT id ... LIMIT n``): their number is the count, and the page is then
fetched by primary key. The work is bounded by how deep the reader has gone,
not by how many records exist. When there are more rows than the window holds,
``paginator.more`` is true, the last counted page still offers "Next", and the
template says "of 40+" instead of a number.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.utils.functional import cached_property

from organisations.paging import page_number

# How many pages past the requested one are counted.
LOOKAHEAD_PAGES = 10


class CappedPage(Page):
    paginator: CappedPaginator

    def has_next(self) -> bool:
        return super().has_next() or (
            self.number == self.paginator.num_pages and self.paginator.more
        )


class CappedPaginator(Paginator):
    """For ordered querysets: pages are cut from the keys of one ordered scan."""

    def __init__(self, object_list: Any, per_page: int, *, number: Any = 1) -> None:
        super().__init__(object_list, per_page)
        requested = page_number(number)
        # The window read: from the requested page to LOOKAHEAD_PAGES beyond it.
        self.start = (requested - 1) * self.per_page
        self.cap = (requested + LOOKAHEAD_PAGES) * self.per_page
        self.more = False

    @cached_property
    def _keys(self) -> list[Any]:
        """Primary keys of the rows in the window, in the list's order."""
        rows: Any = self.object_list
        keys = rows.prefetch_related(None).values_list("pk", flat=True)
        return list(keys[self.start : self.cap + 1])

    @cached_property
    def count(self) -> int:
        if self._keys or not self.start:
            counted = self.start + len(self._keys)
        else:
            # Asked for a page past the end: count (up to the cap) to find the last.
            rows: Any = self.object_list
            counted = int(rows.order_by()[: self.cap + 1].count())
        self.more = counted > self.cap
        return min(counted, self.cap)

    def page(self, number: Any) -> CappedPage:
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page - self.start
        if offset < 0 or not self._keys:
            # Not a page of the window (the clamped last page): read it as usual.
            return super().page(number)  # type: ignore[return-value]
        keys = self._keys[offset : offset + self.per_page]
        # The same queryset (ordering, select_related, prefetches), narrowed to
        # this page's keys: a primary-key lookup rather than a second scan.
        rows: Any = self.object_list
        return self._get_page(rows.filter(pk__in=keys), number, self)

    def _get_page(self, *args: Any, **kwargs: Any) -> CappedPage:
        return CappedPage(*args, **kwargs)


def capped_page(object_list: Any, per_page: int, number: Any) -> CappedPage:
    """The page nearest to ``number`` (see ``page_number``) of ``object_list``."""
    requested = page_number(number)
    paginator = CappedPaginator(object_list, per_page, number=requested)
    try:
        return paginator.page(requested)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def first_rows(object_list: Any, limit: int) -> list[Any]:
    """The first ``limit`` rows of an ordered queryset: their keys first (a
    narrow, index-ordered read), then those rows with what they display. With
    the display joins in the first read the planner tends to join before it
    limits."""
    keys = list(object_list.prefetch_related(None).values_list("pk", flat=True)[:limit])
    return list(object_list.filter(pk__in=keys))

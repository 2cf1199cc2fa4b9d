"""Pagination whose cost does not grow with the table.

Django's ``Paginator`` runs ``SELECT COUNT(*)`` over every matching row to say
"page 1 of 4,000". On a large organisation that count costs more than the page
itself. ``CappedPaginator`` counts at most a window of rows beyond the page
asked for (``SELECT COUNT(*) FROM (... LIMIT n)``), so the work is bounded by
how deep the reader has gone, not by how many records exist. When there are
more rows than it counted, ``paginator.more`` is true, the last counted page
still offers "Next", and the template says "of 40+" instead of a number.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

# How many pages past the requested one are counted.
LOOKAHEAD_PAGES = 10


class CappedPage(Page):
    paginator: CappedPaginator

    def has_next(self) -> bool:
        return super().has_next() or (
            self.number == self.paginator.num_pages and self.paginator.more
        )


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, number: Any = 1) -> None:
        super().__init__(object_list, per_page)
        try:
            requested = max(1, int(number))
        except (TypeError, ValueError):
            requested = 1
        self.cap = (requested + LOOKAHEAD_PAGES) * self.per_page
        self.more = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        counted = int(rows[: self.cap + 1].count())
        self.more = counted > self.cap
        return min(counted, self.cap)

    def _get_page(self, *args: Any, **kwargs: Any) -> CappedPage:
        return CappedPage(*args, **kwargs)


def capped_page(object_list: Any, per_page: int, number: Any) -> CappedPage:
    """The page ``number`` (clamped like ``Paginator.get_page``) of ``object_list``."""
    paginator = CappedPaginator(object_list, per_page, number=number)
    try:
        page = paginator.page(number)
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1 if not _is_int(number) else paginator.num_pages)
    return page  # type: ignore[return-value]


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True

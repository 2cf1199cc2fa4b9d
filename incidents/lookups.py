"""``field__ilike_contains``: substring match written as ``ILIKE '%term%'``.

Django's ``icontains`` on PostgreSQL is ``UPPER(col) LIKE UPPER('%term%')``.
A trigram index can serve either, but the planner costs ``UPPER()`` as free
and on tables of tens of thousands of rows prefers a sequential scan that
upper-cases every value. ``ILIKE`` against a plain ``gin_trgm_ops`` index
(migration 0002) is chosen reliably and is cheaper when it is not.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Field, ForeignKey, Lookup


@CharField.register_lookup
class ILikeContains(Lookup):
    lookup_name = "ilike_contains"

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return ("%s", [f"%{connection.ops.prep_for_like_query(value)}%"])

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


@Field.register_lookup
class AnyOf(Lookup):
    """``field__any_of=ArraySubquery(...)``: ``field = ANY(ARRAY(SELECT …))``.

    The array is computed once (an InitPlan) and then probes the field's index,
    where ``IN (subquery)`` may be planned as a hash join over the whole table."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


ForeignKey.register_lookup(AnyOf)

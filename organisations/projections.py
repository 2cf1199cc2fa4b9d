"""Derived tables kept by database triggers, and how to prove them true.

A projection holds an answer that the records give only at a price (the
current review point of every decision, the notifications with no outcome
yet), so that lists can read it through an index. Triggers write it in the
same transaction as the records that change it; this module holds the other
half every projection needs: recomputing it from the records (after a bulk
load with triggers off, or a repair) and counting the rows where it and the
records disagree (``--check`` of its management command, a nightly guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction


@dataclass(frozen=True)
class Projection:
    table: str
    columns: str  # the stored columns, in the order ``derived`` selects them
    derived: str  # SELECT of those columns from the records themselves

    @property
    def rebuild_sql(self) -> tuple[str, str]:
        # Composed of the projection's constants only (no input reaches them).
        return (
            f"DELETE FROM {self.table}",  # noqa: S608
            f"INSERT INTO {self.table} ({self.columns}) {self.derived}",
        )

    @property
    def differences_sql(self) -> str:
        stored = f"SELECT {self.columns} FROM {self.table}"  # noqa: S608
        return (
            f"SELECT count(*) FROM (({stored} EXCEPT ALL {self.derived})"  # noqa: S608
            f" UNION ALL ({self.derived} EXCEPT ALL {stored})) AS diff"
        )

    def rebuild(self) -> None:
        """Recompute every row from the records."""
        with connection.cursor() as cur:
            for statement in self.rebuild_sql:
                cur.execute(statement)

    def differences(self) -> int:
        """How many rows disagree with the records (missing, extra or wrong): 0 when true."""
        with connection.cursor() as cur:
            cur.execute(self.differences_sql)
            row = cur.fetchone()
        return int(row[0]) if row else 0


class ProjectionCommand(BaseCommand):
    """``--check`` compares a projection with its records and exits 1 on any
    difference; without it the projection is recomputed in one transaction."""

    projection: Projection
    name = "the projection"  # "review points"
    records = "the records"  # "the decisions and their reviews"
    command = ""  # this command's name, for the message that says how to repair

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only compare; exit 1 if anything differs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            wrong = self.projection.differences()
            if wrong:
                raise CommandError(
                    f"{wrong} rows of {self.name} differ from {self.records}; "
                    f"run {self.command} to recompute them."
                )
            self.stdout.write(f"{self.name.capitalize()} match {self.records}.")
            return
        with transaction.atomic():
            self.projection.rebuild()
            wrong = self.projection.differences()
        if wrong:  # pragma: no cover - would mean the SQL disagrees with itself
            raise CommandError(f"{wrong} rows still differ after the rebuild.")
        self.stdout.write(f"{self.name.capitalize()} recomputed from {self.records}.")

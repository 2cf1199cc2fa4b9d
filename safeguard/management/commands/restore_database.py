"""``manage.py restore_database FILE``: replace the database's contents with a backup.

Stop the app servers first. The restore runs in one transaction: if anything
fails, the database is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from safeguard import backup, dbroles


class Command(BaseCommand):
    help = "Restore a backup made by backup_database over the database (all-or-nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="A .dump file written by backup_database.")
        parser.add_argument(
            "--database", default=dbroles.OWNER, help="Database alias (the owner role's)."
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(
        self, *args: Any, file: str, database: str, interactive: bool, **options: Any
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces everything in database {name!r} with {path.name}.\n"
                f"Stop the app servers first. Type the database name to continue: "
            )
            if answer.strip() != name:
                raise CommandError("Restore cancelled; nothing was changed.")
        pg_restore = backup.find_tool("pg_restore", database)
        conninfo, env = backup.conninfo(database)
        connections[database].close()  # our own session must not hold locks
        backup.run(
            pg_restore,
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={conninfo}",
                str(path),
            ],
            env,
        )
        # The dump carries no privileges (nor owners): the app role's come from the schema.
        dbroles.apply_grants(database)
        self.stdout.write(f"Restored {path} into {name} with {pg_restore}")

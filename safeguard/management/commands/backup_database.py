"""``manage.py backup_database``: a pg_dump custom-format file with a timestamped name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from safeguard import backup, dbroles


class Command(BaseCommand):
    help = "Back up the database to a pg_dump custom-format file (restore with restore_database)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output-dir", default="backups", help="Folder for the file.")
        parser.add_argument(
            "--database", default=dbroles.OWNER, help="Database alias (the owner role's)."
        )

    def handle(self, *args: Any, output_dir: str, database: str, **options: Any) -> None:
        folder = Path(output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # the file holds every record: owner only
        name = connections[database].settings_dict["NAME"]
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        target = folder / f"safeguard-{name}-{stamp}.dump"
        partial = target.with_suffix(".dump.partial")
        pg_dump = backup.find_tool("pg_dump", database)
        pg_restore = backup.find_tool("pg_restore", database)
        conninfo, env = backup.conninfo(database)
        # Created owner-only before pg_dump writes a byte.
        partial.touch(mode=0o600)
        try:
            backup.run(
                pg_dump, ["--format=custom", f"--file={partial}", f"--dbname={conninfo}"], env
            )
            # A file pg_restore cannot read is not a backup: check before naming it one.
            backup.run(pg_restore, ["--list", str(partial)], env)
        except (CommandError, OSError):
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)
        self.stdout.write(f"Backed up {name} with {pg_dump} to {target}")

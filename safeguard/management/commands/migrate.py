"""``manage.py migrate`` as the owner role, then the app role's grants re-applied.

Django's own command, run on the owner alias (DATABASE_OWNER_URL) whatever
``--database`` names for this database, followed by
:func:`safeguard.dbroles.apply_grants`, so a new table is usable by the app
and an append-only one never writable by it (safeguard/dbroles.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as MigrateCommand

from safeguard import dbroles


class Command(MigrateCommand):
    help = MigrateCommand.help + " Runs as the owner role and then grants the app role its rights."

    def handle(self, *args: Any, **options: Any) -> None:
        options["database"] = dbroles.owner_alias(options["database"])
        with dbroles.migrating(options["database"]):
            super().handle(*args, **options)
        if options["plan"] or options["check_unapplied"]:
            return
        granted = dbroles.apply_grants(options["database"])
        if granted is not None and options["verbosity"] >= 1:
            self.stdout.write(
                f"Granted the app role {dbroles.app_role(options['database'])} its rights on "
                f"{len(granted)} tables."
            )

"""``manage.py flush`` as the owner role.

The app role may not TRUNCATE (safeguard/dbroles.py), so emptying the app's
database is done through a connection of the owner alias; post_migrate then
runs as usual. Django's test harness flushes this way between transactional
tests. On a production database the audit log still refuses TRUNCATE even
from its owner (audits migration 0003).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.management.commands.flush import Command as FlushCommand
from django.core.management.sql import emit_post_migrate_signal, sql_flush
from django.db import connections

from safeguard import dbroles


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        owner = dbroles.owner_alias(database)
        if owner == database or dbroles.app_role(owner) is None:
            super().handle(**options)
            return
        if options["interactive"]:
            name = connections[database].settings_dict["NAME"]
            answer = input(
                f"This empties every table of the {name!r} database.\n"
                "Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
        # A connection of its own: in a test, the registered owner connection may
        # be closed to queries while the app's is not.
        connection = connections.create_connection(owner)
        self.style = no_style()
        try:
            statements = sql_flush(
                self.style,
                connection,
                reset_sequences=options.get("reset_sequences", True),
                allow_cascade=options.get("allow_cascade", False),
            )
            connection.set_autocommit(False)
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            connection.commit()
        except Exception as exc:
            name = connection.settings_dict["NAME"]
            raise CommandError(f"Database {name} couldn't be flushed.") from exc
        finally:
            connection.close()
        if statements and not options.get("inhibit_post_migrate", False):
            emit_post_migrate_signal(options["verbosity"], options["interactive"], database)

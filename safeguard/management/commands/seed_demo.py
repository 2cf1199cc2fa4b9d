"""Load the demo organisation once (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from incidents import demo
from organisations.audit import UnknownActor, command_actor


class Command(BaseCommand):
    help = "Create demo data (development only) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--actor", default="", help="Username the audit trail records (default: system)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            audit_context = command_actor("seed_demo", options["actor"] or None)
        except UnknownActor as exc:
            raise CommandError(str(exc)) from exc
        with audit_context, transaction.atomic():
            ctx = demo.build()
            if ctx is not None:
                # Later apps add their part of the story to the same incidents.
                for extend in demo_extensions():
                    extend(ctx)
        if ctx is None:
            self.stdout.write("Demo data already present; nothing added.")
        else:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write("")
        self.stdout.write("Demo logins (development only), password for all: " + demo.DEMO_PASSWORD)
        for username, given, family, role, _title in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<9} {given} {family} ({role.label})")


def demo_extensions() -> list[Any]:
    """Each app that has a demo story contributes a ``demo.extend(ctx)``."""
    import importlib

    extensions = []
    for app in ("disclosures", "allegations", "notifications", "chronology", "audits"):
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        extensions.append(module.extend)
    return extensions

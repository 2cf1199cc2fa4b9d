"""Load the demo organisation once (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from incidents import demo


class Command(BaseCommand):
    help = "Create demo data (development only) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
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
    for app in ("disclosures", "allegations", "chronology", "audits"):
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        extensions.append(module.extend)
    return extensions

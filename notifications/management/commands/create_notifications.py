"""Create the notifications that records made before notifications existed
need (idempotent: run it again and nothing changes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications import services
from organisations.audit import command_actor
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Create the statutory notifications existing incidents and allegations need."

    def handle(self, *args: Any, **options: Any) -> None:
        with command_actor("create_notifications", ""):
            for organisation in Organisation.objects.order_by("pk"):
                total = services.ensure_for_organisation(organisation)
                self.stdout.write(f"{organisation.name}: {total} notifications")

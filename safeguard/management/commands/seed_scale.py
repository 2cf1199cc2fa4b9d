"""Generate a large, realistic data set quickly (for the benchmark, not for demos)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard import scale


class Command(BaseCommand):
    help = (
        "Generate N incidents with their organisations, services, users, adults at risk, "
        "chronology entries and audit entries, streamed in with COPY. Adds to what is in the "
        "database; run it on a database of its own (make bench does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incidents", type=int, default=100_000)
        parser.add_argument("--detail-entries", type=int, default=200)
        parser.add_argument("--pdf-entries", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument(
            "--manifest",
            action="store_true",
            help="Store the manifest (size, fixtures) as the database's comment, for reuse.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["incidents"] < 2:
            raise CommandError("--incidents must be at least 2.")
        started = time.monotonic()
        manifest = scale.build(
            incidents=options["incidents"],
            detail_entries=options["detail_entries"],
            pdf_entries=options["pdf_entries"],
            seed=options["seed"],
            log=self.stdout.write,
        )
        manifest["seconds"] = round(time.monotonic() - started, 1)
        if options["manifest"]:
            scale.store_manifest(manifest)
        self.stdout.write(
            self.style.SUCCESS(
                f"{manifest['incidents']:,} incidents, {manifest['rows']:,} rows "
                f"in {manifest['seconds']} s."
            )
        )
        self.stdout.write(json.dumps(manifest["fixtures"]))

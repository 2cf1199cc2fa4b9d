"""Check a PDF against the export register: ``manage.py verify_export FILE``.

Exit status 0 when the file is, byte for byte, a registered export and its
signature (if it has one) is intact; 1 otherwise. Every check is logged in the
register's verification history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chronology import services
from chronology.models import SignatureStatus


class Command(BaseCommand):
    help = "Say whether a PDF file is exactly one of the chronology exports in the register."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="The PDF file to check.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        attempt = services.verify_pdf(actor=None, data=data, via="command")
        self.stdout.write(f"SHA-256 {attempt.sha256}")
        self.stdout.write(f"Signature: {SignatureStatus(attempt.signature).label}")
        export = attempt.matched
        if export is None:
            self.stdout.write(self.style.ERROR("NO MATCH: this file is not any registered export."))
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"MATCH: export {export.public_id} of {export.incident.reference}, made "
                f"{export.requested_at:%Y-%m-%d %H:%M} UTC by "
                f"{export.requested_by.get_full_name() or export.requested_by.get_username()} "
                f"for {export.recipient_name}, {export.recipient_organisation} "
                f"({export.get_profile_display()}); {export.page_count} pages."
            )
        )
        if attempt.signature not in (SignatureStatus.INTACT, SignatureStatus.UNSIGNED):
            # A registered file whose signature fails: the register itself is suspect.
            self.stdout.write(self.style.ERROR("SIGNATURE CHECK FAILED."))
            raise SystemExit(1)

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage


class ChronologyConfig(AppConfig):
    name = "chronology"
    verbose_name = "Timeline, exports and verification"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from chronology import models

        # The PDF bytes are described by their hash in the log, never copied.
        auditlog.register(models.ChronologyExport, exclude_fields=["pdf", "progress"])
        auditlog.register(models.VerificationAttempt)

        from django.core import checks

        checks.register(check_signing_certificate, checks.Tags.security, deploy=True)


def check_signing_certificate(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """``check --deploy``: the signing certificate loads (chronology/signing.py)."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    from chronology import signing

    try:
        who = signing.identity()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="chronology.E001")]
    from django.conf import settings

    found: list[CheckMessage] = []
    if who.development:
        found.append(
            checks.Warning(
                "Exports are signed with the self-signed development certificate.",
                hint="Set SAFEGUARD_SIGNING_PKCS12 and SAFEGUARD_SIGNING_PASSPHRASE.",
                id="chronology.W001",
            )
        )
    if not getattr(settings, "SAFEGUARD_PUBLIC_URL", ""):
        # Without it an export made outside a request (a command, a re-run task)
        # can only print the check page's path on its cover, not its address.
        found.append(
            checks.Warning(
                "SAFEGUARD_PUBLIC_URL is not set: covers of exports made outside a web "
                "request cannot give the public check page's full address.",
                hint="Set SAFEGUARD_PUBLIC_URL=https://<your host>.",
                id="chronology.W002",
            )
        )
    return found

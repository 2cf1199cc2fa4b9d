from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "chronology"
    verbose_name = "Timeline, exports and verification"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from chronology import models

        # The PDF bytes are described by their hash in the log, never copied.
        auditlog.register(models.ChronologyExport, exclude_fields=["pdf", "progress"])
        auditlog.register(models.VerificationAttempt)

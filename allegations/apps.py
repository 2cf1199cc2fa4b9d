from django.apps import AppConfig


class AllegationsConfig(AppConfig):
    name = "allegations"
    verbose_name = "Allegations against staff"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from allegations import models

        for model in (
            models.StaffMember,
            models.AllegationTransition,
            models.Referral,
            models.SideStatusChange,
            models.SafeguardingEntry,
            models.HREntry,
            models.SafeguardingDecision,
            models.HRDecision,
            models.SafeguardingAmendment,
            models.HRAmendment,
            models.RetentionReview,
        ):
            auditlog.register(model)
        auditlog.register(models.Allegation)
        auditlog.register(models.SafeguardingRecord, exclude_fields=["version"])
        auditlog.register(models.HRRecord, exclude_fields=["version"])

from django.apps import AppConfig


class AllegationsConfig(AppConfig):
    name = "allegations"
    verbose_name = "Allegations against staff"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from allegations import models, references
        from incidents import references as incident_references

        incident_references.register(references.references_for_viewer)

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
            models.StaffSourceOfHarm,
            models.SafeguardingRecordEvidence,
        ):
            auditlog.register(model)
        auditlog.register(models.Allegation)
        auditlog.register(models.SafeguardingRecord, exclude_fields=["version"])
        auditlog.register(models.HRRecord, exclude_fields=["version"])

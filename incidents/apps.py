from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents and chronology"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from incidents import models

        # Narrative fields are fingerprinted by the audit model, never copied.
        auditlog.register(models.Person)
        auditlog.register(models.Incident, exclude_fields=["version"])
        auditlog.register(models.StatusTransition)
        auditlog.register(models.ChronologyEntry)
        auditlog.register(models.ChronologyAmendment)
        auditlog.register(models.NeedToKnowGrant)
        auditlog.register(models.IncidentExclusion)
        auditlog.register(models.RecordFinding)
        auditlog.register(models.LinkedPerson)
        auditlog.register(models.PersonLink)
        auditlog.register(models.EntryPresence)
        auditlog.register(models.EvidenceFile)
        auditlog.register(models.BodyMapMark)
        auditlog.register(models.IncidentSubmission)
        auditlog.register(models.PriorConcernAcknowledgement)
        auditlog.register(models.PriorConcernShown)
        auditlog.register(models.PatternSettings)
        auditlog.register(models.PatternAlertReview)
        auditlog.register(models.PatternAlertReviewIncident)

        from incidents import alerts
        from organisations import work

        work.register("patterns", alerts.work_source)

from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "disclosures"
    verbose_name = "Disclosure decisions"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from disclosures import models, work
        from organisations import work as registry

        auditlog.register(models.DisclosureDecision)
        auditlog.register(models.Recipient)
        auditlog.register(models.Consultation)
        auditlog.register(models.DecisionAmendment)
        auditlog.register(models.DecisionReview)
        auditlog.register(models.QualityFinding)
        auditlog.register(models.DecisionEvidence)
        auditlog.register(models.EscalationCondition)
        auditlog.register(models.EscalationCheck)
        # "My work", the home page's counts and reminders (organisations/work.py).
        registry.register("reviews", work.reviews)

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from organisations import models

        # Who belongs where in which role is itself an access decision.
        auditlog.register(models.Organisation)
        auditlog.register(models.Service)
        auditlog.register(models.Membership, m2m_fields={"services"})

        from organisations import mfa

        mfa.connect_signals()

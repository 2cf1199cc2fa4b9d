from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from organisations import models

        auditlog.register(models.Service)
        auditlog.register(models.Membership, m2m_fields={"services"})

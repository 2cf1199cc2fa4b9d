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
        # Separation of duties: every request, decision and sign-in link is on the trail
        # (the link's secret hash is not; it is useless without the secret anyway).
        auditlog.register(models.RoleRequest)
        auditlog.register(models.SignInLink, exclude_fields=["secret_hash"])

        from organisations import mfa, request_memo

        mfa.connect_signals()
        request_memo.connect()

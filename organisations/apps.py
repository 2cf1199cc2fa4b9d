from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from organisations import mfa

        mfa.connect_signals()

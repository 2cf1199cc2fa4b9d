from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Statutory notifications"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from incidents import references as incident_references
        from notifications import models, panels, receivers, work
        from organisations import panels as page_panels
        from organisations import work as work_registry

        receivers.connect()
        auditlog.register(models.Notification)
        auditlog.register(models.NotificationOutcome)
        auditlog.register(models.RuleOverride)
        incident_references.register(panels.references_for_viewer)
        page_panels.register("incident", "notifications", panels.incident_panel)
        page_panels.register("allegation", "notifications", panels.allegation_panel)
        work_registry.register("notifications", work.notifications_source)

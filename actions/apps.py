from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Agreed actions"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from actions import models, panels, work
        from organisations import panels as record_panels
        from organisations import work as registry

        auditlog.register(models.Action)
        auditlog.register(models.ActionCompletion)
        registry.register("actions", work.actions)
        record_panels.register("disclosure_decision", "actions", panels.decision_panel)
        record_panels.register("chronology_entry", "actions", panels.entry_link)
        record_panels.register(
            "safeguarding_decision", "actions", panels.safeguarding_decision_link
        )
        record_panels.register("hr_decision", "actions", panels.hr_decision_link)

from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audit trail and record-quality audits"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from auditlog.signals import accessed, pre_log
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from actions import access as action_access
        from actions import services as action_services
        from audits import access, receivers, timeline
        from audits.quality import services as quality_services

        timeline.register()
        # Quality-audit findings are a source of agreed actions (actions/access.py).
        action_access.register_source("audit", access.audit_action_rule, access.audit_action_link)
        action_services.on_reassign(quality_services.carry_finding)

        accessed.connect(receivers.record_access, dispatch_uid="audits.record_access")
        pre_log.connect(receivers.silence_auditlog_access, dispatch_uid="audits.silence_access")
        user_logged_in.connect(receivers.record_login, dispatch_uid="audits.login")
        user_logged_out.connect(receivers.record_logout, dispatch_uid="audits.logout")
        user_login_failed.connect(receivers.record_login_failed, dispatch_uid="audits.login_failed")
        # Accounts: who was created, deactivated, renamed. last_login changes on
        # every login and is covered by the login entries; a password hash says
        # nothing an inspector needs.
        auditlog.register(get_user_model(), exclude_fields=["last_login", "password"])

"""Signal receivers that feed the audit trail.

- ``accessed`` (sent by ``organisations.audit.log_access``): one ACCESS entry
  carrying the view name, for any model, registered with auditlog or not.
  auditlog's own access receiver is silenced through ``pre_log`` so that each
  view is logged exactly once.
- Logins, logouts and failed logins.
"""

from __future__ import annotations

from typing import Any

from auditlog import get_logentry_model
from django.contrib.auth import get_user_model

from audits.redaction import fingerprint
from organisations.audit import log_event
from organisations.models import Actor


def record_access(sender: Any, instance: Any, view: str = "", **kwargs: Any) -> None:
    if getattr(instance, "pk", None) is None:
        return
    get_logentry_model().objects.log_access(instance, view=view or "unspecified")


def silence_auditlog_access(sender: Any, instance: Any, action: int, **kwargs: Any) -> Any:
    if action == get_logentry_model().Action.ACCESS:
        return False
    return None


def record_login(sender: Any, request: Any, user: Actor, **kwargs: Any) -> None:
    log_event("login", target=user, actor=user, view="login")


def record_logout(sender: Any, request: Any, user: Actor, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        log_event("logout", target=user, actor=user, view="logout")


def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD, "") or credentials.get("username", ""))
    user = (
        User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if username
        else None
    )
    if user is not None:
        log_event("login_failed", target=user, view="login")
    else:
        # Someone may type a password into the username box: keep a fingerprint only.
        log_event(
            "login_failed",
            target=User,
            view="login",
            details={"username_fingerprint": fingerprint(username) if username else ""},
        )

"""The one call views make to put a view of a record into the audit trail.

It goes through django-auditlog's ``accessed`` signal, so apps depend on the
library, not on the ``audits`` app that stores and chains the entries.
"""

from __future__ import annotations

from typing import Any

from auditlog.signals import accessed


def log_access(obj: Any, *, view: str) -> None:
    """Record that the current user (from the request context) opened ``obj``
    through ``view`` (e.g. "incident", "register", "export")."""
    accessed.send(sender=type(obj), instance=obj, view=view)

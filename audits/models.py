"""The audit trail: django-auditlog entries stored in our own table."""

from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django.db import models


class AuditEntry(AbstractLogEntry):
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"


# Record-quality audits live in their own module (audits/quality/models.py).
from audits.quality.models import *  # noqa: E402, F403

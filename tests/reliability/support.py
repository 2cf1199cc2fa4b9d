"""Fixtures for tests that need committed data (other connections must see it)."""

from __future__ import annotations

import pytest
from django.conf import settings

# Committed-data tests flush the database afterwards. ``available_apps`` makes
# that flush TRUNCATE ... CASCADE, which the table django-auditlog's own
# migration creates (unused: we swap in audits.AuditEntry) needs.
committed_db = pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))

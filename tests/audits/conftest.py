"""Helpers for audit-trail tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from audits.models import AuditEntry


def entries_for(obj: Any, **filters: Any) -> Any:
    return AuditEntry.objects.get_for_object(obj).filter(**filters).order_by("id")


def whole_log_as_text() -> str:
    """Every column of every audit row (and chain link), as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM audits_auditentry t")
        rows = [r[0] for r in cursor.fetchall()]
        cursor.execute("SET CONSTRAINTS audits_chain_on_commit IMMEDIATE")
        cursor.execute("SELECT t::text FROM audits_chainlink t")
        rows += [r[0] for r in cursor.fetchall()]
    return "\n".join(rows)


class TriggersOff:
    """Tamper as a superuser would: with every trigger (and FK check) off."""

    def __enter__(self) -> Any:
        self.cursor = connection.cursor()
        self.cursor.execute("SET CONSTRAINTS audits_chain_on_commit IMMEDIATE")
        self.cursor.execute("SET LOCAL session_replication_role = replica")
        return self.cursor

    def __exit__(self, *exc: Any) -> None:
        self.cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        self.cursor.close()


@pytest.fixture
def triggers_off() -> Any:
    return TriggersOff

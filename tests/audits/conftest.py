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
    """Tamper as the tables' owner could: with the audit tables' own triggers off
    (append-only and chaining; foreign keys still hold). Only the owner may: a
    test using ``triggers_off`` runs as the owner role (tests/conftest.py), the
    app role is refused (tests/security/test_database_roles.py). The test's
    transaction rolls the change back."""

    TABLES = ("audits_auditentry", "audits_chainlink")

    def __enter__(self) -> Any:
        self.cursor = connection.cursor()
        self.cursor.execute(
            "SELECT count(*) FROM pg_trigger "
            "WHERE tgname LIKE 'pgtrigger_audit_entry_append_only%' AND tgenabled = 'D'"
        )
        if not self.cursor.fetchone()[0]:
            # ALTER TABLE refuses while trigger events are pending: fire them now.
            self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.TABLES:
                self.cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return self.cursor

    def __exit__(self, *exc: Any) -> None:
        self.cursor.close()


@pytest.fixture
def triggers_off() -> Any:
    return TriggersOff

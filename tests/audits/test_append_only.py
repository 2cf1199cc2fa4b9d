"""The database refuses UPDATE, DELETE and TRUNCATE on the audit log: the app
role by its privileges (it has neither UPDATE, DELETE nor TRUNCATE), and
everybody by the tables' triggers (the owner's side: test_database_roles)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audits.models import AuditEntry


@pytest.fixture
def entry(world):
    return AuditEntry.objects.order_by("id").first()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audits_auditentry SET view = 'x'",
        "DELETE FROM audits_auditentry",
        "TRUNCATE audits_auditentry CASCADE",
        "UPDATE audits_chainlink SET hash = 'x'",
        "DELETE FROM audits_chainlink",
        "TRUNCATE audits_chainlink",
    ],
)
def test_plain_sql_is_refused(entry, sql):
    with connection.cursor() as cursor:
        # TRUNCATE cannot run with deferred checks pending in the test's transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Not the test harness's session setting: as in production.
        cursor.execute("SET LOCAL safeguard.allow_audit_truncate = 'off'")
        with (
            pytest.raises(DatabaseError, match=r"append-only|permission denied"),
            transaction.atomic(),
        ):
            cursor.execute(sql)
        cursor.execute("SELECT count(*) FROM audits_auditentry")
        assert cursor.fetchone()[0] > 0


def test_truncate_needs_a_test_database_as_well_as_the_setting(entry):
    """The escape hatch for the test harness is not open in a production-named database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = 'audits_auditentry'::regclass "
            "AND t.tgname LIKE 'pgtrigger_audit_entry_no_truncate_%'"
        )
        source = cursor.fetchone()[0]
    assert "current_database() LIKE 'test\\_%'" in source


def test_the_orm_cannot_rewrite_or_delete(entry):
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(view="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

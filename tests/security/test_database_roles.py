"""Finding 6 (issue 17): the app connects as a role that owns nothing, so the
database itself refuses to switch the append-only rules off; migrations run as
the owner, which the triggers still refuse to rewrite history.

These fail when the split is removed (one role for the app and migrations, as
with a bare superuser DATABASE_URL): run the suite through ``make test`` or
``.ci/run``, or set DATABASE_OWNER_URL (README, docs/deployment.md).
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

from safeguard import dbroles

both_roles = pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, dbroles.OWNER])

APPEND_ONLY = ["audits_auditentry", "incidents_chronologyentry", "disclosures_disclosuredecision"]

REFUSED_TO_THE_APP = [
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "ALTER TABLE {table} DISABLE TRIGGER USER",
    "SET session_replication_role = replica",
    "SET LOCAL session_replication_role = replica",
    "TRUNCATE {table} CASCADE",
    "DROP TABLE {table} CASCADE",
    "ALTER TABLE {table} OWNER TO CURRENT_USER",
    "CREATE TABLE safeguard_probe (id int)",
]


def _one(cursor: Any, sql: str, params: Any = None) -> Any:
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return row[0]


def test_the_app_and_the_owner_are_different_roles(db: Any) -> None:
    app = connection.settings_dict["USER"]
    owner = connections[dbroles.OWNER].settings_dict["USER"]
    assert app and owner and app != owner, (
        "The app connects as the owner: set DATABASE_OWNER_URL (docs/deployment.md)."
    )
    assert dbroles.app_role() == app


def test_the_app_role_owns_nothing_and_has_no_powers(db: Any) -> None:
    with connection.cursor() as cursor:
        assert _one(cursor, "SELECT current_user") == connection.settings_dict["USER"]
        powers = "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls"
        assert _one(cursor, f"{powers} FROM pg_roles WHERE rolname = current_user") is False
        owned = _one(
            cursor,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user)",
        )
        assert owned == 0
        assert _one(cursor, "SELECT has_schema_privilege(current_schema(), 'CREATE')") is False


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("statement", REFUSED_TO_THE_APP)
def test_the_app_role_is_refused(world: Any, statement: str, table: str) -> None:
    with connection.cursor() as cursor:
        # TRUNCATE and ALTER TABLE wait for nothing pending in the test's transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        assert _one(cursor, f"SELECT count(*) FROM {table}") > 0 or table != "audits_auditentry"
        refused = pytest.raises(DatabaseError, match=r"must be owner|permission denied")
        with refused, transaction.atomic():
            cursor.execute(statement.format(table=table))
        assert _one(cursor, "SHOW session_replication_role") == "origin"


def test_the_app_may_add_but_not_rewrite_append_only_rows(world: Any) -> None:
    with connection.cursor() as cursor:
        for table in APPEND_ONLY:
            for privilege, allowed in (
                ("SELECT", True),
                ("INSERT", True),
                ("UPDATE", False),
                ("DELETE", False),
                ("TRUNCATE", False),
            ):
                has = _one(cursor, "SELECT has_table_privilege(%s, %s)", [table, privilege])
                assert has is allowed, (table, privilege)
        # Mutable tables keep what the app needs: sessions, the task queue, status.
        for table, privilege in (
            ("django_session", "DELETE"),
            ("django_tasks_database_dbtaskresult", "UPDATE"),
            ("organisations_membership", "UPDATE"),
            ("incidents_incident", "UPDATE"),
        ):
            assert _one(cursor, "SELECT has_table_privilege(%s, %s)", [table, privilege])
        assert not _one(cursor, "SELECT has_table_privilege('incidents_incident', 'DELETE')")
        assert not _one(cursor, "SELECT has_table_privilege('django_migrations', 'INSERT')")


def test_privileges_follow_the_triggers(db: Any) -> None:
    with connection.cursor() as cursor:
        privileges = dbroles.table_privileges(cursor)
    assert privileges["incidents_chronologyentry"] == ["SELECT", "INSERT"]
    assert privileges["audits_chainlink"] == ["SELECT", "INSERT"]
    # Only a conditional trigger on UPDATE (facts read-only, status may move).
    assert privileges["incidents_incident"] == ["SELECT", "INSERT", "UPDATE"]
    assert privileges["django_session"] == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert privileges["django_migrations"] == ["SELECT"]


@both_roles
def test_the_owner_migrates_and_re_grants(world: Any) -> None:
    out = StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    assert f"Granted the app role {connection.settings_dict['USER']}" in out.getvalue()
    with connections[dbroles.OWNER].cursor() as cursor:
        assert _one(cursor, "SELECT current_user") != connection.settings_dict["USER"]
        # What a migration does: the owner may change the schema (rolled back).
        with transaction.atomic(using=dbroles.OWNER):
            cursor.execute("CREATE TABLE safeguard_probe (id int)")
            cursor.execute("ALTER TABLE incidents_chronologyentry DISABLE TRIGGER USER")
            transaction.set_rollback(True, using=dbroles.OWNER)


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, dbroles.OWNER])
def test_the_owner_is_still_refused_by_the_triggers(world: Any) -> None:
    """Defence in depth: rows the app may not rewrite, the owner may not either
    (short of switching the triggers off, which leaves a broken audit chain)."""
    with connection.cursor() as cursor:
        tables = [t for t, p in dbroles.table_privileges(cursor).items() if "UPDATE" not in p]
    tried = []
    with connections[dbroles.OWNER].cursor() as cursor:
        for table in sorted(set(tables) - dbroles.OWNER_WRITES - dbroles.ADD_ONLY):
            if not _one(cursor, f'SELECT count(*) FROM "{table}"'):
                continue
            for statement in (f'UPDATE "{table}" SET id = id', f'DELETE FROM "{table}"'):
                column_id = "seq" if table == "audits_chainlink" else "id"
                statement = statement.replace("id = id", f"{column_id} = {column_id}")
                refused = pytest.raises(DatabaseError, match=r"(?i)append-only|cannot")
                with refused, transaction.atomic(using=dbroles.OWNER):
                    cursor.execute(statement)
            tried.append(table)
        # Nor may the owner empty the audit log (the test harness's flush aside).
        for table in ("audits_auditentry", "audits_chainlink"):
            refused = pytest.raises(DatabaseError, match="append-only")
            with refused, transaction.atomic(using=dbroles.OWNER):
                cursor.execute("SET LOCAL safeguard.allow_audit_truncate = 'off'")
                cursor.execute(f"TRUNCATE {table} CASCADE")
    assert {"audits_auditentry", "audits_chainlink", "incidents_statustransition"} <= set(tried)

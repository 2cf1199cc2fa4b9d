"""Backup and restore round trips: every table's rows come back, the audit
trail byte for byte, and the append-only triggers with them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections

from safeguard import backup, dbroles
from tests.reliability import world as scenario
from tests.reliability.private_postgres import PrivatePostgres
from tests.reliability.support import (
    app_env,
    database_url,
    manage,
    run_module,
    verify_audit_chain,
)

pytestmark = pytest.mark.reliability

AUDIT_DIGEST = "SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM audits_auditentry a"


def snapshot(url: str) -> dict[str, Any]:
    """Row counts of every table, plus a digest of the whole audit trail."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        digest = conn.execute(AUDIT_DIGEST).fetchone()[0]
    return {"counts": counts, "audit": digest}


def assert_restored(source: dict[str, Any], restored: dict[str, Any], restored_url: str) -> None:
    assert restored == source
    assert source["counts"]["incidents_chronologyentry"] > 0
    assert source["counts"]["disclosures_disclosuredecision"] > 0
    assert source["counts"]["disclosures_recipient"] > 0
    assert source["counts"]["audits_auditentry"] > 0
    # The append-only rules came back too: the restored copy refuses edits.
    with psycopg.connect(restored_url) as conn, pytest.raises(psycopg.Error):
        conn.execute("UPDATE incidents_chronologyentry SET facts = 'changed'")


def check_chain(env: dict[str, str]) -> None:
    chain = verify_audit_chain(env)
    assert chain.returncode == 0, chain.stdout.decode() + chain.stderr.decode()


@pytest.mark.django_db(
    transaction=True,
    available_apps=list(settings.INSTALLED_APPS),
    databases=[DEFAULT_DB_ALIAS, dbroles.OWNER],
)
def test_round_trip_of_the_test_database(tmp_path: Path) -> None:
    scenario.build(2)
    source_url = database_url(connection.settings_dict)
    call_command("backup_database", output_dir=str(tmp_path))
    (dump,) = tmp_path.glob("safeguard-*.dump")
    assert dump.stat().st_mode & 0o077 == 0, "a backup must be readable by its owner only"

    restored_name = f"{connection.settings_dict['NAME']}_restored"
    # The owner role creates databases and restores; the app role may do neither.
    owner = connections[dbroles.OWNER].settings_dict
    admin_url = database_url({**owner, "NAME": "postgres"})
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restored_url = database_url({**owner, "NAME": restored_name})
        env = app_env(restored_url)
        manage(env, "restore_database", "--noinput", str(dump))
        assert_restored(snapshot(source_url), snapshot(restored_url), restored_url)
        check_chain(env)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')


def test_round_trip_on_the_embedded_postgresql_16(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    source = app_env(private_postgres.create_database("sg_backup_source"))
    json.loads(run_module(source, "build", "2"))
    out = manage(source, "backup_database", "--output-dir", str(tmp_path))
    (dump,) = tmp_path.glob("safeguard-*.dump")
    # The machine may have older client tools; the one matching the server is used.
    used = Path(re.search(r" with (\S+) to ", out).group(1))
    assert backup.tool_versions("pg_dump")[used] == 16

    restored_url = private_postgres.create_database("sg_backup_restored")
    restored = app_env(restored_url)
    manage(restored, "restore_database", "--noinput", str(dump))
    assert_restored(snapshot(source["DATABASE_URL"]), snapshot(restored_url), restored_url)
    check_chain(restored)
    # Restoring again over a populated database replaces it, still whole.
    manage(restored, "restore_database", "--noinput", str(dump))
    assert snapshot(restored_url) == snapshot(source["DATABASE_URL"])


def test_client_tools_are_matched_to_the_server() -> None:
    v15, v16, v17 = Path("/pg15/pg_dump"), Path("/pg16/pg_dump"), Path("/pg17/pg_dump")
    found = {v15: 15, v17: 17, v16: 16}
    assert backup.choose_tool("pg_dump", found, 16) == v16
    assert backup.choose_tool("pg_dump", found, 15) == v15
    assert backup.choose_tool("pg_dump", found, 14) == v15  # oldest newer one
    with pytest.raises(CommandError, match="PostgreSQL 18 client tools"):
        backup.choose_tool("pg_dump", found, 18)


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_database", str(tmp_path / "nope.dump"), interactive=False)

"""Two database roles: the owner (migrations, backups) and the app (everything else).

The app connects (``DATABASE_URL``) as a role that owns nothing. It may read
every table and add rows; it may change or remove rows only where the schema
lets rows change. It cannot ``ALTER TABLE ... DISABLE TRIGGER``,
``SET session_replication_role`` or ``TRUNCATE``, so the append-only triggers
hold against it. The owner (``DATABASE_OWNER_URL``, the ``owner`` alias) owns
the tables, runs ``migrate`` and, after each, :func:`grant_app_privileges`.

What the app may do to a table is read from the schema itself: a table with an
unconditional ``BEFORE ... FOR EACH ROW`` trigger on UPDATE (or DELETE) refuses
that operation to everybody, so the app is not granted it either (pgtrigger's
``Protect``, the audit log's own triggers). Conditional triggers (``ReadOnly``
on some fields, "frozen once done") leave UPDATE granted. A new append-only
model therefore needs nothing here.

Run as a program it sets the split up on a development or CI server, given a
superuser's ``DATABASE_URL`` naming the database (docs/deployment.md):
``python -m safeguard.dbroles exec -- manage.py migrate`` creates (or checks)
``<database>_owner`` and ``<database>_app``, makes the owner own the database
and its objects, and runs the command with ``DATABASE_URL`` (app) and
``DATABASE_OWNER_URL`` (owner). With ``DATABASE_OWNER_URL`` already set, or
``DATABASE_URL`` unset (the embedded server splits itself), it just runs it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

OWNER = "owner"  # the DATABASES alias of the owner role

# Tables written only by the owner (migrate), read by the app.
OWNER_WRITES = {"django_migrations"}
# Registries the app only adds to (after a flush in tests, post_migrate refills them).
ADD_ONLY = {"django_content_type", "auth_permission"}

# Operation bits of pg_trigger.tgtype.
_ROW, _BEFORE, _DELETE, _UPDATE = 1, 2, 8, 16

_REFUSING_TRIGGERS = """
SELECT c.relname,
       bool_or(t.tgtype & %(update)s <> 0) AS refuses_update,
       bool_or(t.tgtype & %(delete)s <> 0) AS refuses_delete
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_trigger t ON t.tgrelid = c.oid
     AND NOT t.tgisinternal AND t.tgenabled <> 'D'
     AND t.tgtype & %(row_before)s = %(row_before)s
     AND t.tgqual IS NULL AND t.tgattr = ''::int2vector
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
GROUP BY c.relname
ORDER BY c.relname
"""


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_privileges(cursor: Any) -> dict[str, list[str]]:
    """What the app may do to each table of the current schema, from its triggers."""
    cursor.execute(
        _REFUSING_TRIGGERS,
        {"update": _UPDATE, "delete": _DELETE, "row_before": _ROW | _BEFORE},
    )
    privileges: dict[str, list[str]] = {}
    for table, refuses_update, refuses_delete in cursor.fetchall():
        if table in OWNER_WRITES:
            privileges[table] = ["SELECT"]
        elif table in ADD_ONLY:
            privileges[table] = ["SELECT", "INSERT"]
        else:
            privileges[table] = ["SELECT", "INSERT"]
            if not refuses_update:
                privileges[table].append("UPDATE")
            if not refuses_delete:
                privileges[table].append("DELETE")
    return privileges


def grant_app_privileges(cursor: Any, app_role: str) -> dict[str, list[str]]:
    """Give ``app_role`` exactly what it may do, as the owner, in one transaction's
    cursor. Idempotent: everything is revoked first, so a table that became
    append-only loses UPDATE. Default privileges cover tables a later migration
    creates until this runs again."""
    role = quote_ident(app_role)
    privileges = table_privileges(cursor)
    cursor.execute(f"GRANT USAGE ON SCHEMA {quote_ident(_schema(cursor))} TO {role}")
    cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote_ident(_schema(cursor))} FROM {role}")
    for table, allowed in privileges.items():
        cursor.execute(f"GRANT {', '.join(allowed)} ON TABLE {quote_ident(table)} TO {role}")
    schema = quote_ident(_schema(cursor))
    cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}")
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT ON TABLES TO {role}"
    )
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}"
    )
    return privileges


def _schema(cursor: Any) -> str:
    cursor.execute("SELECT current_schema()")
    row = cursor.fetchone()
    return str(row[0])


# --- Django side -------------------------------------------------------------


def database_settings(url: str, *, app: bool) -> dict[str, Any]:
    """A DATABASES entry for ``url``: the app's (persistent connections, one
    transaction per request) or the owner's (short-lived)."""
    import dj_database_url

    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")) if app else 0,
            conn_health_checks=app,
        )
    )
    config["ENGINE"] = "django.db.backends.postgresql"
    # Nothing is half-saved: every request is one transaction.
    config["ATOMIC_REQUESTS"] = app
    config.setdefault("OPTIONS", {})
    config["OPTIONS"].setdefault("connect_timeout", 5)
    if app:
        # No parallel plans for the app's own reads. Its queries read a page of
        # rows through an index and stop (a count stops at 100); a parallel plan
        # is chosen from the rows PostgreSQL expects to read without the LIMIT,
        # and starting its workers cost more than the whole read: a manager's
        # overdue review points counted in 10 ms with two workers and 1.3 ms
        # with none at 100,000 incidents, their My work 130 against 92 ms
        # (docs/performance.md). A URL's own ``?options=`` is kept as given.
        # PgBouncer refuses startup options: docs/deployment.md.
        config["OPTIONS"].setdefault("options", "-c max_parallel_workers_per_gather=0")
    if not config.get("HOST") and config["OPTIONS"].get("host"):
        # A socket folder given as ?host=... (the embedded server's URL) is the
        # HOST: dbshell, like every other client, must reach that server and not
        # whatever listens on the default socket.
        config["HOST"] = config["OPTIONS"].pop("host")
    if os.environ.get("TEST_DATABASE_NAME"):
        config["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
    return config


_migrating: str | None = None


@contextlib.contextmanager
def migrating(alias: str) -> Iterator[None]:
    """Route unqualified queries to ``alias`` while migrations run on it."""
    global _migrating
    previous, _migrating = _migrating, alias
    try:
        yield
    finally:
        _migrating = previous


class MigrationRouter:
    """Data migrations (ours and third-party ones) query ``Model.objects`` without
    naming a database, which means "default": the app role, on another
    connection, blocked by the migration's own locks. While ``migrate`` runs
    they go to the database being migrated (the owner's connection)."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return _migrating

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return _migrating


def owner_alias(alias: str) -> str:
    """The alias to use for owner work on ``alias``'s database."""
    from django.db import DEFAULT_DB_ALIAS, connections

    if alias == DEFAULT_DB_ALIAS and OWNER in connections:
        return OWNER
    return alias


def app_role(owner: str = OWNER) -> str | None:
    """The app's role when it differs from the owner's (``None``: one role for both)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    if owner not in connections:
        return None
    app = connections[DEFAULT_DB_ALIAS].settings_dict.get("USER") or ""
    if not app or app == (connections[owner].settings_dict.get("USER") or ""):
        return None
    return str(app)


def apply_grants(alias: str = OWNER) -> dict[str, list[str]] | None:
    """Grant the app role its privileges through ``alias`` (the owner)."""
    from django.db import connections, transaction

    role = app_role(alias)
    if role is None:
        return None
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        return grant_app_privileges(cursor, role)


# --- Development and CI servers: create the roles from a superuser's URL -------


def role_names(database: str) -> tuple[str, str]:
    """(owner, app) role names for a database: derived from its name, so several
    databases on one server (and people working on them) never share roles."""
    return f"{database}_owner"[:63], f"{database}_app"[:63]


def with_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))


def ensure_roles(admin_url: str) -> tuple[str, str]:
    """Create (or check) the owner and app roles for the database ``admin_url``
    names, make the owner own it and what is in it, and return
    (app URL, owner URL). Idempotent. For trust or peer authentication (the roles
    get no password); on a managed server follow docs/deployment.md instead."""
    import psycopg
    from psycopg import sql

    database = urlsplit(admin_url).path.lstrip("/")
    if not database or database in {"postgres", "template0", "template1"}:
        raise SystemExit(
            f"DATABASE_URL names {database or 'no'} database; name one of the app's own "
            "(e.g. .../safeguard): its roles are named after it."
        )
    owner, app = role_names(database)
    server = urlunsplit(urlsplit(admin_url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        for role, attributes in (
            (owner, "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS"),
            (app, "LOGIN NOCREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS"),
        ):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            verb = "ALTER" if exists else "CREATE"
            # Another process may create it meanwhile.
            with contextlib.suppress(
                psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation
            ):
                conn.execute(sql.SQL(f"{verb} ROLE {{}} {attributes}").format(sql.Identifier(role)))
        for name in (database, f"test_{database}"):
            found = conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if found is None and name == database:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(name), sql.Identifier(owner)
                    )
                )
            elif found is not None and found[0] != owner:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                        sql.Identifier(name), sql.Identifier(owner)
                    )
                )
    with psycopg.connect(admin_url, autocommit=True) as conn, conn.transaction():
        _adopt_objects(conn, owner, app)
    return with_user(admin_url, app), with_user(admin_url, owner)


def _adopt_objects(conn: Any, owner: str, app: str) -> None:
    """Hand the owner the schema's tables and functions that someone else made
    (a database migrated before the split), and keep the app from creating any."""
    from psycopg import sql

    conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(owner)))
    conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    rows = conn.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') "
        "AND pg_get_userbyid(c.relowner) <> %s",
        [owner],
    ).fetchall()
    for name, kind in rows:
        what = {"v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")
        conn.execute(
            sql.SQL(f"ALTER {what} {{}} OWNER TO {{}}").format(
                sql.Identifier(name), sql.Identifier(owner)
            )
        )
    functions = conn.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
        "AND pg_get_userbyid(p.proowner) <> %s",
        [owner],
    ).fetchall()
    for (signature,) in functions:
        conn.execute(
            sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(
                sql.SQL(signature), sql.Identifier(owner)
            )
        )


def _is_superuser(url: str) -> bool:
    import psycopg

    # Asked of the server's maintenance database: the app's own may not exist yet
    # (ensure_roles creates it). Only pg_roles is read there.
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    return bool(row and row[0])


def split_environment(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the two URLs set, when it carries a superuser's DATABASE_URL."""
    url = env.get("DATABASE_URL", "")
    if not url or env.get("DATABASE_OWNER_URL") or not _is_superuser(url):
        return env
    app_url, owner_url = ensure_roles(url)
    return {**env, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url}


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[:2] != ["exec", "--"]:
        sys.stderr.write("Usage: python -m safeguard.dbroles exec -- COMMAND [ARGS...]\n")
        return 2
    env = split_environment(dict(os.environ))
    command = argv[2:]
    os.execvpe(command[0], command, env)  # noqa: S606 (the Makefile's own commands)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

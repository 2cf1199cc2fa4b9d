"""Zero-setup PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is unset, settings ask this module for a URL. It starts
(or reuses) a PostgreSQL server from the ``pgserver`` wheel with its data under
``.data/postgres`` so records survive restarts. Several processes may share it:
pgserver keeps a list of the processes using the server and stops it when the
last one exits.

The server's own superuser (``postgres``) is the owner: it runs migrations.
The app connects as ``safeguard_app``, a role created here that owns nothing
(safeguard/dbroles.py). Both log in over the server's private socket with
trust authentication, as pgserver sets it up (only this machine's users can
reach the socket's folder).
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

logger = logging.getLogger(__name__)

APP_ROLE = "safeguard_app"

_url: str | None = None
_app_url: str | None = None


def data_dir(base_dir: Path) -> Path:
    return Path(os.environ.get("SAFEGUARD_EMBEDDED_PGDATA", base_dir / ".data" / "postgres"))


def database_url(base_dir: Path) -> str:
    """Start the embedded server once per process and return its URL."""
    global _url
    if _url is None:
        with warnings.catch_warnings():
            # platformdirs warns about XDG_RUNTIME_DIR on headless machines.
            warnings.simplefilter("ignore")
            import pgserver

            pgdata = data_dir(base_dir)
            pgdata.mkdir(parents=True, exist_ok=True)
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        _url = server.get_uri()
        logger.info("embedded PostgreSQL at %s", pgdata)
    return _url


def app_database_url(base_dir: Path) -> str:
    """The URL the app connects with: the app role on the embedded server,
    created on first use (idempotent; several processes may race to it)."""
    global _app_url
    if _app_url is None:
        import psycopg
        from psycopg import sql

        owner_url = database_url(base_dir)
        with psycopg.connect(owner_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
            if exists.fetchone() is None:
                create = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
                with contextlib.suppress(
                    psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation
                ):
                    conn.execute(create.format(sql.Identifier(APP_ROLE)))
        parts = urlsplit(owner_url)
        host = parts.netloc.rpartition("@")[2]
        _app_url = urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{host}"))
    return _app_url

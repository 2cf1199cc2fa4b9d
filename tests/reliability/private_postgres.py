"""A throwaway PostgreSQL server (the embedded ``pgserver`` build) that a test
may stop and start at will. The machine's shared server is never touched."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import psycopg


class PrivatePostgres:
    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs on headless machines
            import pgserver

        self.root = Path(tempfile.mkdtemp(prefix="sg-private-pg-"))
        self.server: Any = pgserver.get_server(self.root / "pgdata", cleanup_mode="delete")
        uri = self.server.get_uri()
        self.socket_dir = parse_qs(urlparse(uri).query)["host"][0]

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir)}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop abruptly, as a crash or a killed VM would (no clean shutdown)."""
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(
            ["-w", "-m", "immediate", "stop"],
            pgdata=self.server.pgdata,
            user=self.server.system_user,
        )

    def start(self) -> None:
        """Start again on the same data directory and socket (crash recovery runs)."""
        self.server.ensure_postgres_running()

    def destroy(self) -> None:
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

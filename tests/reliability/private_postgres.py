"""A throwaway PostgreSQL server (the embedded ``pgserver`` build) that a test
may crash and restart at will. The machine's shared server is never touched."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import psycopg

from tests.reliability.support import ROOT, app_env

TEMPLATE = "sg_migrated_template"


class PrivatePostgres:
    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs on headless machines
            import pgserver

        self.root = Path(tempfile.mkdtemp(prefix="sg-private-pg-"))
        self.server: Any = pgserver.get_server(self.root / "pgdata", cleanup_mode="delete")
        self.socket_dir = parse_qs(urlparse(self.server.get_uri()).query)["host"][0]
        self._template_ready = False

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir)}"

    def create_database(self, name: str) -> str:
        """A new database with every migration applied (copied from a template
        migrated once per session: migrating takes seconds, copying does not)."""
        if not self._template_ready:
            self._execute(f'CREATE DATABASE "{TEMPLATE}"')
            done = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT,
                env=app_env(self.url(TEMPLATE)),
                capture_output=True,
                timeout=180,
                check=False,
            )
            assert done.returncode == 0, done.stderr.decode()[-3000:]
            self._template_ready = True
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return self.url(name)

    def _execute(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.encode())

    def _pg_ctl(self, *args: str) -> None:
        command = [str(_bin_dir() / "pg_ctl"), "-D", str(self.server.pgdata), *args]
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            timeout=120,
            user=self.server.system_user,
            cwd="/",
        )

    def stop(self) -> None:
        """Stop abruptly, as a crash or a killed VM would (no clean shutdown)."""
        self._pg_ctl("-w", "-m", "immediate", "stop")

    def start(self) -> None:
        """Start again on the same data directory and socket; crash recovery runs.
        (Waits up to 60 s: recovery is slow on a busy machine.)"""
        self._pg_ctl(
            "-w",
            "-t",
            "60",
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.server.log),
            "start",
        )

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()  # the data is deleted anyway: no checkpoint to wait for
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _bin_dir() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"

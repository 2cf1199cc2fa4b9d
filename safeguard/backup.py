"""Back up and restore the database with PostgreSQL's own tools.

``pg_dump`` must be at least as new as the server and ``pg_restore`` at least
as new as the ``pg_dump`` that wrote the file, and a machine may have several
(e.g. Debian's PostgreSQL 15 client tools and the embedded server's own 16),
so the tools are chosen to match the server's major version.
"""

from __future__ import annotations

import os
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import connections
from psycopg.conninfo import make_conninfo

# libpq connection parameters that may sit in DATABASES OPTIONS.
_LIBPQ_OPTIONS = {
    "host",
    "hostaddr",
    "port",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "connect_timeout",
    "options",
    "application_name",
    "target_session_attrs",
    "service",
    "passfile",
    "gssencmode",
    "channel_binding",
}
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def conninfo(alias: str = "default") -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``alias``, and the environment carrying
    its password (kept off the command line, where ``ps`` would show it)."""
    settings_dict = connections[alias].settings_dict
    params: dict[str, Any] = {
        k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in _LIBPQ_OPTIONS
    }
    params["dbname"] = settings_dict["NAME"]
    for key, setting in (("user", "USER"), ("host", "HOST"), ("port", "PORT")):
        if settings_dict.get(setting):
            params[key] = settings_dict[setting]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return make_conninfo(**{k: str(v) for k, v in params.items()}), env


def server_major(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - SHOW always returns a row
        raise CommandError("Could not read the server's version.")
    (number,) = row
    return int(number) // 10000


def _candidate_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("PG_BIN_DIR", "").split(os.pathsep) if p]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs on headless machines
            import pgserver

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:  # pragma: no cover - pgserver is a locked dependency
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    dirs += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    return dirs


def tool_versions(name: str) -> dict[Path, int]:
    """Every ``name`` (pg_dump, pg_restore) found, with its major version."""
    found: dict[Path, int] = {}
    for directory in _candidate_dirs():
        path = directory / name
        if path in found or not (path.is_file() and os.access(path, os.X_OK)):
            continue
        try:
            out = subprocess.run(  # noqa: S603 (fixed folders, no shell)
                [str(path), "--version"], capture_output=True, text=True, timeout=10, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        match = _VERSION.search(out)
        if match:
            found[path] = int(match.group(1))
    return found


def choose_tool(name: str, versions: dict[Path, int], major: int) -> Path:
    """The same major version as the server if there is one, else the oldest
    newer one (new client tools read old servers; old ones refuse new servers)."""
    same = [p for p, v in versions.items() if v == major]
    if same:
        return same[0]
    newer = sorted((v, str(p)) for p, v in versions.items() if v > major)
    if newer:
        return Path(newer[0][1])
    seen = ", ".join(f"{p} ({v})" for p, v in versions.items()) or "none"
    raise CommandError(
        f"No {name} for PostgreSQL {major} or newer was found (found: {seen}). "
        f"Install the PostgreSQL {major} client tools or point PG_BIN_DIR at them."
    )


def find_tool(name: str, alias: str = "default") -> Path:
    return choose_tool(name, tool_versions(name), server_major(alias))


def run(tool: Path, args: list[str], env: dict[str, str]) -> None:
    # No shell; the tool comes from choose_tool and the arguments from our code.
    done = subprocess.run(  # noqa: S603
        [str(tool), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise CommandError(f"{tool.name} failed:\n{done.stderr.strip()[-2000:]}")

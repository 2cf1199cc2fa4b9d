"""``make bench``: build (or reuse) a large data set and measure the pages on it.

    python -m bench.run --incidents 100000          # the full benchmark
    python -m bench.run --incidents 200 --fast      # CI smoke test (about a minute)

The data set lives in a database of its own (``BENCH_DATABASE``, default
``safeguard_bench``) on the server of ``DATABASE_URL``, or on the embedded
server when that is unset. It is reused when it was built at the same size by
the same generator and is fully migrated; otherwise it is dropped and rebuilt.

Results are printed as a table and written to ``bench/results/latest.json``
(and ``bench/results/<incidents>.json``). A measurement whose feature is not in
the code yet is written as nulls with a ``note`` saying so, never invented.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"


def log(msg: str) -> None:
    print(msg, flush=True)


# --- the database -----------------------------------------------------------


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    from safeguard.embedded_db import database_url

    # Started in this process and kept up while it lives (subprocesses connect to it).
    return database_url(BASE_DIR)


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def read_manifest(admin_url: str, name: str) -> dict[str, Any] | None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if row is None or not row[0]:
        return None
    try:
        manifest: dict[str, Any] = json.loads(row[0])
    except ValueError:
        return None
    return manifest


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        text=True,
        capture_output=True,
        check=False,
    )


def ensure_dataset(incidents: int, *, rebuild: bool) -> tuple[str, dict[str, Any], bool]:
    """Return (bench database URL, manifest, reused?)."""
    from bench import scale

    url = server_url()
    name = os.environ.get("BENCH_DATABASE", "safeguard_bench")
    admin_url = with_dbname(url, "postgres")
    bench_url = with_dbname(url, name)
    env = {**os.environ, "DATABASE_URL": bench_url, "SAFEGUARD_ENV": "development", "DEBUG": "0"}
    manifest = None if rebuild else read_manifest(admin_url, name)
    if (
        manifest
        and manifest.get("incidents") == incidents
        and manifest.get("generator") == scale.GENERATOR_VERSION
        and manage("migrate", "--check", env=env).returncode == 0
    ):
        log(f"Reusing {name}: {manifest['incidents']:,} incidents, {manifest['rows']:,} rows.")
        return bench_url, manifest, True

    import psycopg

    log(f"Building {name} with {incidents:,} incidents…")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    for command in (
        ("manage.py", "migrate", "--noinput", "-v0"),
        ("-m", "bench.seed", "--incidents", str(incidents), "--manifest"),
    ):
        done = subprocess.run(
            [sys.executable, *command],
            cwd=BASE_DIR,
            env=env,
            text=True,
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"{' '.join(command[:2])} failed")
        if command[1] == "bench.seed":
            log(done.stdout.rstrip())
    manifest = read_manifest(admin_url, name)
    if manifest is None:
        raise SystemExit("bench.seed did not store its manifest")
    return bench_url, manifest, False


# --- main -------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--incidents", type=int, default=int(os.environ.get("BENCH_INCIDENTS", "100000"))
    )
    parser.add_argument("--fast", action="store_true", help="Short HTTP runs: a smoke test.")
    parser.add_argument("--rebuild", action="store_true", help="Rebuild even if reusable.")
    parser.add_argument(
        "--requests", type=int, default=None, help="Warm requests per page (60; 50 with --fast)."
    )
    parser.add_argument("--http-seconds", type=float, default=None)
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = 50 if args.fast else 60
    if args.requests < 50:
        parser.error("--requests must be at least 50.")
    http_seconds = args.http_seconds or (2.0 if args.fast else 15.0)

    started = time.monotonic()
    server = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded"
    bench_url, manifest, reused = ensure_dataset(args.incidents, rebuild=args.rebuild)

    # From here on this process is a Django process on the bench database.
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    os.environ["SAFEGUARD_ENV"] = "development"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from bench import measure

    results: dict[str, Any] = {
        "scale": {
            "incidents": manifest["incidents"],
            "rows": manifest["rows"],
            "seed_seconds": manifest.get("seconds"),
            "reused": reused,
            "tables": manifest.get("tables"),
        },
        "machine": {**measure.machine(), "server": server},
    }
    log("Pages (Django test client)…")
    results["pages"] = measure.pages(manifest, requests=args.requests)
    log("PDF export…")
    # The smoke run renders a short chronology; the real run the 1,000-entry one.
    results["pdf"] = measure.pdf(manifest, entries=100 if args.fast else 1000)
    log(f"HTTP (gunicorn, 2 workers, {http_seconds:g} s per page)…")
    results["http"] = measure.http(manifest, bench_url=bench_url, seconds=http_seconds)
    log("Audit chain verification…")
    results["audit_verify"] = measure.audit_verify()
    results["total_seconds"] = round(time.monotonic() - started, 1)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]

    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, sort_keys=False) + "\n"
    (RESULTS / "latest.json").write_text(text)
    (RESULTS / f"{manifest['incidents']}.json").write_text(text)
    print(measure.table(results))
    log(f"Written {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Zero-setup PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is unset, settings ask this module for a URL. It starts
(or reuses) a PostgreSQL server from the ``pgserver`` wheel with its data under
``.data/postgres`` so records survive restarts. Several processes may share it:
pgserver keeps a list of the processes using the server and stops it when the
last one exits.

``make run`` does not go through settings for this: its supervisor
(safeguard/devserver.py) holds the server for the whole run with
:func:`hold_server` / :func:`release_server` and gives its children the URLs, so
only one process of the run is on the list. Other commands (``make migrate``,
``manage.py shell``, tests without ``DATABASE_URL``) start or join it per process.

The server's own superuser (``postgres``) is the owner: it runs migrations.
The app connects as ``safeguard_app``, a role created here that owns nothing
(safeguard/dbroles.py). Both log in over the server's private socket with
trust authentication, as pgserver sets it up (only this machine's users can
reach the socket's folder).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from pgserver import PostgresServer

logger = logging.getLogger(__name__)

# pgserver asks platformdirs for a runtime folder when it is imported; on a
# machine without XDG_RUNTIME_DIR (servers, containers, CI) platformdirs warns
# and falls back to /tmp/runtime-<uid>, which is what pgserver then uses. The
# warning reached every `make run`'s output as two lines of noise.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set", module="platformdirs")

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
            with _stop_signals_deferred() as pending:
                ensure_cluster(pgdata)
                repair_client_list(pgdata)
                try:
                    server = pgserver.get_server(pgdata, cleanup_mode="stop")
                except Exception:
                    if not pending:
                        raise
                    # The stop signal also reached pg_ctl (same process group)
                    # half-way through starting the server: attach to whatever
                    # it started, so that leaving stops it (pgserver keeps the
                    # failed handle, hence a new one rather than get_server).
                    server = pgserver.PostgresServer(pgdata, cleanup_mode="stop")
                # Run before pgserver's own exit handler (last registered, first
                # run): processes killed outright must not keep the server up
                # for ever, and a second Ctrl-C must not cut it short.
                atexit.register(repair_client_list, pgdata, exiting=True)
                atexit.register(_finish_exit_uninterrupted)
        _url = server.get_uri()
        logger.info("embedded PostgreSQL at %s", pgdata)
    return _url


def app_database_url(base_dir: Path) -> str:
    """The URL the app connects with: the app role on the embedded server,
    created on first use (idempotent; several processes may race to it)."""
    global _app_url
    if _app_url is None:
        _app_url = app_role_url(database_url(base_dir))
    return _app_url


def app_role_url(owner_url: str) -> str:
    """Create the app role on the server of ``owner_url`` if missing and return
    the same URL for that role."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(owner_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        if exists.fetchone() is None:
            create = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
            races = (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation)
            with contextlib.suppress(*races):
                conn.execute(create.format(sql.Identifier(APP_ROLE)))
    parts = urlsplit(owner_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{host}"))


def hold_server(pgdata: Path) -> PostgresServer:
    """Start (or join) the embedded server for a supervisor that owns it for a
    whole run (safeguard/devserver.py) and releases it with :func:`release_server`.

    Call it with stop signals blocked (``signal.pthread_sigmask``): pg_ctl and
    initdb inherit the mask, so a Ctrl-C to the process group cannot kill
    pg_ctl half-way through a start and leave a server nobody knows about."""
    import pgserver

    ensure_cluster(pgdata)
    repair_client_list(pgdata)
    try:
        return pgserver.get_server(pgdata, cleanup_mode="stop")
    except Exception:
        # pg_ctl gave up (pgserver waits 10 s; a loaded machine can take longer)
        # while the postmaster it launched may still be starting: wait until it is
        # ready or gone, then join or start it with a new handle (get_server would
        # return the failed one).
        logger.warning("embedded PostgreSQL start failed once; retrying", exc_info=True)
        _wait_until_settled(pgdata, timeout=120)
        return pgserver.PostgresServer(pgdata.expanduser().resolve(), cleanup_mode="stop")


def ensure_cluster(pgdata: Path) -> None:
    """Create the database cluster in ``pgdata`` if it has none, out of reach
    of a stop signal.

    A stop signal to ``make run``'s process group (Ctrl-C in the first second of
    a first start) reached initdb's own ``postgres`` child, which unblocks
    signals and died; initdb's clean-up then raced a server process it had left
    and kept part of the directory (``global/pg_filenode.map``) without
    ``PG_VERSION``. Every later start failed: initdb refuses a directory that is
    not empty. So initdb runs from a helper process in a session of its own
    (``python -m safeguard.embedded_db init``: pgserver creates the cluster
    when it first starts a server on it, then stops that server), and the
    caller waits for it, stop signals or not. A directory left unfinished
    anyway (a machine that lost power, an older version's interrupted start)
    is set aside, never deleted."""
    if (pgdata / "PG_VERSION").exists():
        return
    subprocess.run(  # noqa: S603 (this interpreter, this module)
        [sys.executable, "-m", "safeguard.embedded_db", "init", str(pgdata)],
        check=True,
        start_new_session=True,
    )


def _create_cluster(pgdata: Path) -> None:
    """The helper's work: one process at a time per parent folder (several
    processes may start on a fresh checkout at once), cluster or not re-checked
    under the lock."""
    import fcntl

    import pgserver

    pgdata = pgdata.expanduser().resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(pgdata.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        if (pgdata / "PG_VERSION").exists():
            return
        _set_aside_unfinished(pgdata)
        pgdata.mkdir(exist_ok=True)
        # initdb, then a start; the exit handler stops the server unless a
        # process joined it meanwhile (pgserver's client list).
        pgserver.PostgresServer(pgdata, cleanup_mode="stop")
    finally:
        os.close(folder)


def _set_aside_unfinished(pgdata: Path) -> None:
    """Without ``PG_VERSION`` the folder holds no cluster PostgreSQL would start.
    pgserver's client list means nothing there (and initdb refuses a folder with
    any file in it): removed. Anything else is moved beside it, named, for
    whoever wants to look."""
    if not pgdata.exists():
        return
    for name in (".handle_pids.json", ".handle_pids.json.partial"):
        (pgdata / name).unlink(missing_ok=True)
    if any(pgdata.iterdir()):
        aside = pgdata.with_name(f"{pgdata.name}.unfinished-{time.strftime('%Y%m%d-%H%M%S')}")
        pgdata.rename(aside)
        logger.warning(
            "%s held an unfinished database cluster (a first start was interrupted); "
            "moved to %s and starting afresh",
            pgdata,
            aside,
        )


def release_server(server: PostgresServer) -> None:
    """Leave pgserver's client list; the last process on it stops the server.
    Processes that died during the run (killed outright) are dropped first, or
    they would keep the server up after this, its last real user, has gone."""
    repair_client_list(Path(server.pgdata), exiting=True)
    server.cleanup()


def _wait_until_settled(pgdata: Path, *, timeout: float) -> None:
    """Until postmaster.pid is gone, names a dead process, or says ``ready``."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = _pid_file_lines(pgdata)
        if lines is None or is_ready(lines):
            return
        if lines and lines[0].strip().isdigit() and not psutil.pid_exists(int(lines[0])):
            return
        time.sleep(0.1)


def _pid_file_lines(pgdata: Path) -> list[str] | None:
    try:
        return (pgdata / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None


def is_ready(pid_file: Path | list[str]) -> bool:
    """A server has started and accepts connections: the status line (the
    eighth) of its ``postmaster.pid`` says ``ready``. initdb's own processes
    write the file too, never with that line. Takes the data folder or the
    file's lines."""
    lines = _pid_file_lines(pid_file) if isinstance(pid_file, Path) else pid_file
    return lines is not None and len(lines) >= 8 and lines[7].strip() == "ready"


def _read_client_list(path: Path) -> list[int] | None:
    try:
        pids = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return None
    if isinstance(pids, list) and all(isinstance(pid, int) for pid in pids):
        return pids
    return None


def repair_client_list(pgdata: Path, *, exiting: bool = False) -> None:
    """pgserver keeps the processes using the server in ``.handle_pids.json`` and
    stops the server when the last one leaves. A process killed outright never
    leaves, so the server outlived ``make run``; and an empty or half-written
    file made every later start fail with a JSON error. Keep only live
    processes; start an unreadable list afresh (with this process in it when it
    is leaving, so that pgserver's exit handler, which stops the server only
    when it finds itself alone on the list, still does).

    pgserver changes the list under an inter-process lock; the repair takes the
    same lock, or two processes leaving at once (db_worker and runserver on
    Ctrl-C) could each write back a list without the other's change and leave a
    dead process on it, keeping the server up (tests/reliability/test_make_run.py)."""

    path = pgdata / ".handle_pids.json"
    with _client_list_lock():
        pids = _read_client_list(path)
        if pids is None:
            logger.warning("unreadable %s: starting a new list", path)
            pids, changed = ([os.getpid()] if exiting else []), True
        else:
            alive = [pid for pid in pids if pid == os.getpid() or _running(pid)]
            changed, pids = alive != pids, alive
        if changed:
            partial = path.with_name(path.name + ".partial")
            partial.write_text(json.dumps(pids))
            os.replace(partial, path)


def _running(pid: int) -> bool:
    """A zombie is dead: a process killed outright can stay one for a while
    (until something reaps it; in a container, maybe never), and kept on the list
    it kept the server up after the last real user left."""
    import psutil

    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


@contextlib.contextmanager
def _client_list_lock() -> Iterator[None]:
    """pgserver's inter-process lock: ``fcntl.lockf`` on its public
    ``PostgresServer.lock_path``, as its own lock takes it. Waits up to 30 s (a
    process holding it is stopping or starting the server), then goes ahead:
    a repair is better than a start that never happens."""
    import fcntl

    from pgserver import PostgresServer

    lock_path = Path(PostgresServer.lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        deadline = time.monotonic() + 30
        locked = False
        while not locked:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
            except OSError:
                if time.monotonic() > deadline:
                    logger.warning("%s stays locked: repairing without it", lock_path)
                    break
                time.sleep(0.05)
        try:
            yield
        finally:
            if locked:
                fcntl.lockf(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _stop_signals_deferred() -> Iterator[list[int]]:
    """Ctrl-C or SIGTERM while the server starts would end the process before it
    is on the client list or has its exit handlers, leaving the server running
    with nobody to stop it (tests/reliability/test_make_run.py). Hold such a
    signal until the exit handlers are in place, then deliver it."""
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    held = [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) is not signal.SIG_IGN]
    previous = {sig: signal.getsignal(sig) for sig in held}
    for sig in held:
        signal.signal(sig, lambda signum, frame: pending.append(signum))
    try:
        yield pending
    finally:
        for sig in held:
            signal.signal(sig, previous[sig])
        _exit_cleanly_on_sigterm()
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)


def _finish_exit_uninterrupted() -> None:
    """Once the process is leaving, Ctrl-C again (or a stop signal) must not
    interrupt the exit handlers: pgserver's rewrites the client list and stops
    the server, and cut short it left an empty list and a running server."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a signal to ``make run``'s process group, a service stop) ends the
    process through its exit handlers, as Ctrl-C does, so the last process
    using the embedded server stops it. Handlers set by others are left alone."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_system_exit)


def _raise_system_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__" and sys.argv[1:2] == ["init"] and len(sys.argv) == 3:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    _create_cluster(Path(sys.argv[2]))

"""The embedded PostgreSQL (no DATABASE_URL) is what every client reaches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.db import connections

from safeguard.dbroles import database_settings
from safeguard.embedded_db import is_ready

ROOT = Path(__file__).resolve().parents[1]
EMBEDDED_URL = "postgresql://safeguard_app@/postgres?host=/work/project/.data/postgres"


def test_dbshell_reaches_the_embedded_server_socket() -> None:
    """Issue 20: ``manage.py dbshell`` connected to the default socket."""
    config = database_settings(EMBEDDED_URL, app=True)
    args, _env = connections["default"].client.settings_to_cmd_args_env(config, [])
    assert args[args.index("-h") + 1] == "/work/project/.data/postgres"
    assert args[args.index("-U") + 1] == "safeguard_app"


def test_a_tcp_url_is_unchanged() -> None:
    config = database_settings("postgres://app:pw@db.internal:5433/safeguard", app=True)
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "safeguard")
    assert "host" not in config["OPTIONS"]
    assert config["ATOMIC_REQUESTS"] is True
    assert database_settings("postgres://o@db.internal/safeguard", app=False)["CONN_MAX_AGE"] == 0


def _start_app_process(pgdata: Path) -> subprocess.Popen[str]:
    """A process using the embedded server as ``make run``'s do; prints the
    postmaster's pid once it is up, then waits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(SAFEGUARD_EMBEDDED_PGDATA=str(pgdata), SAFEGUARD_ENV="development")
    pid_file = str(pgdata / "postmaster.pid")
    script = "\n".join(
        [
            "import django, time",
            "django.setup()",
            "from django.db import connection",
            "connection.ensure_connection()",
            "connection.close()",
            f"print(open({pid_file!r}).readline().strip(), flush=True)",
            "time.sleep(120)",
        ]
    )
    env["DJANGO_SETTINGS_MODULE"] = "safeguard.settings"
    return _spawn(script, env)


def _spawn(script: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """``python -c script`` in a session (process group) of its own."""
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.2)
    return False


def _run_and_stop(pgdata: Path, *, dead_client: bool) -> None:
    proc = _start_app_process(pgdata)
    postmaster = 0
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip().isdigit(), proc.stderr.read() if proc.stderr else ""
        postmaster = int(line)
        assert psutil.pid_exists(postmaster)
        if dead_client:  # a client killed outright never left the list
            clients = pgdata / ".handle_pids.json"
            clients.write_text(json.dumps([*json.loads(clients.read_text()), 2**22 + 7]))
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        assert _wait_gone(postmaster, 60), "the embedded PostgreSQL outlived its last user"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        if postmaster and psutil.pid_exists(postmaster):
            os.kill(postmaster, signal.SIGQUIT)  # the server this test started


@pytest.mark.slow
def test_a_signal_stops_the_embedded_server_and_a_broken_client_list_does_not(
    tmp_path: Path,
) -> None:
    """Issue 20: a signal to ``make run``'s processes left the server running,
    and an empty client list (pgserver's .handle_pids.json) broke every start."""
    pgdata = tmp_path / "postgres"
    _run_and_stop(pgdata, dead_client=False)
    (pgdata / ".handle_pids.json").write_text("")  # as an interrupted write left it
    _run_and_stop(pgdata, dead_client=True)


def test_a_dead_or_zombie_client_leaves_the_list_and_a_live_one_stays(tmp_path: Path) -> None:
    """A process killed outright stays a zombie until it is reaped (in a container,
    perhaps never); kept on the list, it kept the server up after ``make run`` stopped."""
    from safeguard.embedded_db import repair_client_list

    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 30
        while psutil.Process(zombie.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        clients = tmp_path / ".handle_pids.json"
        clients.write_text(json.dumps([zombie.pid, 2**22 + 7, os.getppid()]))
        repair_client_list(tmp_path)
        assert json.loads(clients.read_text()) == [os.getppid()]
    finally:
        zombie.wait()


@pytest.mark.slow
def test_an_unfinished_cluster_is_set_aside_and_the_next_start_works(tmp_path: Path) -> None:
    """CI, 2026-12-06: a stop signal in the first second of a first ``make run``
    killed initdb's bootstrap, and its clean-up left ``global/pg_filenode.map``
    without ``PG_VERSION``; every later start failed ("exists but is not empty")."""
    pgdata = tmp_path / "postgres"
    (pgdata / "global").mkdir(parents=True)
    (pgdata / "global" / "pg_filenode.map").write_bytes(b"\0" * 524)
    (pgdata / ".handle_pids.json").write_text("")
    _run_and_stop(pgdata, dead_client=False)
    assert (pgdata / "PG_VERSION").exists()
    [aside] = tmp_path.glob("postgres.unfinished-*")
    assert (aside / "global" / "pg_filenode.map").read_bytes() == b"\0" * 524


@pytest.mark.slow
def test_stop_signals_during_the_first_start_cannot_reach_initdb(tmp_path: Path) -> None:
    """A start holds stop signals while the server starts (safeguard/devserver.py)
    but initdb's own ``postgres`` unblocks them: initdb must not be in the
    signalled process group at all. Here the group is sent SIGHUP every 20 ms
    until the cluster is made (the first server on it says "ready"; initdb's own
    processes write a pid file too, without that); the start still succeeds and
    the server is stopped.

    Not while pg_ctl then starts the server: pg_ctl runs the postmaster through
    ``/bin/sh``, which (dash) clears the signal mask, so a signal that lands in
    the moment between pg_ctl's fork and its ``setsid`` ends that one start;
    ``hold_server`` retries once (a full run under this fire hit it)."""
    pgdata = tmp_path / "postgres"
    script = "\n".join(
        [
            "import logging, signal",
            "from pathlib import Path",
            "logging.basicConfig(level=logging.ERROR)",
            "stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)",
            "signal.pthread_sigmask(signal.SIG_BLOCK, stops)",
            "print('blocked', flush=True)",
            "from safeguard import embedded_db",
            f"server = embedded_db.hold_server(Path({str(pgdata)!r}))",
            "print(server.get_pid(), flush=True)",
            "embedded_db.release_server(server)",
        ]
    )
    proc = _spawn(script, {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")})
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "blocked\n"
        deadline = time.monotonic() + 120
        while proc.poll() is None and not is_ready(pgdata) and time.monotonic() < deadline:
            os.killpg(proc.pid, signal.SIGHUP)
            time.sleep(0.02)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-3000:]
        assert (pgdata / "PG_VERSION").exists()
        assert _wait_gone(int(out.split()[0]), 60), "the embedded PostgreSQL outlived its last user"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for leftover in psutil.process_iter(["cmdline"]):
            if str(pgdata) in " ".join(leftover.info["cmdline"] or []):
                leftover.send_signal(signal.SIGQUIT)

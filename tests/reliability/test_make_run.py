"""``make run`` survives being interrupted at any moment (issue 20).

The test runs ``make run`` itself (its supervisor, safeguard/devserver.py: the
embedded PostgreSQL, migrate, seed_demo, then db_worker beside runserver), with
no DATABASE_URL so the embedded PostgreSQL starts on a private data directory,
and signals its process group as Ctrl-C, a service stop or a closed terminal
would: at 20 moments drawn from a seeded random generator (printed, so a
failure can be replayed with SAFEGUARD_RUN_SEED), spread over start-up,
migration, demo seeding, serving and shutdown. After each interruption nothing
of that data directory is left running, no postmaster.pid is left behind, the
client list pgserver keeps is readable, and the next start reaches "serving"
(HTTP 200 on /healthz). Once, the client list is emptied before a start (as an
interrupted write once left it); at the end a SIGKILL of the whole group leaves
PostgreSQL running, and the next start must join it and stop it; before that,
``make`` alone killed outright must stop everything (the supervisor, orphaned,
ends the run).

Migrations are all applied by the first full start, so a migration-phase
moment first takes the last-applied apps' migrations back (``migrate <app>
zero`` on apps nothing else depends on), giving the next start work to do.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.reliability.support import ROOT

PHASES = ("start-up", "migration", "seeding", "serving", "shutdown")
MOMENTS = 20
# Leaf apps whose migrations a migration-phase moment takes back: no other
# app's migrations depend on them.
REVERSIBLE = ("sessions", "otp_static", "axes")
# Output that marks where a start has got to.
MIGRATING = "Running migrations:"
SEEDING = "manage.py seed_demo"
SERVING = "Quit the server with"
# Ctrl-C, a service stop, a closed terminal: each sent to the whole process group.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

# Three to five minutes on this machine, far over what one test in `make test` may
# cost (docs/testing.md, "make run under interruption"): `make test-interruption`.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("SAFEGUARD_RUN_INTERRUPTION") != "1",
        reason="make run interruption test: `make test-interruption` runs it",
    ),
]


@dataclass
class Moment:
    phase: str
    delay: float  # seconds after the phase's marker
    signal: signal.Signals


def plan(seed: int) -> list[Moment]:
    """Four moments per phase, ordered so an early interruption is mostly
    followed by one that must reach serving anyway (fewer extra starts)."""
    rng = random.Random(seed)
    early = [p for p in PHASES[:3] for _ in range(MOMENTS // len(PHASES))]
    late = [p for p in PHASES[3:] for _ in range(MOMENTS // len(PHASES))]
    rng.shuffle(early)
    rng.shuffle(late)
    order: list[str] = []
    while early or late:
        if early:
            order.append(early.pop())
        if late and (not early or rng.random() < 0.7):
            order.append(late.pop())
    delays = {"start-up": 2.0, "migration": 1.0, "seeding": 2.0, "serving": 1.5, "shutdown": 1.5}
    return [Moment(p, round(rng.uniform(0, delays[p]), 2), rng.choice(STOP_SIGNALS)) for p in order]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_env(data: Path, port: int) -> dict[str, str]:
    """No DATABASE_URL: the embedded server, on this test's own data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(
        SAFEGUARD_ENV="development",
        SAFEGUARD_EMBEDDED_PGDATA=str(data / "postgres"),
        SAFEGUARD_MEDIA_ROOT=str(data / "media"),
        PORT=str(port),
        HOST="127.0.0.1",
    )
    return env


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


class MakeRun:
    """One ``make run`` in its own session and process group, as a terminal runs it."""

    def __init__(self, data: Path, port: int, log: Path) -> None:
        self.data, self.port, self.log = data, port, log
        env = run_env(data, port)
        with log.open("w") as out:
            # -o: the virtualenv is installed already; never reinstall it here.
            self.proc = subprocess.Popen(
                ["make", "--no-print-directory", "-o", ".venv/.installed", "run"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                # A terminal's foreground job takes Ctrl-C; a test started in the
                # background inherits SIGINT ignored, and so would make's children.
                preexec_fn=_default_signals,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def serving(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def wait_for(self, marker: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.output():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait_serving(self, timeout: float = 150) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.serving():
                return
            assert self.proc.poll() is None, "make run ended before serving:\n" + self.tail()
            time.sleep(0.2)
        raise AssertionError("make run did not reach serving:\n" + self.tail())

    def signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def phase_now(self) -> str:
        out = self.output()
        if self.serving():
            return "serving"
        if SEEDING in out:
            return "seeding" if "Demo logins" not in out else "starting the server"
        if MIGRATING in out:
            return "migration"
        return "start-up"

    def tail(self) -> str:
        return "\n".join(self.output().splitlines()[-25:])


def left_running(data: Path) -> list[str]:
    """Processes of this data directory: make's, the app's, its PostgreSQL."""
    mark = str(data)
    found = []
    for p in psutil.process_iter(["pid", "cmdline", "environ"]):
        try:
            cmdline = " ".join(p.info["cmdline"] or [])
            environ = p.info["environ"] or {}
        except (psutil.Error, TypeError):
            continue
        if p.pid == os.getpid() or p.status() == psutil.STATUS_ZOMBIE:
            continue
        if mark in cmdline or environ.get("SAFEGUARD_EMBEDDED_PGDATA", "").startswith(mark):
            found.append(f"{p.pid} {cmdline[:120]}")
    return found


def assert_stopped(run: MakeRun, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.proc.poll() is not None and not left_running(run.data):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"left running: {left_running(run.data)}\n{run.tail()}")
    pid_file = run.data / "postgres" / "postmaster.pid"
    assert not pid_file.exists(), "a stale postmaster.pid was left behind"


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def only_postgres_left(data: Path) -> bool:
    """Every process of this data directory still running is PostgreSQL's."""
    found = left_running(data)
    names = []
    for line in found:
        with contextlib.suppress(psutil.Error):
            names.append(psutil.Process(int(line.split()[0])).name())
    return bool(names) and all(name == "postgres" for name in names)


def stop(run: MakeRun) -> None:
    run.signal(signal.SIGINT)
    assert_stopped(run)
    assert_client_list_readable(run.data)


def take_back_migrations(env: dict[str, str]) -> None:
    """One process for all the apps (each process start costs seconds)."""
    script = (
        "from django.core.management import call_command\n"
        f"for app in {REVERSIBLE!r}:\n"
        "    call_command('migrate', app, 'zero', interactive=False, verbosity=0)\n"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def assert_client_list_readable(data: Path) -> None:
    """pgserver's list of the processes using the server: an empty or half-written
    one made every later start fail with a JSON error (issue 20)."""
    path = data / "postgres" / ".handle_pids.json"
    if path.exists():
        pids = json.loads(path.read_text())
        assert isinstance(pids, list), pids


def kill_leftovers(data: Path) -> None:
    """Whatever a failed test leaves of its own data directory, and only that."""
    for line in left_running(data):
        pid = int(line.split()[0])
        try:
            proc = psutil.Process(pid)
            is_postgres = "postgres" in proc.name()
            proc.send_signal(signal.SIGQUIT if is_postgres else signal.SIGKILL)
        except psutil.Error:
            pass


def test_make_run_survives_interruption_at_any_moment() -> None:
    seed = int(os.environ.get("SAFEGUARD_RUN_SEED") or random.randrange(10**6))
    moments = plan(seed)
    print(f"\nmake run interruption test: seed {seed} (replay with SAFEGUARD_RUN_SEED={seed})")
    data = Path(tempfile.mkdtemp(prefix="sg-make-run-"))
    port = free_port()
    # Once, the client list is left empty, as an interrupted write once left it:
    # the start after it must still work.
    broken_before = random.Random(seed).randrange(2, MOMENTS + 1)
    started = time.monotonic()
    try:
        must_serve_next = False
        for i, moment in enumerate(moments, 1):
            log = data / f"run-{i:02}.log"
            moment_started = time.monotonic()
            if i == broken_before:
                (data / "postgres" / ".handle_pids.json").write_text("")
            if moment.phase == "migration" and i > 1:
                # Fresh data is migrated by the first start; later ones need work left.
                take_back_migrations(run_env(data, port))
            if must_serve_next and moment.phase not in ("serving", "shutdown"):
                check = MakeRun(data, port, data / f"run-{i:02}-check.log")
                try:
                    check.wait_serving()
                finally:
                    stop(check)
            run = MakeRun(data, port, log)
            try:
                marker = {"migration": MIGRATING, "seeding": SEEDING}.get(moment.phase)
                if moment.phase in ("serving", "shutdown"):
                    run.wait_serving()  # also the "next start works" of the moment before
                elif marker is not None:
                    assert run.wait_for(marker, 150), run.tail()
                time.sleep(moment.delay)
                landed = run.phase_now()
                run.signal(moment.signal)
                if moment.phase == "shutdown":
                    # Ctrl-C again (or a stop) while it is shutting down.
                    time.sleep(moment.delay / 3)
                    landed = "shutdown"
                    run.signal(random.Random(seed + i).choice(STOP_SIGNALS))
                assert_stopped(run)
                assert_client_list_readable(data)
                print(
                    f"  {i:2}. {moment.phase:<9} +{moment.delay:.2f}s {moment.signal.name:<7}"
                    f" landed in {landed:<19} ({time.monotonic() - moment_started:.1f}s"
                    f"{', after an emptied client list' if i == broken_before else ''})"
                )
            finally:
                if run.proc.poll() is None:
                    run.signal(signal.SIGKILL)
            must_serve_next = True
        # make alone killed outright: its orphaned supervisor ends the run.
        orphaned = MakeRun(data, port, data / "make-killed.log")
        try:
            orphaned.wait_serving()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(orphaned.proc.pid, signal.SIGKILL)
        assert_stopped(orphaned)
        assert_client_list_readable(data)
        print("  make killed outright (SIGKILL to make alone): everything stopped")
        # The one stop nothing can clean up after: SIGKILL to the whole group.
        # PostgreSQL (in its own session, as pg_ctl starts it) outlives it and the
        # dead supervisor stays on the client list; the next start must join that
        # server, and stopping that start must stop it.
        killed = MakeRun(data, port, data / "killed.log")
        try:
            killed.wait_serving()
        finally:
            killed.signal(signal.SIGKILL)
        killed.proc.wait(timeout=30)
        assert wait_until(lambda: only_postgres_left(data)), left_running(data)
        final = MakeRun(data, port, data / "final.log")
        try:
            final.wait_serving()
            assert "Demo data already present" in final.output()
        finally:
            stop(final)
        print("  SIGKILL to the whole group: the next start joined the server left, and stopped it")
        print(f"  all {len(moments)} moments in {time.monotonic() - started:.0f}s")
    except BaseException:
        print(f"  logs kept in {data}")
        raise
    else:
        subprocess.run(["rm", "-rf", str(data)], check=False)
    finally:
        kill_leftovers(data)

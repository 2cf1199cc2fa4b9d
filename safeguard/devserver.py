"""``make run``: one supervisor process owns the whole run.

``python -m safeguard.devserver [HOST:PORT]`` runs ``migrate``, ``seed_demo``,
then ``db_worker`` beside ``runserver``, each as a child process. With no
``DATABASE_URL`` it starts (or joins) the embedded PostgreSQL first, holds it
for the whole run and hands its URLs to the children, so none of them starts,
joins or stops a server: only this process is on pgserver's client list.

Why (issue 20): when each step started and stopped the embedded server itself,
a Ctrl-C or a signal to ``make run``'s process group could land between one
process starting the server and registering the clean-up that stops it, and
the server outlived ``make``. Here, whatever the moment:

- SIGINT, SIGTERM and SIGHUP only set a flag in this process; they are
  blocked (``pthread_sigmask``) while the server starts or stops, so pg_ctl and
  initdb, which inherit the mask, cannot be killed half-way by the same signal
  to the process group;
- on a stop signal the children (in the terminal's process group, so Ctrl-C
  reaches them as before) get a moment to exit, then SIGTERM, then SIGKILL, the
  whole tree (this process is their sub-reaper on Linux, so runserver's
  reloader child cannot escape by being orphaned);
- then the server is released (stopped when this was the last process using
  it, pgserver's rule) and the process exits with 128 + the signal;
- ``make`` killed outright (its child re-parented) ends the run the same way.

Signals sent to ``make``'s own pid rather than its group: make passes SIGTERM on
to this process, but only waits on SIGINT and SIGHUP (a terminal sends those to
the whole group, which is what is supported).

Only SIGKILL of this process can leave the server running; the next start
drops the dead process from the client list (embedded_db.repair_client_list)
and joins the running server, whose clean-up then stops it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# After a stop signal: how long the children get to exit by themselves (they
# usually had the same signal from the terminal), then after SIGTERM.
EXIT_GRACE = 2.0
TERM_GRACE = 10.0
_PR_SET_CHILD_SUBREAPER = 36


class Supervisor:
    def __init__(self) -> None:
        self.stop_signal = 0
        self.children: list[subprocess.Popen[bytes]] = []
        self.spare: int | None = None  # the embedded postmaster: released, never killed
        self.parent = os.getppid()

    def stopping(self) -> bool:
        """A stop signal came, or ``make`` is gone (killed outright, the run is
        orphaned): either way the run ends, as a closed terminal ends it."""
        if not self.stop_signal and os.getppid() != self.parent:
            self.stop_signal = signal.SIGHUP
        return bool(self.stop_signal)

    def on_signal(self, signum: int, frame: object) -> None:
        if not self.stop_signal:
            self.stop_signal = signum

    def start(self, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        print(" ".join(["python", *args]), flush=True)
        # Our own manage.py commands, fixed in main().
        child = subprocess.Popen([sys.executable, *args], cwd=BASE_DIR, env=env)  # noqa: S603
        self.children.append(child)
        return child

    def run(self, args: list[str], env: dict[str, str]) -> int:
        """One step to completion; 128 + signal if a stop signal came first."""
        if self.stopping():
            return 128 + self.stop_signal
        child = self.start(args, env)
        while not self.stopping():
            code = child.poll()
            if code is not None:
                return code
            time.sleep(0.05)
        return 128 + self.stop_signal

    def serve(self, args: list[str], worker_args: list[str], env: dict[str, str]) -> int:
        """The background worker beside the server; the run ends when the server does."""
        if self.stopping():
            return 128 + self.stop_signal
        self.start(worker_args, env)
        server = self.start(args, {**env, "DEBUG": env.get("DEBUG") or "1"})
        while not self.stopping():
            code = server.poll()
            if code is not None:
                return code
            time.sleep(0.1)
        return 128 + self.stop_signal

    def stop_children(self) -> None:
        """Every process below this one ends: by itself, else SIGTERM, else SIGKILL."""
        me = psutil.Process()
        deadline = time.monotonic() + (EXIT_GRACE if self.stop_signal else 0)
        while time.monotonic() < deadline and self._alive(me):
            time.sleep(0.05)
        for sig, grace in ((signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, 5.0)):
            procs = self._alive(me)
            if not procs:
                break
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    proc.send_signal(sig)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and self._alive(me):
                time.sleep(0.05)
        for child in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=1)

    def _alive(self, me: psutil.Process) -> list[psutil.Process]:
        """Live descendants. Adopted orphans (sub-reaper) that have exited are
        reaped here; the children started here are Popen's to reap."""
        ours = {child.pid for child in self.children}
        alive = []
        for proc in me.children(recursive=True):
            try:
                if self.spare is not None and self.spare in {proc.pid, proc.ppid()}:
                    continue
                if proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
                elif proc.pid in ours:
                    pass
                elif proc.ppid() == me.pid:
                    os.waitpid(proc.pid, os.WNOHANG)
            except (psutil.Error, ChildProcessError):
                pass
        for child in self.children:
            child.poll()
        return alive


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Stop signals wait (pending) until the block ends; children started
    inside inherit the block."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _become_subreaper() -> None:
    """Linux: orphaned descendants are re-parented to this process, so
    stop_children still finds them. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def main(argv: list[str]) -> int:
    address = argv[0] if argv else "127.0.0.1:8000"
    supervisor = Supervisor()
    for sig in STOP_SIGNALS:
        signal.signal(sig, supervisor.on_signal)
    env = dict(os.environ)
    server = None
    try:
        if not env.get("DATABASE_URL"):
            from safeguard import embedded_db

            with _signals_blocked():
                server = embedded_db.hold_server(embedded_db.data_dir(BASE_DIR))
            if supervisor.stopping():
                return 128 + supervisor.stop_signal
            owner_url = server.get_uri()
            env["DATABASE_OWNER_URL"] = owner_url
            env["DATABASE_URL"] = embedded_db.app_role_url(owner_url)
            supervisor.spare = server.get_pid()
        # After the server is up: a postmaster this process launched is pg_ctl's
        # orphan and must go to init, not here (stop_children would end it).
        _become_subreaper()
        for step in (["manage.py", "migrate", "--noinput"], ["manage.py", "seed_demo"]):
            code = supervisor.run(step, env)
            if code:
                return code
        return supervisor.serve(
            ["manage.py", "runserver", address], ["manage.py", "db_worker"], env
        )
    finally:
        with _signals_blocked():
            supervisor.stop_children()
            if server is not None:
                from safeguard import embedded_db

                embedded_db.release_server(server)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

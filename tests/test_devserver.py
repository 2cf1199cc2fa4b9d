"""``make run``'s supervisor (safeguard/devserver.py) leaves nothing of its run behind.

The whole ``make run`` under interruption is tests/reliability/test_make_run.py
(minutes, on demand); this is the fast check of the part most easily lost: a
process orphaned below the supervisor (runserver's reloader child when its parent
dies first) is still found and ended on a stop signal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import signal, sys, time
    from safeguard import devserver

    devserver._become_subreaper()
    supervisor = devserver.Supervisor()
    # A child that leaves a grandchild behind and exits: the grandchild is an orphan.
    orphan_maker = (
        "import subprocess, sys; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(p.pid, flush=True)"
    )
    child = supervisor.start(["-c", orphan_maker], {})
    child.wait()
    supervisor.stop_signal = signal.SIGINT
    supervisor.stop_children()
    """
)


def test_a_stop_signal_ends_descendants_orphaned_below_the_supervisor() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    orphan = int(done.stdout.split()[-1])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _running(orphan):
        time.sleep(0.05)
    try:
        assert not _running(orphan), "an orphaned process outlived the supervisor's stop"
    finally:
        if _running(orphan):
            psutil.Process(orphan).kill()


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_ctrl_c_in_a_manage_py_command_is_one_line_not_a_traceback() -> None:
    """Ctrl-C during ``make run``'s migrate printed Django's whole traceback; any
    ``manage.py`` command interrupted now says so in one line and exits 130."""
    interrupt = "import os, signal; os.kill(os.getpid(), signal.SIGINT)"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", interrupt],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 130, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "Stopped: manage.py shell was interrupted." in done.stderr

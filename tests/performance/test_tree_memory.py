"""The benchmark's memory sampler (bench/tree_memory.py): the peak of a process
and its forked children, with copy-on-write pages shared after the fork counted
once, and a short burst between two PSS readings not missed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.tree_memory import descendants, rss_kb

ROOT = Path(__file__).resolve().parents[2]
MB = 1024  # kB

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc"
)

# A parent that fills SHARED MB, forks a child that fills CHILD MB of its own,
# and (on "burst") fills BURST MB for a moment shorter than the sampler's PSS
# interval before freeing it.
TARGET = """
import os, sys, time
def fill(mb):
    block = bytearray(mb * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    return block
shared = fill(int(sys.argv[1]))
parent = os.getpid()
child = os.fork()
if child == 0:
    own = fill(int(sys.argv[2]))
    while os.getppid() == parent:  # until killed, or orphaned by a failed test
        time.sleep(0.1)
    os._exit(0)
time.sleep(0.5)
print("ready", flush=True)
sys.stdin.readline()
burst = fill(int(sys.argv[3]))
time.sleep(0.12)
del burst
print("done", flush=True)
sys.stdin.readline()
os.kill(child, 9)
os.waitpid(child, 0)
"""


def _sampled_peak_mb(shared: int, child: int, burst: int) -> tuple[float, float]:
    """The sampler's peak and the resident sizes summed before the burst (MB)."""
    target = subprocess.Popen(
        [sys.executable, "-c", TARGET, str(shared), str(child), str(burst)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    sampler = None
    try:
        assert target.stdout and target.stdin
        assert target.stdout.readline().strip() == "ready"
        resident = sum(rss_kb(pid) for pid in descendants(target.pid)) / MB
        sampler = subprocess.Popen(
            [sys.executable, "-m", "bench.tree_memory", str(target.pid)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.6)  # the sampler has read PSS at least once
        target.stdin.write("burst\n")
        target.stdin.flush()
        assert target.stdout.readline().strip() == "done"
        peak = int(sampler.communicate(timeout=30)[0].strip()) / MB
        target.stdin.write("end\n")
        target.stdin.flush()
        target.wait(timeout=30)
        return peak, resident
    finally:
        for process in (sampler, target):
            if process and process.poll() is None:
                process.kill()
                process.wait()


def test_shared_pages_count_once_and_a_short_burst_is_caught() -> None:
    peak, resident = _sampled_peak_mb(shared=120, child=60, burst=80)
    # The resident sizes count the 120 MB shared by parent and child twice.
    assert resident >= 120 * 2 + 60
    # PSS counts them once: 120 + 60 + the 80 MB burst, plus two interpreters.
    assert 120 + 60 + 80 <= peak < 120 + 60 + 80 + 60

"""Peak memory of a process and its descendants: ``python -m bench.tree_memory PID``
samples the summed PSS (proportional set size: pages shared between the
processes, such as a forked child's copy-on-write pages, counted once in all)
every 50 ms until its standard input closes, then prints the peak in kB.

PSS comes from ``/proc/<pid>/smaps_rollup`` (Linux); the sampler leaves itself out.
"""

from __future__ import annotations

import os
import select
import sys
from pathlib import Path


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue.extend(int(p) for p in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    root, me = int(sys.argv[1]), os.getpid()
    peak = 0
    while True:
        total = sum(pss_kb(pid) for pid in descendants(root) if pid != me)
        peak = max(peak, total)
        ready, _, _ = select.select([sys.stdin], [], [], 0.05)
        if ready and not sys.stdin.buffer.read1(4096):
            break
    print(peak)


if __name__ == "__main__":
    main()

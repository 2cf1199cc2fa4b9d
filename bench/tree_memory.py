"""Peak memory of a process and its descendants: ``python -m bench.tree_memory PID``
follows the summed PSS (proportional set size: pages shared between the
processes, such as a forked child's copy-on-write pages, counted once in all)
until its standard input closes, then prints the peak in kB.

PSS comes from ``/proc/<pid>/smaps_rollup`` (Linux), which is not cheap: the
kernel walks the process's page tables, ~5 ms of CPU for 250 MB, while holding
the process's memory-map lock. Read every 50 ms from three processes, that took
a fifth of a core from the two-core render being measured. So PSS is read
every ``PSS_INTERVAL`` seconds and whenever a process starts or ends, and in
between the total follows the resident sizes from ``/proc/<pid>/statm``
(microseconds to read) every ``RSS_INTERVAL``: the estimate is the last PSS
total plus the growth of the resident total since. Resident growth is new
memory, which PSS counts in full; only copy-on-write copies made since the last
PSS reading are missed (they add to PSS but not to the resident size).

The sampler leaves itself out.
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

PSS_INTERVAL = 0.25
RSS_INTERVAL = 0.02
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                queue.extend(
                    int(p)
                    for p in Path(f"/proc/{current}/task/{task}/children").read_text().split()
                )
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


def rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def main() -> None:
    root, me = int(sys.argv[1]), os.getpid()
    peak = 0
    pids: list[int] = []
    base_pss = base_rss = 0
    last_pss = 0.0
    while True:
        current = [pid for pid in descendants(root) if pid != me]
        now = time.monotonic()
        rss = sum(rss_kb(pid) for pid in current)
        if current != pids or now - last_pss >= PSS_INTERVAL:
            pids, last_pss = current, now
            base_pss, base_rss = sum(pss_kb(pid) for pid in current), rss
            estimate = base_pss
        else:
            estimate = base_pss + max(0, rss - base_rss)
        peak = max(peak, estimate)
        ready, _, _ = select.select([sys.stdin], [], [], RSS_INTERVAL)
        if ready and not sys.stdin.buffer.read1(4096):
            break
    print(peak)


if __name__ == "__main__":
    main()

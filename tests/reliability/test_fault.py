"""Fault: PostgreSQL stops in the middle of a busy shift, then comes back.

Managers are logging chronology entries, incidents and disclosure decisions
(with recipients, some through the two-step save with record-quality warnings).
While the database is down every request gets the "service unavailable" page
(503), never a 500; nothing is half-written (a decision is stored with its
recipients, findings and audit entries, or not at all); and once it is back the
very same gunicorn processes (same pids) serve again, with no restart.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.private_postgres import PrivatePostgres
from tests.reliability.support import (
    Ledger,
    app_env,
    fetch,
    run_managers,
    run_module,
    servers,
    verify_audit_chain,
)

pytestmark = pytest.mark.reliability

MANAGERS = 4
DOWN_AFTER = 2
DOWN_FOR = 3
KEEP_GOING_AFTER_RESTART = 3
LIMIT = 45  # seconds of load at most, whatever happens
KINDS = ("entry", "incident", "decision")


def test_database_outage_mid_run(
    private_postgres: PrivatePostgres, tmp_path: Path, capsys: Any
) -> None:
    env = app_env(private_postgres.create_database("sg_fault"))
    world: dict[str, Any] = {}

    def prepare() -> None:
        world.update(json.loads(run_module(env, "build", str(MANAGERS))))

    with servers(env, tmp_path, count=2, while_booting=prepare) as running:
        ports = [server.port for server in running]
        pids_before = [server.pids for server in running]
        ledgers: list[Ledger] = []
        stop = threading.Event()
        opened = threading.Event()
        load = threading.Thread(
            target=lambda: ledgers.append(
                run_managers(world, ports, LIMIT, stop=stop, opened=opened)
            )
        )
        load.start()
        # The outage comes mid-shift: after every manager has a form open.
        assert opened.wait(60), "the managers never opened their forms"
        time.sleep(DOWN_AFTER)
        private_postgres.stop()
        time.sleep(DOWN_FOR / 2)
        during = [
            (fetch(p, "GET", "/healthz").status, fetch(p, "GET", "/readyz").status) for p in ports
        ]
        time.sleep(DOWN_FOR / 2)
        private_postgres.start()
        back_at = time.monotonic()
        time.sleep(KEEP_GOING_AFTER_RESTART)
        stop.set()
        load.join(60)
        assert not load.is_alive()
        after = [fetch(p, "GET", "/readyz").status for p in ports]
        pids_after = [server.pids for server in running]

    ledger = ledgers[0]
    acks = json.dumps({"acks": ledger.acks, "where": ledger.where, "sent": ledger.sent})
    report = json.loads(run_module(env, "verify", stdin=acks))
    chain = verify_audit_chain(env)
    acked_after = ledger.acked_after(back_at)
    refused = Counter(kind for _, _, status, kind in ledger.events if status == 503)
    with capsys.disabled():
        print(
            f"\nfault: statuses {dict(ledger.statuses)}; 503 per kind {dict(refused)}; "
            "acknowledged/stored "
            + ", ".join(
                f"{kind} {len(ledger.acks.get(kind, []))}/{report['stored'].get(kind, 0)}"
                for kind in KINDS
            )
            + f"; warnings confirmed {dict(ledger.prompts)}; partial {len(report['partial'])}; "
            f"acknowledged after restart per server {dict(acked_after)}; probes while down "
            f"{during}; readyz after {after}; same pids {pids_before == pids_after}; chain "
            f"{'verified' if chain.returncode == 0 else 'BROKEN'}; stored {report['counts']}"
        )
    # While down: process alive, not ready, and users get the 503 page.
    assert during == [(200, 503), (200, 503)]
    assert ledger.statuses[503] > 0, "the outage was never seen"
    assert refused["decision"] > 0, "no decision was refused during the outage"
    assert not ledger.unexpected, ledger.unexpected[:10]
    # 200 only for the warnings page of the decision form's two-step save.
    assert ledger.statuses[200] == sum(ledger.prompts.values())
    assert not [s for s in ledger.statuses if s not in (200, 302, 503)]
    # Back: both servers write again, and they are the same processes.
    assert after == [200, 200]
    assert set(acked_after) == set(ports) and min(acked_after.values()) > 0
    assert pids_before == pids_after, "gunicorn or a worker was restarted"
    # Nothing acknowledged is lost, nothing is stored half: no decision without
    # its recipients or audit entries, no audit entry for a row that is not there.
    assert set(ledger.acks) == set(KINDS)
    assert report["missing"] == {kind: [] for kind in KINDS}
    assert report["duplicated"] == {kind: [] for kind in KINDS}
    assert report["misplaced"] == []
    assert report["partial"] == []
    assert chain.returncode == 0, chain.stdout.decode() + chain.stderr.decode()

"""Load: two gunicorn processes against one database, managers writing at once.

Managers log chronology entries, incidents and disclosure decisions (with
recipients; some saved only after confirming record-quality warnings). Every
write a manager was told was saved (a redirect to the record) must be in the
database exactly once, whole (status transition, recipients, quality findings,
audit entries), no request may fail with a server error, and the audit chain
must verify.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from incidents.models import Incident
from tests.disclosures.factories import good_values, make_decision
from tests.reliability import world as scenario
from tests.reliability.support import (
    app_env,
    committed_db,
    database_url,
    fetch,
    run_managers,
    servers,
    verify_audit_chain,
)

pytestmark = pytest.mark.reliability

MANAGERS = 6
SECONDS = 8
KINDS = ("entry", "incident", "decision")
STATIC = "/static/bootstrap/css/bootstrap.min.css"


@committed_db
def test_every_acknowledged_write_is_stored_under_load(tmp_path: Path, capsys: Any) -> None:
    world = scenario.build(MANAGERS)
    env = app_env(database_url(connection.settings_dict))

    with servers(env, tmp_path, count=2) as running:
        ledger = run_managers(world, [server.port for server in running], SECONDS)
        # Static files come from the app servers themselves (whitenoise).
        static = [fetch(server.port, "GET", STATIC) for server in running]
    access_lines = [
        line
        for log in tmp_path.glob("gunicorn-*.log")
        for line in log.read_text().splitlines()
        if line.startswith("127.0.0.1 ")
    ]

    report = scenario.verify(ledger.acks, ledger.where, ledger.sent)
    chain = verify_audit_chain(env)
    chain_result = chain.stdout.decode().splitlines()[0] if chain.returncode == 0 else "BROKEN"
    acknowledged = sum(len(markers) for markers in ledger.acks.values())
    server_errors = sum(n for s, n in ledger.statuses.items() if s >= 500 or s == 0)
    with capsys.disabled():
        print(
            f"\nload: {MANAGERS} managers, {SECONDS} s, 2 servers; acknowledged/stored "
            + ", ".join(
                f"{kind} {len(ledger.acks.get(kind, []))}/{report['stored'].get(kind, 0)}"
                for kind in KINDS
            )
            + f"; warnings confirmed {dict(ledger.prompts)}; 5xx {server_errors}; "
            f"statuses {dict(ledger.statuses)}; per server {list(ledger.by_port.values())}; "
            f"chain {chain_result}; stored {json.dumps(report['counts'])}"
        )
    assert not ledger.unexpected, ledger.unexpected[:10]
    assert server_errors == 0
    assert [reply.status for reply in static] == [200, 200]
    assert all("Bootstrap" in reply.body for reply in static)
    assert len(access_lines) >= len(ledger.events)
    assert all(re.search(r" request_id=[0-9a-f]{32}$", line) for line in access_lines)
    assert acknowledged >= 20, "the load test did too little to mean anything"
    assert len(ledger.by_port) == 2 and min(ledger.by_port.values()) > 0
    assert set(ledger.acks) == set(KINDS)
    assert ledger.prompts["decision"] > 0, "the two-step save was never exercised"
    assert report["missing"] == {kind: [] for kind in KINDS}, "acknowledged but not stored"
    assert report["duplicated"] == {kind: [] for kind in KINDS}
    assert report["stored"] == {kind: len(ledger.acks[kind]) for kind in KINDS}
    assert report["misplaced"] == [], "stored, but not on the record the user was sent to"
    assert report["partial"] == []
    assert chain.returncode == 0, chain.stdout.decode() + chain.stderr.decode()


@pytest.mark.django_db
def test_the_checker_notices_lost_and_misplaced_writes() -> None:
    world = scenario.build(1)
    own_page = f"/incidents/{world['incidents'][0]}/"
    report = scenario.verify(
        {"entry": ["never-stored", "calm at breakfast"]},
        {"never-stored": own_page, "calm at breakfast": "/incidents/999999/"},
    )
    assert report["missing"]["entry"] == ["never-stored"]
    assert report["misplaced"] == ["calm at breakfast"]
    assert report["partial"] == []


@pytest.mark.django_db
def test_the_checker_notices_decisions_without_recipients_or_on_another_incident() -> None:
    world = scenario.build(1)
    incident = Incident.objects.get(pk=world["incidents"][0])
    manager = get_user_model().objects.get(pk=world["users"][0])
    reasoning = good_values()["reasoning"]
    bare = make_decision(
        manager,
        incident,
        decision="do_not_share",
        what_shared="",
        what_withheld="The injury details were not passed on.",
        recipients=[],
        reasoning=f"{reasoning} bare-decision",
    )
    elsewhere = make_decision(manager, incident, reasoning=f"{reasoning} elsewhere-decision")
    form = f"/disclosures/incident/{incident.pk}/new/"
    report = scenario.verify(
        {"decision": ["bare-decision", "elsewhere-decision"]},
        {
            "bare-decision": f"/disclosures/{bare.pk}/",
            "elsewhere-decision": f"/disclosures/{elsewhere.pk}/",
        },
        {
            "bare-decision": {"path": form, "recipients": 1},
            "elsewhere-decision": {"path": "/disclosures/incident/999999/new/", "recipients": 1},
        },
    )
    assert report["stored"] == {"decision": 2}
    assert report["misplaced"] == ["elsewhere-decision"]
    assert report["partial"] == [
        "decision bare-decision: 1 recipients sent, 0 stored",
        f"decision {bare.pk} has no recipients",
    ]

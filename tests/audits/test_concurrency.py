"""Two OS processes writing at once keep one valid chain."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audits.chain import verify_chain
from audits.models import AuditEntry, ChainLink
from organisations.models import Organisation
from tests.reliability.support import database_url

TRANSACTIONS = 60


@pytest.mark.django_db(transaction=True)
def test_two_processes_writing_concurrently_keep_the_chain_valid(tmp_path: Path) -> None:
    organisation = Organisation.objects.create(name="Concurrency Care")
    start = tmp_path / "go"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "SAFEGUARD_ENV": "development",
    }
    env.pop("TEST_DATABASE_NAME", None)
    # The workers connect to the test database as the app; an owner URL naming
    # the development database would be refused as a mismatch (settings).
    env.pop("DATABASE_OWNER_URL", None)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.audits.chain_worker",
                str(organisation.pk),
                str(start),
                name,
                str(TRANSACTIONS),
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for name in ("alpha", "beta")
    ]
    start.touch()
    for worker in workers:
        assert worker.wait(timeout=120) == 0

    report = verify_chain()
    assert report.ok, report.problem
    written = AuditEntry.objects.filter(view__regex=r"^(alpha|beta)-")
    expected = {
        f"{name}-{i}-{part}"
        for name in ("alpha", "beta")
        for i in range(TRANSACTIONS)
        for part in ("a", "b")
    }
    assert set(written.values_list("view", flat=True)) == expected
    assert ChainLink.objects.count() == AuditEntry.objects.count() == report.count
    # Each transaction's two entries are adjacent in the chain (chained at its
    # commit), and the two writers did interleave.
    order = list(
        dict.fromkeys(
            ChainLink.objects.filter(entry__in=written)
            .order_by("seq")
            .values_list("entry__view", flat=True)
        )
    )
    for first, second in zip(order[::2], order[1::2], strict=True):
        assert first.removesuffix("-a") == second.removesuffix("-b")
    writers = [view.split("-")[0] for view in order]
    switches = sum(1 for a, b in itertools.pairwise(writers) if a != b)
    assert switches >= 1

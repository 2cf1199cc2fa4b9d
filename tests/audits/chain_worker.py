"""A separate OS process writing audit entries (used by test_concurrency).

Usage: python -m tests.audits.chain_worker <organisation id> <start file> <name> <transactions>
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from django.db import transaction

    from organisations.audit import log_access
    from organisations.models import Organisation

    org_id, start_file, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    organisation = Organisation.objects.get(pk=int(org_id))
    deadline = time.monotonic() + 60
    while not os.path.exists(start_file) and time.monotonic() < deadline:
        time.sleep(0.005)
    for i in range(count):
        # Two entries per transaction, so transactions interleave mid-way too.
        with transaction.atomic():
            log_access(organisation, view=f"{name}-{i}-a")
            log_access(organisation, view=f"{name}-{i}-b")


if __name__ == "__main__":
    main()

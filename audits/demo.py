"""The audit trail's part of the demo: people opening the incidents, so the
History tab and the audit-trail search show views as well as changes."""

from __future__ import annotations

from typing import Any

from organisations.audit import acting_as, log_access


def extend(ctx: Any) -> None:
    readers = [ctx.users["manager"], ctx.users["lead"], ctx.users["auditor"]]
    for incident in ctx.incidents.values():
        for user in readers:
            if incident.restricted and user == ctx.users["auditor"]:
                continue  # not on its need-to-know list
            with acting_as(user):
                log_access(incident, view="incident")

"""The load/fault scenario's data side: build a care group with logged-in
managers, and check afterwards that every acknowledged write was stored whole.

Used in-process by the load test and, for the fault test (whose database is a
private server the test process is not connected to), as a command:

    python -m tests.reliability.world build 6   # prints the world as JSON
    python -m tests.reliability.world verify    # reads {"acks", "where"} JSON on stdin
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any


def build(managers: int) -> dict[str, Any]:
    """One organisation, one service, ``managers`` managers with live sessions
    and one open incident each (so there is something to write to)."""
    from django.test import Client
    from django.utils import timezone

    from incidents.services import add_entry
    from organisations.models import Role
    from tests.factories import OrganisationFactory, PersonFactory, ServiceFactory, make_incident
    from tests.factories import member as make_member

    org: Any = OrganisationFactory(name="Load Test Care Group", reference_prefix="LT")
    service: Any = ServiceFactory(organisation=org, name="Load House")
    person: Any = PersonFactory(organisation=org, service=service)
    sessions, incidents = [], []
    for i in range(managers):
        user = make_member(org, Role.MANAGER, [service], username=f"load_manager_{i}")
        incident = make_incident(user, service, person=person)
        add_entry(
            actor=user,
            incident=incident,
            kind="observation",
            facts="Resident was calm at breakfast and ate well.",
            occurred_at=timezone.now() - timedelta(hours=1),
        )
        incidents.append(incident.pk)
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)
    return {
        "sessions": sessions,
        "incidents": incidents,
        "service": service.pk,
        "person": person.pk,
    }


def verify(acks: dict[str, list[str]], where: dict[str, str]) -> dict[str, Any]:
    """What was acknowledged but is missing, duplicated or not where the
    acknowledgement said (``where``: marker -> the redirect the user got), and
    any record stored without the rows that must come with it."""
    from auditlog import get_logentry_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from incidents.models import ChronologyEntry, Incident, StatusTransition

    audit = get_logentry_model()
    report: dict[str, Any] = {"missing": {}, "duplicated": {}, "misplaced": [], "partial": []}
    # kind -> (records carrying a marker, the incident page a record belongs to)
    lookups: dict[str, tuple[Any, Any]] = {
        "entry": (
            lambda marker: ChronologyEntry.objects.filter(facts__contains=marker),
            lambda entry: f"/incidents/{entry.incident_id}/",
        ),
        "incident": (
            lambda marker: Incident.objects.filter(summary__contains=marker),
            lambda incident: f"/incidents/{incident.pk}/",
        ),
        # Disclosure decisions: add "decision": (lambda m: DisclosureDecision..., page of it).
    }
    for kind, markers in acks.items():
        find, page = lookups[kind]
        found = {m: list(find(m)) for m in markers}
        report["missing"][kind] = [m for m, objs in found.items() if not objs]
        report["duplicated"][kind] = [m for m, objs in found.items() if len(objs) > 1]
        report["misplaced"] += [
            m for m, objs in found.items() if len(objs) == 1 and page(objs[0]) != where[m]
        ]
    clashes = (
        Incident.objects.values("organisation", "reference").annotate(n=Count("pk")).filter(n__gt=1)
    )
    report["partial"] += [f"reference {c['reference']} used {c['n']} times" for c in clashes]

    def unaudited(model: Any) -> list[str]:
        content_type = ContentType.objects.get_for_model(model)
        logged = set(
            audit.objects.filter(content_type=content_type, action=audit.Action.CREATE).values_list(
                "object_pk", flat=True
            )
        )
        stored = model.objects.values_list("pk", flat=True)
        return [str(pk) for pk in stored if str(pk) not in logged]

    with_transition = set(StatusTransition.objects.values_list("incident_id", flat=True))
    for incident in Incident.objects.exclude(pk__in=with_transition):
        report["partial"].append(f"incident {incident.pk} has no status transition")
    for pk in Incident.objects.filter(people__isnull=True).values_list("pk", flat=True):
        report["partial"].append(f"incident {pk} has no adult at risk")
    for model in (Incident, ChronologyEntry, StatusTransition):
        for missing in unaudited(model):
            report["partial"].append(f"{model.__name__} {missing} has no audit entry")
    report["counts"] = {
        "incidents": Incident.objects.count(),
        "entries": ChronologyEntry.objects.count(),
        "audit_entries": audit.objects.count(),
    }
    return report


def _main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    if argv[0] == "build":
        result = build(int(argv[1]))
    elif argv[0] == "verify":
        given = json.load(sys.stdin)
        result = verify(given["acks"], given["where"])
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    _main(sys.argv[1:])

"""The load/fault scenario's data side: build a care group with logged-in
managers, and check afterwards that every acknowledged write was stored whole.

Used in-process by the load test and, for the fault test (whose database is a
private server the test process is not connected to), as a command:

    python -m tests.reliability.world build 6   # prints the world as JSON
    python -m tests.reliability.world verify    # reads {"acks", "where", "sent"} JSON on stdin
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any


def build(managers: int) -> dict[str, Any]:
    """One organisation, one service, ``managers`` managers with live sessions
    and one open incident each (so there is something to write to; decisions
    all go on the first, which starts with one decision already)."""
    from django.test import Client
    from django.utils import timezone

    from incidents.services import add_entry
    from organisations.models import Role
    from tests.disclosures.factories import make_decision
    from tests.factories import OrganisationFactory, PersonFactory, ServiceFactory, make_incident
    from tests.factories import member as make_member

    org: Any = OrganisationFactory(name="Load Test Care Group", reference_prefix="LT")
    service: Any = ServiceFactory(organisation=org, name="Load House")
    person: Any = PersonFactory(organisation=org, service=service)
    sessions, incidents, users = [], [], []
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
        if not incidents:
            make_decision(user, incident)
        incidents.append(incident.pk)
        users.append(user.pk)
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)
    return {
        "sessions": sessions,
        "incidents": incidents,
        "users": users,
        "service": service.pk,
        "person": person.pk,
    }


def verify(
    acks: dict[str, list[str]],
    where: dict[str, str],
    sent: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What was acknowledged but is missing, duplicated or not where the
    acknowledgement said (``where``: marker -> the redirect the user got;
    ``sent``: marker -> the form URL posted and its recipient rows), and any
    record stored without the rows that must come with it."""
    from auditlog import get_logentry_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from disclosures.models import Consultation, DisclosureDecision, QualityFinding, Recipient
    from incidents.models import ChronologyEntry, Incident, StatusTransition

    audit = get_logentry_model()
    sent = sent or {}
    report: dict[str, Any] = {
        "missing": {},
        "duplicated": {},
        "stored": {},
        "misplaced": [],
        "partial": [],
    }
    # kind -> (records carrying a marker, the page the redirect must name,
    #          the form the record must have been posted from)
    lookups: dict[str, tuple[Any, Any, Any]] = {
        "entry": (
            lambda marker: ChronologyEntry.objects.filter(facts__contains=marker),
            lambda entry: f"/incidents/{entry.incident_id}/",
            lambda entry: f"/incidents/{entry.incident_id}/entries/new/",
        ),
        "incident": (
            lambda marker: Incident.objects.filter(summary__contains=marker),
            lambda incident: f"/incidents/{incident.pk}/",
            lambda incident: "/incidents/new/",
        ),
        "decision": (
            lambda marker: DisclosureDecision.objects.filter(reasoning__contains=marker),
            lambda decision: f"/disclosures/{decision.pk}/",
            lambda decision: f"/disclosures/incident/{decision.incident_id}/new/",
        ),
    }
    for kind, markers in acks.items():
        find, page, form_page = lookups[kind]
        found = {m: list(find(m)) for m in markers}
        report["missing"][kind] = [m for m, objs in found.items() if not objs]
        report["duplicated"][kind] = [m for m, objs in found.items() if len(objs) > 1]
        report["stored"][kind] = sum(len(objs) == 1 for objs in found.values())
        for m, objs in found.items():
            if len(objs) != 1:
                continue
            record, posted = objs[0], sent.get(m, {})
            expected_form = form_page(record)
            if page(record) != where[m] or posted.get("path", expected_form) != expected_form:
                report["misplaced"].append(m)
            if kind == "decision" and "recipients" in posted:
                stored_rows = record.recipients.count()
                if stored_rows != posted["recipients"]:
                    sent_rows = posted["recipients"]
                    report["partial"].append(
                        f"decision {m}: {sent_rows} recipients sent, {stored_rows} stored"
                    )
    clashes = (
        Incident.objects.values("organisation", "reference").annotate(n=Count("pk")).filter(n__gt=1)
    )
    report["partial"] += [f"reference {c['reference']} used {c['n']} times" for c in clashes]

    def audited_pks(model: Any) -> set[str]:
        content_type = ContentType.objects.get_for_model(model)
        return set(
            audit.objects.filter(content_type=content_type, action=audit.Action.CREATE).values_list(
                "object_pk", flat=True
            )
        )

    with_transition = set(StatusTransition.objects.values_list("incident_id", flat=True))
    for incident in Incident.objects.exclude(pk__in=with_transition):
        report["partial"].append(f"incident {incident.pk} has no status transition")
    for pk in Incident.objects.filter(people__isnull=True).values_list("pk", flat=True):
        report["partial"].append(f"incident {pk} has no adult at risk")
    # Every decision in this world is posted with recipient rows.
    for pk in DisclosureDecision.objects.filter(recipients__isnull=True).values_list(
        "pk", flat=True
    ):
        report["partial"].append(f"decision {pk} has no recipients")
    # Confirmed warnings are kept with the decision for audits, and only then.
    with_findings = set(QualityFinding.objects.values_list("decision_id", flat=True))
    for decision in DisclosureDecision.objects.only("pk", "quality_acknowledged"):
        if decision.quality_acknowledged != (decision.pk in with_findings):
            report["partial"].append(f"decision {decision.pk}: quality findings do not match")
    # Numbers per incident run 1..n: a rolled-back decision leaves no gap or repeat.
    numbers: dict[int, list[int]] = {}
    for incident_id, number in DisclosureDecision.objects.values_list(
        "incident_id", "recorded_number"
    ):
        numbers.setdefault(incident_id, []).append(number)
    for incident_id, taken in numbers.items():
        if sorted(taken) != list(range(1, len(taken) + 1)):
            report["partial"].append(f"decision numbers on incident {incident_id} are not 1..n")
    models = (
        Incident,
        ChronologyEntry,
        StatusTransition,
        DisclosureDecision,
        Recipient,
        Consultation,
        QualityFinding,
    )
    for model in models:
        stored = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        logged = audited_pks(model)
        for key in sorted(stored - logged):
            report["partial"].append(f"{model.__name__} {key} has no audit entry")
        # An audit entry for a row that is not there: a half-committed write.
        for key in sorted(logged - stored):
            report["partial"].append(f"audit entry for {model.__name__} {key}, which is not stored")
    report["counts"] = {
        "incidents": Incident.objects.count(),
        "entries": ChronologyEntry.objects.count(),
        "decisions": DisclosureDecision.objects.count(),
        "recipients": Recipient.objects.count(),
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
        result = verify(given["acks"], given["where"], given.get("sent"))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    _main(sys.argv[1:])

"""Audit entries as people read them, worked out when a page shows them.

The stored entry keeps what was true and is hashed into the chain: the view's
internal name ("disclosure_decision", "command:seed_demo") and a record label
made of type and id ("User #2"). A page shows where it happened in words and
names the person a user or membership entry is about. Nothing stored changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import capfirst

from audits.models import AuditEntry
from organisations import access
from organisations.models import Actor, Membership

# The ``view`` names passed to log_access / log_event, as the page a person was on.
WHERE = {
    "incident": "Incident page",
    "incident_history": "Incident's audit history",
    "person": "Adult at risk's page",
    "timeline": "Incident timeline",
    "disclosure_log": "Incident's disclosure decisions",
    "disclosure_register": "Adult at risk's disclosure register",
    "disclosure_decision": "Disclosure decision page",
    "allegation": "Allegation page",
    "safeguarding_record": "Allegation's safeguarding record",
    "hr_record": "Allegation's HR record",
    "export": "Chronology export page",
    "export_download": "Exported chronology downloaded",
    "export_verified": "Exported chronology checked on the verify page",
    "quality_audit": "Record-quality audit",
    "quality_report": "Record-quality audit report",
    "quality_report_pdf": "Record-quality audit report (PDF)",
    "audit_search": "Audit trail search",
    "audit_search_csv": "Audit trail downloaded as a spreadsheet",
    "login": "Sign-in page",
    "logout": "Sign-out",
    "unspecified": "",
}


def where(view: str) -> str:
    """ "Disclosure decision page" for "disclosure_decision"; a name added later
    without a description still reads as words."""
    if view.startswith("command:"):
        return f"System task: {view.removeprefix('command:').replace('_', ' ')}"
    if view in WHERE:
        return WHERE[view]
    return str(capfirst(view.replace("_", " ")))


def describe(entries: Iterable[AuditEntry], viewer: Actor) -> list[AuditEntry]:
    """The entries with ``where`` and ``record_label`` set for display. A user
    or membership entry names the person, if they belong to the viewer's
    organisation; anyone else stays a number."""
    entries = list(entries)
    membership = access.membership_of(viewer)
    user_model = get_user_model()
    user_ids: set[int] = set()
    membership_ids: set[int] = set()
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        if entry.object_pk and entry.object_pk.isdigit():
            if model is user_model:
                user_ids.add(int(entry.object_pk))
            elif model is Membership:
                membership_ids.add(int(entry.object_pk))
    by_user: dict[int, str] = {}
    by_membership: dict[int, str] = {}
    if membership is not None and (user_ids or membership_ids):
        known = Membership.objects.filter(organisation_id=membership.organisation_id).filter(
            Q(user_id__in=user_ids) | Q(pk__in=membership_ids)
        )
        for m in known.select_related("user"):
            by_user[m.user_id] = m.display_name
            by_membership[m.pk] = m.display_name
    current = _current_labels(entries, viewer)
    for entry in entries:
        entry.where = where(entry.view)
        label = entry.object_repr
        model = entry.content_type.model_class() if entry.content_type_id else None
        pk = int(entry.object_pk) if entry.object_pk and entry.object_pk.isdigit() else None
        if model is user_model and pk in by_user:
            label = f"{by_user[pk]} (user account)"
        elif model is Membership and pk in by_membership:
            label = f"{by_membership[pk]}'s membership and role"
        elif model is not None and (model, pk) in current:
            label = current[model, pk]
        entry.record_label = label
    return entries


def _current_labels(entries: list[AuditEntry], viewer: Actor) -> dict[tuple[Any, int | None], str]:
    """Decisions and allegations the viewer may see, named as their pages name
    them ("Decision 1 on SG-2026-0042", "Allegation SG-2026-0042/A1"): the stored
    label is type and register id ("Disclosure decision #8"), which is all that
    anyone else is shown. Numbers are today's (decided order)."""
    from allegations.access import visible_allegations
    from allegations.models import Allegation
    from disclosures.access import visible_decisions
    from disclosures.models import DisclosureDecision

    wanted: dict[Any, set[int]] = {DisclosureDecision: set(), Allegation: set()}
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        if model in wanted and entry.object_pk and entry.object_pk.isdigit():
            wanted[model].add(int(entry.object_pk))
    labels: dict[tuple[Any, int | None], str] = {}
    if wanted[DisclosureDecision]:
        decisions = visible_decisions(viewer).filter(pk__in=wanted[DisclosureDecision])
        for d in decisions.select_related("incident"):
            labels[DisclosureDecision, d.pk] = str(d)
    if wanted[Allegation]:
        allegations = visible_allegations(viewer).filter(pk__in=wanted[Allegation])
        for a in allegations.select_related("incident"):
            labels[Allegation, a.pk] = str(a)
    return labels

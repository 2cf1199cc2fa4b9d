"""Audit entries as people read them, worked out when a page shows them.

The stored entry keeps what was true and is hashed into the chain: the view's
internal name ("disclosure_decision", "command:seed_demo") and a record label
made of type and id ("User #2"). A page shows where it happened in words and
names the person a user or membership entry is about; the "Details" column
names the services, adults at risk, incidents, decisions and allegations a
change or a list was about ("Services: added Riverside House", "Incidents
shown: SG-2026-0012") when the reader may see them, and otherwise only says
how many ("1 incident not visible to you"). Nothing stored changes.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.text import capfirst

from audits.models import AuditEntry
from organisations import access
from organisations.models import Actor, Membership, Service

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
    "prior_concerns": "Earlier concerns shown on the incident form",
    "pattern_alerts": "Pattern alerts",
    "pattern_alert": "Pattern alert page",
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
    names = _names(_referenced(entries), viewer)
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
        elif (
            model is not None
            and pk is not None
            and model._meta.model_name in NAMED_RECORDS
            and (model, pk) in names
        ):
            label = f"{names[model, pk]} ({model._meta.verbose_name})"
        entry.record_label = label
        entry.details_lines = change_lines(entry, names) + listed_lines(entry, names)
    return entries


# --- Details: the records a change or a list was about, by name --------------------

_LABEL_PK = re.compile(r"#(\d+)")

Names = dict[tuple[Any, int], str]

# Records the Record column names, with their kind: "Test House (service)".
NAMED_RECORDS = ("service", "person")


def _lookups() -> dict[Any, Callable[[Any, set[int]], dict[int, str]]]:
    """For each kind of record the Details column can name: the names of those
    of ``pks`` the viewer may see, through that app's access rule."""
    from allegations.access import visible_allegations
    from allegations.models import Allegation
    from disclosures.access import visible_decisions
    from disclosures.models import DisclosureDecision
    from incidents.access import visible_incidents, visible_people
    from incidents.models import Incident, Person

    def services(viewer: Any, pks: set[int]) -> dict[int, str]:
        org = access.organisation_id_of(viewer)
        if org is None:
            return {}
        return dict(
            Service.objects.filter(organisation_id=org, pk__in=pks).values_list("pk", "name")
        )

    def memberships(viewer: Any, pks: set[int]) -> dict[int, str]:
        org = access.organisation_id_of(viewer)
        if org is None:
            return {}
        rows = Membership.objects.filter(organisation_id=org, pk__in=pks).select_related("user")
        return {m.pk: m.display_name for m in rows}

    return {
        Service: services,
        Membership: memberships,
        Incident: lambda viewer, pks: dict(
            visible_incidents(viewer).filter(pk__in=pks).values_list("pk", "reference")
        ),
        Person: lambda viewer, pks: {
            p.pk: str(p) for p in visible_people(viewer).filter(pk__in=pks)
        },
        DisclosureDecision: lambda viewer, pks: {
            d.pk: str(d)
            for d in visible_decisions(viewer).filter(pk__in=pks).select_related("incident")
        },
        Allegation: lambda viewer, pks: {
            a.pk: str(a)
            for a in visible_allegations(viewer).filter(pk__in=pks).select_related("incident")
        },
    }


def _model_of(entry: AuditEntry) -> Any:
    return entry.content_type.model_class() if entry.content_type_id else None


def _related(model: Any, name: str) -> Any:
    if model is None:
        return None
    with contextlib.suppress(FieldDoesNotExist):
        field = model._meta.get_field(name)
        return field.related_model if field.is_relation else None
    return None


def _change_pks(model: Any, name: str, change: Any) -> tuple[Any, list[int]]:
    """The related model and the ids a stored change names (an m2m change's
    labels "Service #2", or a foreign key's old and new ids)."""
    related = _related(model, name)
    if related is None:
        return None, []
    if isinstance(change, dict):
        labels = change.get("objects", [])
        found = (_LABEL_PK.search(str(label)) for label in labels)
        return related, [int(m.group(1)) for m in found if m]
    if isinstance(change, list):
        return related, [int(v) for v in change if str(v).isdigit()]
    return related, []


def _referenced(entries: list[AuditEntry]) -> dict[Any, set[int]]:
    wanted: dict[Any, set[int]] = {}
    for entry in entries:
        model = _model_of(entry)
        own = entry.object_pk if entry.object_pk and entry.object_pk.isdigit() else None
        if model is not None and model._meta.model_name in NAMED_RECORDS and own:
            wanted.setdefault(model, set()).add(int(own))
        if entry.action == AuditEntry.Action.UPDATE and isinstance(entry.changes, dict):
            for name, change in entry.changes.items():
                related, pks = _change_pks(model, name, change)
                if related is not None and pks:
                    wanted.setdefault(related, set()).update(pks)
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        shown = data.get("shown")
        if model is not None and isinstance(shown, list):
            wanted.setdefault(model, set()).update(v for v in shown if isinstance(v, int))
    return wanted


def _names(wanted: dict[Any, set[int]], viewer: Any) -> Names:
    """(model, id) → name, for the records the viewer may see; a kind of record
    with no lookup is left out (its stored label, type and id, is shown)."""
    lookups = _lookups()
    names: Names = {}
    for model, pks in wanted.items():
        lookup = lookups.get(model)
        if lookup is None or not pks:
            continue
        for pk, name in lookup(viewer, pks).items():
            names[model, pk] = name
    return names


def _hidden(model: Any, count: int) -> str:
    noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {noun} not visible to you"


def _named(model: Any, pks: list[int], names: Names) -> str:
    """ "Riverside House, Oak Lodge and 1 service not visible to you"."""
    shown = [names[model, pk] for pk in pks if (model, pk) in names]
    hidden = len(pks) - len(shown)
    parts = [", ".join(shown)] if shown else []
    if hidden:
        parts.append(_hidden(model, hidden))
    return " and ".join(parts) or "none"


def change_lines(entry: AuditEntry, names: Names) -> list[str]:
    """The entry's change summary with related records named: "Services: added
    Riverside House", "Service: Riverside House → Oak Lodge"."""
    lines = entry.change_summary()
    if not lines:
        return lines
    model = _model_of(entry)
    lookups = _lookups()
    out = []
    # change_summary gives one line per m2m change or [old, new] pair, sorted by field.
    listed = [
        (name, change)
        for name, change in sorted(entry.changes.items())
        if isinstance(change, dict) or (isinstance(change, list) and len(change) == 2)
    ]
    for (name, change), line in zip(listed, lines, strict=True):
        related, pks = _change_pks(model, name, change)
        if related not in lookups or not pks:
            out.append(line)
            continue
        label = line.split(": ", 1)[0]
        if isinstance(change, dict):
            verb = "added" if change.get("operation") == "add" else "removed"
            out.append(f"{label}: {verb} {_named(related, pks, names)}")
        else:
            old, new = (
                _named(related, [int(v)], names) if str(v).isdigit() else "—" for v in change
            )
            out.append(f"{label}: {old} → {new}")
    return out


def listed_lines(entry: AuditEntry, names: Names) -> list[str]:
    """A list page's rows by name: "Incidents shown (page 2): SG-2026-0012"."""
    lines = entry.listed_summary()
    model = _model_of(entry)
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    shown = data.get("shown")
    if model not in _lookups() or not isinstance(shown, list):
        return lines
    pks = [v for v in shown if isinstance(v, int)]
    label = str(capfirst(model._meta.verbose_name_plural))
    if "page" in data:
        label += f" (page {data['page']})"
    prefix = f"{label} shown: "
    return [
        f"{prefix}{_named(model, pks, names)}" if line.startswith(prefix) else line
        for line in lines
    ]


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

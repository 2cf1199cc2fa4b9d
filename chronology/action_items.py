"""Agreed actions on an incident's timeline (and so in its PDF exports).

Actions agreed at a disclosure decision or a strategy meeting are part of the
incident's record: kind ``action``. Actions agreed at a safeguarding key
decision of an allegation are the safeguarding side's: kind
``allegation_action``, shown only where that side may be (``allegation=True``,
as the side's own key decisions). Actions agreed at an HR key decision never
enter a timeline or an export, whatever the profile: HR records never do
(chronology/integrations.py), and this module never reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from actions.models import Action, SourceKind
from chronology.timeline import (
    Field,
    Provider,
    TimelineItem,
    TimelineQuery,
    name_of,
    register,
    when,
)

INCIDENT_KINDS = (SourceKind.DECISION, SourceKind.MEETING)


def _actions(q: TimelineQuery, *, allegation: bool) -> QuerySet[Action]:
    if allegation:
        rule = Q(
            source_kind=SourceKind.SAFEGUARDING_DECISION,
            safeguarding_decision__record__allegation__incident=q.incident,
        )
    else:
        rule = Q(source_kind=SourceKind.DECISION, decision__incident=q.incident) | Q(
            source_kind=SourceKind.MEETING, entry__incident=q.incident
        )
    qs = Action.objects.filter(organisation_id=q.incident.organisation_id).filter(rule)
    return q.in_range(qs, "created_at")


def action_item(a: Any) -> TimelineItem:
    completion = getattr(a, "completion", None)
    replaced = getattr(a, "correction", None)
    fields = [
        Field("Agreed at", _source_label(a)),
        Field("Owner", name_of(a.owner)),
        Field("Due by", a.due_date.strftime("%-d %b %Y")),
    ]
    if a.corrects_id:
        fields.append(Field("Replaces", f"ACT-{a.corrects_id}. {a.correction_reason}", prose=True))
    if completion is not None:
        fields.append(
            Field(
                f"Completed {when(completion.completed_at)} by {name_of(completion.completed_by)}",
                completion.note,
                prose=True,
            )
        )
    elif replaced is not None:
        fields.append(Field("Replaced by", replaced.reference))
    return TimelineItem(
        kind="allegation_action" if a.source_kind == SourceKind.SAFEGUARDING_DECISION else "action",
        kind_label=f"Agreed action {a.reference}",
        at=a.created_at,
        pk=a.pk,
        title="",
        byline=f"Agreed by {name_of(a.created_by)}",
        text=a.what,
        text_label="What is to be done",
        fields=fields,
        order=35,
    )


def _source_label(a: Any) -> str:
    if a.source_kind == SourceKind.DECISION:
        return f"Disclosure decision {a.decision.number}"
    if a.source_kind == SourceKind.MEETING:
        return f"Strategy meeting of {when(a.entry.occurred_at)}"
    return f"Safeguarding key decision of {when(a.safeguarding_decision.decided_at)}"


def _items(q: TimelineQuery, *, allegation: bool) -> Iterator[TimelineItem]:
    qs = _actions(q, allegation=allegation).select_related(
        "owner",
        "created_by",
        "decision",
        "entry",
        "safeguarding_decision",
        "completion__completed_by",
        "correction",
    )
    for a in qs.order_by("created_at", "pk"):
        yield action_item(a)


def load() -> None:
    register(
        Provider(
            "action",
            "Agreed actions",
            lambda q: _actions(q, allegation=False).count(),
            lambda q: _items(q, allegation=False),
        )
    )
    register(
        Provider(
            "allegation_action",
            "Allegation: actions from safeguarding key decisions",
            lambda q: _actions(q, allegation=True).count(),
            lambda q: _items(q, allegation=True),
            allegation=True,
        )
    )

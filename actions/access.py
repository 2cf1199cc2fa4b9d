"""Who may see an agreed action: exactly who may see its source.

``visible_actions`` is the one rule. Each kind of source contributes the rule
of the app that owns it: a disclosure decision's or a meeting entry's incident
rule (``incidents.access.incident_rule`` through the source's own incident,
the rule ``visible_decisions`` is built on, subject rule included); a
safeguarding key decision, the allegations visible to those who may read the
safeguarding side; an HR key decision, those visible to HR. Quality audits
sit above this app, so ``audits`` registers its kind's rule here
(``register_source_rule``) from its ``AppConfig.ready``; an unregistered kind
is visible to nobody. Organisation admins see none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from actions.models import Action, ActionQuerySet, SourceKind
from allegations.access import (
    can_write_side,
    visible_allegations,
)
from allegations.models import HRDecision, SafeguardingDecision
from disclosures.access import can_record_decision
from disclosures.models import DisclosureDecision
from incidents.access import can_record_on, incident_rule, visible_incidents
from incidents.models import ChronologyEntry, EntryKind
from organisations.access import (
    INCIDENT_READERS,
    INCIDENT_WRITERS,
    colleagues,
    get_or_404,
    has_role,
    membership_of,
)
from organisations.models import Actor, Membership, Role

SourceRule = Callable[[Actor], Q]
SourceLink = Callable[[Action], tuple[str, str]]
_EXTRA_RULES: dict[str, SourceRule] = {}
_EXTRA_LINKS: dict[str, SourceLink] = {}
NOTHING = Q(pk__in=[])


def register_source(kind: str, rule: SourceRule, link: SourceLink) -> None:
    """For a source kind owned by an app above this one (quality audits):
    ``rule(user)`` is a condition on ``Action`` rows true where the user may see
    the source; ``link(action)`` is (label, path) of the source's page."""
    _EXTRA_RULES[kind] = rule
    _EXTRA_LINKS[kind] = link


def source_link(action: Action) -> tuple[str, str]:
    """(label, path) of the page of the record the action was agreed at: a
    reference and a kind, never its text."""
    from django.urls import reverse

    kind = action.source_kind
    if kind == SourceKind.DECISION and action.decision is not None:
        d = action.decision
        return (
            f"{d.incident.reference}, disclosure decision {d.number}",
            reverse("disclosures:detail", args=[d.pk]),
        )
    if kind == SourceKind.MEETING and action.entry is not None:
        e = action.entry
        url = reverse("incidents:detail", args=[e.incident_id]) + f"#entry-{e.pk}"
        return (f"{e.incident.reference}, strategy meeting", url)
    for side, item in (
        ("safeguarding", action.safeguarding_decision),
        ("hr", action.hr_decision),
    ):
        if item is not None:
            allegation = item.record.allegation
            url = reverse(f"allegations:{side}", args=[allegation.pk]) + f"#decision-{item.pk}"
            label = "safeguarding" if side == "safeguarding" else "HR"
            return (f"{allegation.incident.reference}, {label} key decision", url)
    if kind in _EXTRA_LINKS:
        return _EXTRA_LINKS[kind](action)
    return ("", "")


def reads_actions(membership: Membership | None) -> bool:
    """Whether ``visible_actions`` can hold anything for the member: everyone
    but an organisation admin."""
    return membership is not None and membership.role != Role.ADMIN


def visible_actions(user: Actor | None) -> ActionQuerySet:
    membership = membership_of(user)
    if user is None or membership is None or not reads_actions(membership):
        return Action.objects.none()
    rule = NOTHING
    if membership.role in INCIDENT_READERS:
        for kind, via in ((SourceKind.DECISION, "decision__"), (SourceKind.MEETING, "entry__")):
            rule |= Q(source_kind=kind) & incident_rule(user, membership, via=f"{via}incident__")
    if membership.role in (Role.LEAD, Role.MANAGER):
        rule |= Q(
            source_kind=SourceKind.SAFEGUARDING_DECISION,
            safeguarding_decision__record__allegation__in=visible_allegations(user).values("pk"),
        )
    if membership.role == Role.HR:
        rule |= Q(
            source_kind=SourceKind.HR_DECISION,
            hr_decision__record__allegation__in=visible_allegations(user).values("pk"),
        )
    for extra in _EXTRA_RULES.values():
        rule |= extra(user)
    return Action.objects.filter(organisation_id=membership.organisation_id).filter(rule)


def get_action_for(user: Actor, pk: Any) -> Action:
    return get_or_404(
        visible_actions(user).select_related(
            "owner",
            "created_by",
            "decision__incident",
            "entry__incident",
            "safeguarding_decision__record__allegation__incident",
            "hr_decision__record__allegation__incident",
            "completion__completed_by",
            "correction",
        ),
        pk,
        "action",
    )


# --- Sources ------------------------------------------------------------------

# The URL slug of each kind that actions are created from on this app's pages.
SLUGS = {
    "decision": SourceKind.DECISION,
    "meeting": SourceKind.MEETING,
    "safeguarding-decision": SourceKind.SAFEGUARDING_DECISION,
    "hr-decision": SourceKind.HR_DECISION,
}


def get_source_for(user: Actor, kind: str, pk: Any) -> Any:
    """The source record of ``kind`` (a ``SourceKind`` value) the user may see, or 404."""
    if kind == SourceKind.DECISION:
        from disclosures.access import visible_decisions

        return get_or_404(visible_decisions(user).select_related("incident"), pk, "decision")
    if kind == SourceKind.MEETING:
        entries = ChronologyEntry.objects.filter(
            incident__in=visible_incidents(user).values("pk"), kind=EntryKind.MEETING
        )
        return get_or_404(entries.select_related("incident"), pk, "entry")
    if kind in (SourceKind.SAFEGUARDING_DECISION, SourceKind.HR_DECISION):
        side = "safeguarding" if kind == SourceKind.SAFEGUARDING_DECISION else "hr"
        model: Any = SafeguardingDecision if side == "safeguarding" else HRDecision
        item = get_or_404(
            model.objects.filter(
                record__allegation__in=visible_allegations(user).values("pk")
            ).select_related("record__allegation__incident"),
            pk,
            "decision",
        )
        if not can_write_side(user, item.record.allegation, side):
            return get_or_404(model.objects.none(), pk, "decision")
        return item
    return get_or_404(DisclosureDecision.objects.none(), pk, "source")


def can_agree_action_on(user: Actor, kind: str, source: Any) -> bool:
    """Record (and reassign) actions from a source the caller already holds."""
    if kind == SourceKind.DECISION:
        return can_record_decision(user, source.incident)
    if kind == SourceKind.MEETING:
        return source.kind == EntryKind.MEETING and can_record_on(user, source.incident)
    if kind == SourceKind.SAFEGUARDING_DECISION:
        return can_write_side(user, source.record.allegation, "safeguarding")
    if kind == SourceKind.HR_DECISION:
        return can_write_side(user, source.record.allegation, "hr")
    return False


def owner_candidates(user: Actor, kind: str) -> QuerySet[Membership]:
    """Colleagues who may be asked to own an action of this kind (the service
    then checks that the one chosen can see the source)."""
    if kind == SourceKind.HR_DECISION:
        return colleagues(user, Role.HR)
    if kind == SourceKind.AUDIT:
        return colleagues(user, Role.MANAGER, Role.LEAD, Role.HR, Role.AUDITOR)
    return colleagues(user, *INCIDENT_WRITERS)


def can_complete(user: Actor, action: Action) -> bool:
    """The owner, or whoever may agree actions on its source (caller holds a
    visible action)."""
    if action.owner_id == getattr(user, "pk", None):
        return True
    if action.source_kind == SourceKind.AUDIT:
        return has_role(user, Role.LEAD, Role.AUDITOR)  # who run quality audits
    source = action.source
    return source is not None and can_agree_action_on(user, action.source_kind, source)


def can_change(user: Actor, action: Action) -> bool:
    """Reassign or correct (caller holds a visible action): whoever may agree
    actions on its source; for audit findings, those who run quality audits."""
    if action.source_kind == SourceKind.AUDIT:
        return has_role(user, Role.LEAD, Role.AUDITOR)
    source = action.source
    return source is not None and can_agree_action_on(user, action.source_kind, source)


def actions_of_source(user: Actor, kind: str, source: Any) -> ActionQuerySet:
    field = {
        SourceKind.DECISION: "decision",
        SourceKind.MEETING: "entry",
        SourceKind.SAFEGUARDING_DECISION: "safeguarding_decision",
        SourceKind.HR_DECISION: "hr_decision",
    }[SourceKind(kind)]
    return visible_actions(user).filter(**{field: source}).select_related("owner", "completion")

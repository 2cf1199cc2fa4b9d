"""Agreed actions on world's records, through the service; and, for overdue
ones (the service refuses a due date in the past), a row written directly, as
an action agreed days ago would be."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from actions import services
from actions.models import Action, SourceKind
from incidents import services as incident_services

SECRET = "ACTIONSECRET chase the bank about the missing £120"


def decision(w: Any) -> Any:
    if "action_decision" not in w.objects:
        from tests.disclosures.factories import make_decision

        w.objects["action_decision"] = make_decision(w.users["manager"], w.objects["incident"])
    return w.objects["action_decision"]


def meeting(w: Any, key: str = "incident", actor: str = "manager") -> Any:
    name = f"meeting_{key}"
    if name not in w.objects:
        w.objects[name] = incident_services.add_entry(
            actor=w.users[actor],
            incident=w.objects[key],
            kind="meeting",
            facts="Strategy meeting with the council safeguarding team and the police.",
            occurred_at=timezone.now() - timedelta(hours=2),
            present="Social worker, police officer, registered manager",
        )
    return w.objects[name]


def agree(
    w: Any,
    actor: str,
    kind: str,
    source: Any,
    *,
    owner: str | None = None,
    due: date | None = None,
    what: str = SECRET,
) -> Action:
    return services.agree_action(
        actor=w.users[actor],
        source_kind=kind,
        source=source,
        what=what,
        owner=w.users[owner or actor],
        due_date=due or timezone.localdate() + timedelta(days=3),
    )


def overdue(w: Any, owner: str, source: Any, *, days: int = 2, kind: str = "decision") -> Action:
    """An action agreed a while ago whose due date has passed."""
    field = {"decision": "decision", "meeting": "entry"}[kind]
    return Action.objects.create(
        organisation_id=source.organisation_id,
        source_kind=kind,
        what=SECRET,
        owner=w.users[owner],
        due_date=timezone.localdate() - timedelta(days=days),
        created_by=w.users[owner],
        **{field: source},
    )


def decision_action(w: Any) -> Action:
    if "decision_action" not in w.objects:
        w.objects["decision_action"] = agree(w, "manager", SourceKind.DECISION, decision(w))
    return w.objects["decision_action"]


def other_action(w: Any) -> Action:
    if "other_action" not in w.objects:
        from tests.disclosures.factories import make_decision

        d = make_decision(w.users["outsider"], w.objects["other_incident"])
        w.objects["other_action"] = agree(w, "outsider", SourceKind.DECISION, d)
    return w.objects["other_action"]


def restricted_action(w: Any) -> Action:
    if "restricted_action" not in w.objects:
        from tests.disclosures.factories import make_decision

        d = make_decision(w.users["lead"], w.objects["restricted"])
        w.objects["restricted_action"] = agree(w, "lead", SourceKind.DECISION, d)
    return w.objects["restricted_action"]


def side_action(w: Any, side: str) -> Action:
    from tests.allegations.factories import with_content

    key = f"{side}_action"
    if key not in w.objects:
        with_content(w)
        actor = "lead" if side == "safeguarding" else "hr"
        kind = (
            SourceKind.SAFEGUARDING_DECISION if side == "safeguarding" else SourceKind.HR_DECISION
        )
        w.objects[key] = agree(
            w, actor, kind, w.objects[f"{'sg' if side == 'safeguarding' else 'hr'}_decision"]
        )
    return w.objects[key]


def subject_action(w: Any) -> Action:
    from tests.allegations.factories import subject_case

    if "subject_action" not in w.objects:
        subject_case(w)
        w.objects["subject_action"] = agree(
            w, "lead", SourceKind.DECISION, w.objects["subject_decision"]
        )
    return w.objects["subject_action"]

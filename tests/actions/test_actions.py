"""Agreed actions: visibility by construction, the owner rule, completion and
reassignment as new rows, and the database's "exactly one source" rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from actions import access, services
from actions.models import Action, ActionCompletion, SourceKind
from tests.actions import factories as f


def test_an_action_is_visible_exactly_where_its_decision_is(world: Any) -> None:
    action = f.decision_action(world)
    seen = {
        role
        for role in world.users
        if access.visible_actions(world.users[role]).filter(pk=action.pk)
    }
    assert seen == {"manager", "lead", "auditor"}


def test_hr_actions_are_for_hr_only_and_safeguarding_ones_never_for_hr(world: Any) -> None:
    hr_action = f.side_action(world, "hr")
    sg_action = f.side_action(world, "safeguarding")
    for role, hr_seen, sg_seen in [
        ("hr", True, False),
        ("lead", False, True),
        ("manager", False, True),  # on the need-to-know list
        ("auditor", False, False),
        ("admin", False, False),
    ]:
        visible = access.visible_actions(world.users[role])
        assert visible.filter(pk=hr_action.pk).exists() is hr_seen, role
        assert visible.filter(pk=sg_action.pk).exists() is sg_seen, role


def test_the_subject_of_an_allegation_sees_no_action_on_the_incident(world: Any) -> None:
    action = f.subject_action(world)
    for role in ("subject_manager", "subject_lead", "subject_auditor", "subject_hr"):
        assert not access.visible_actions(world.user(role)).filter(pk=action.pk).exists(), role
    assert access.visible_actions(world.users["lead"]).filter(pk=action.pk).exists()


def test_the_owner_must_be_able_to_see_the_source(world: Any) -> None:
    # manager_dom manages another service: they cannot open the home incident.
    with pytest.raises(ValidationError) as caught:
        f.agree(world, "manager", SourceKind.DECISION, f.decision(world), owner="manager_dom")
    assert "owner" in caught.value.message_dict
    assert not Action.objects.exists()


def test_only_writers_on_the_source_agree_actions(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        f.agree(world, "auditor", SourceKind.DECISION, f.decision(world), owner="manager")
    with pytest.raises(PermissionDenied):
        f.agree(world, "lead", SourceKind.HR_DECISION, f.side_action(world, "hr").hr_decision)


def test_actions_come_from_meetings_only_not_other_entries(world: Any) -> None:
    from incidents import services as incident_services

    entry = incident_services.add_entry(
        actor=world.users["manager"],
        incident=world.objects["incident"],
        kind="observation",
        facts="Bruise seen on the left wrist at the 08:00 call.",
        occurred_at=timezone.now() - timedelta(hours=1),
    )
    with pytest.raises(PermissionDenied):
        f.agree(world, "manager", SourceKind.MEETING, entry)
    assert f.agree(world, "manager", SourceKind.MEETING, f.meeting(world)).entry_id


def test_completion_needs_a_note_and_happens_once(world: Any) -> None:
    action = f.decision_action(world)
    with pytest.raises(ValidationError):
        services.complete_action(actor=world.users["manager"], action=action, note="  ")
    services.complete_action(actor=world.users["manager"], action=action, note="Joint visit done.")
    with pytest.raises(ValidationError):
        services.complete_action(actor=world.users["manager"], action=action, note="Again.")
    assert ActionCompletion.objects.filter(action=action).count() == 1
    assert not Action.objects.filter(pk=action.pk).open().exists()


def test_an_auditor_who_sees_an_action_cannot_complete_it(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.complete_action(
            actor=world.users["auditor"], action=f.decision_action(world), note="Done."
        )


def test_reassignment_is_a_new_row_with_a_reason_and_closes_the_old(world: Any) -> None:
    action = f.decision_action(world)
    due = timezone.localdate() + timedelta(days=5)
    with pytest.raises(ValidationError) as caught:
        services.reassign_action(
            actor=world.users["lead"], action=action, what=action.what,
            owner=world.users["lead"], due_date=due, reason="",
        )  # fmt: skip
    assert "reason" in caught.value.message_dict
    new = services.reassign_action(
        actor=world.users["lead"], action=action, what=action.what,
        owner=world.users["lead"], due_date=due, reason="The manager is on leave.",
    )  # fmt: skip
    assert new.corrects_id == action.pk and new.decision_id == action.decision_id
    action.refresh_from_db()
    assert action.owner == world.users["manager"]  # the original stays as it was
    assert list(Action.objects.open().filter(decision=action.decision)) == [new]


def test_actions_are_never_edited_or_deleted(world: Any) -> None:
    action = f.decision_action(world)
    for sql in ("UPDATE actions_action SET what = 'x' WHERE id = %s",
                "DELETE FROM actions_action WHERE id = %s"):  # fmt: skip
        with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cur:  # noqa: B017
            cur.execute(sql, [action.pk])
    assert Action.objects.get(pk=action.pk).what == action.what


def test_the_database_holds_exactly_one_source_of_the_kind_named(world: Any) -> None:
    decision, entry = f.decision(world), f.meeting(world)
    base = {
        "organisation_id": decision.organisation_id,
        "what": "x",
        "owner": world.users["manager"],
        "due_date": timezone.localdate(),
        "created_by": world.users["manager"],
    }
    for bad in (
        {"source_kind": SourceKind.DECISION},
        {"source_kind": SourceKind.DECISION, "decision": decision, "entry": entry},
        {"source_kind": SourceKind.MEETING, "decision": decision},
        {"source_kind": SourceKind.AUDIT, "decision": decision},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.create(**base, **bad)


def test_another_organisations_source_is_refused_by_the_database(world: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            organisation=world.other_org,
            source_kind=SourceKind.DECISION,
            decision=f.decision(world),
            what="x",
            owner=world.users["outsider"],
            due_date=timezone.localdate(),
            created_by=world.users["outsider"],
        )


def test_the_decision_page_lists_its_actions_and_offers_to_agree_one(world: Any) -> None:
    action = f.decision_action(world)
    page = world.client("manager").get(reverse("disclosures:detail", args=[action.decision_id]))
    html = page.content.decode()
    assert reverse("actions:detail", args=[action.pk]) in html
    assert reverse("actions:create", args=["decision", action.decision_id]) in html
    auditor = world.client("auditor").get(reverse("disclosures:detail", args=[action.decision_id]))
    assert reverse("actions:create", args=["decision", action.decision_id]) not in (
        auditor.content.decode()
    )


def test_agreeing_an_action_through_the_page(world: Any) -> None:
    decision = f.decision(world)
    url = reverse("actions:create", args=["decision", decision.pk])
    client = world.client("manager")
    bad = client.post(url, {"what": "", "owner": world.users["manager"].pk, "due_date": ""})
    assert bad.status_code == 200
    assert (
        'id="error-summary"' in bad.content.decode() and 'href="#id_what"' in bad.content.decode()
    )
    assert not Action.objects.exists()
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    ok = client.post(url, {"what": f.SECRET, "owner": world.users["lead"].pk, "due_date": due})
    assert ok.status_code == 302
    action = Action.objects.get()
    assert action.owner == world.users["lead"] and action.decision == decision
    detail = client.get(ok["Location"])
    assert f.SECRET in detail.content.decode()


def test_meeting_entries_offer_agree_an_action(world: Any) -> None:
    entry = f.meeting(world)
    page = world.client("manager").get(reverse("incidents:detail", args=[entry.incident_id]))
    assert reverse("actions:create", args=["meeting", entry.pk]) in page.content.decode()


def test_actions_are_on_the_timeline_but_never_those_of_the_hr_side(world: Any) -> None:
    from chronology import timeline

    decision_action = f.decision_action(world)
    sg_action = f.side_action(world, "safeguarding")
    hr_action = f.side_action(world, "hr")
    kinds = frozenset(p.kind for p in timeline.providers())
    query = timeline.TimelineQuery(
        incident=world.objects["incident"],
        kinds=kinds,
        include_hr=True,
        include_allegations=True,
    )
    shown = {(i.kind, i.pk) for i in timeline.build(query)}
    assert ("action", decision_action.pk) in shown
    assert ("allegation_action", sg_action.pk) in shown
    assert not any(pk == hr_action.pk and "action" in kind for kind, pk in shown)
    without_allegations = timeline.TimelineQuery(incident=world.objects["incident"], kinds=kinds)
    assert ("allegation_action", sg_action.pk) not in {
        (i.kind, i.pk) for i in timeline.build(without_allegations)
    }
    page = world.client("lead").get(
        reverse("chronology:timeline", args=[world.objects["incident"].pk])
    )
    assert f"Agreed action {decision_action.reference}" in page.content.decode()

"""The review-point projection: kept by triggers, true to the records, cheap to read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from disclosures import review_points, services
from disclosures.models import DisclosureDecision, ReviewPoint
from tests.disclosures.factories import make_decision

TODAY = timezone.localdate()


def _point(decision: DisclosureDecision) -> ReviewPoint:
    return ReviewPoint.objects.get(decision=decision)


def test_a_new_decision_gets_its_own_review_point(world: Any) -> None:
    decision = make_decision(
        world.users["manager"],
        world.objects["incident"],
        review_date=TODAY + timedelta(days=9),
        review_what="Whether she has a safe way to contact us.",
    )
    point = _point(decision)
    assert point.due_date == TODAY + timedelta(days=9)
    assert point.what == "Whether she has a safe way to contact us."
    assert point.organisation_id == decision.organisation_id
    assert point.service_id == decision.incident.service_id
    assert point.incident_id == decision.incident_id and point.last_review_id is None


def test_reviews_move_the_point_on_or_end_it(world: Any) -> None:
    manager = world.users["manager"]
    decision = make_decision(manager, world.objects["incident"])
    moved = services.record_review(
        actor=manager,
        decision=decision,
        reviewed_at=timezone.now() - timedelta(minutes=5),
        what_changed="Private contact achieved.",
        next_review_date=TODAY + timedelta(days=30),
        next_review_what="NEXT",
    )
    point = _point(decision)
    assert (point.due_date, point.what, point.last_review_id) == (
        TODAY + timedelta(days=30),
        "NEXT",
        moved.pk,
    )
    ended = services.record_review(
        actor=manager,
        decision=decision,
        reviewed_at=timezone.now(),
        what_changed="Enquiry closed.",
        no_further_review_reason="Risk removed.",
    )
    point = _point(decision)
    assert point.due_date is None and point.last_review_id == ended.pk
    annotated: Any = DisclosureDecision.objects.with_review_point().get(pk=decision.pk)
    assert annotated.current_review_date is None
    assert not DisclosureDecision.objects.review_open().filter(pk=decision.pk).exists()


def test_a_review_dated_before_the_latest_does_not_take_over(world: Any) -> None:
    """The latest review (by when it took place) sets the point, as the page shows."""
    from disclosures.models import DecisionReview

    manager = world.users["manager"]
    decision = make_decision(manager, world.objects["incident"])
    latest = services.record_review(
        actor=manager,
        decision=decision,
        reviewed_at=timezone.now(),
        what_changed="Seen today.",
        next_review_date=TODAY + timedelta(days=20),
        next_review_what="LATEST",
    )
    # A late write-up of an earlier review, inserted directly (the service
    # always reviews the current point; the projection must not depend on it).
    DecisionReview.objects.create(
        organisation_id=decision.organisation_id,
        decision=decision,
        review_point_date=decision.review_date,
        reviewed_by=manager,
        reviewed_at=decision.decided_at + timedelta(minutes=1),
        what_changed="Written up late.",
        next_review_date=TODAY + timedelta(days=2),
        next_review_what="EARLIER",
    )
    point = _point(decision)
    assert (point.what, point.last_review_id) == ("LATEST", latest.pk)
    assert review_points.differences() == 0


def test_a_rolled_back_review_leaves_the_point_as_it_was(world: Any) -> None:
    manager = world.users["manager"]
    decision = make_decision(manager, world.objects["incident"], review_what="BEFORE")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.record_review(
            actor=manager,
            decision=decision,
            reviewed_at=timezone.now(),
            what_changed="Then the request failed.",
            next_review_date=TODAY + timedelta(days=30),
            next_review_what="AFTER",
        )
        raise RuntimeError
    assert _point(decision).what == "BEFORE"


def test_check_and_rebuild_command(world: Any) -> None:
    manager = world.users["manager"]
    decision = make_decision(manager, world.objects["incident"], review_what="TRUE")
    call_command("rebuild_review_points", "--check")
    with connection.cursor() as cur:  # someone edits the projection by hand
        cur.execute(
            "UPDATE disclosures_reviewpoint SET due_date = NULL WHERE decision_id = %s",
            [decision.pk],
        )
    assert review_points.differences() == 2  # the true row missing, a wrong one there
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_review_points", "--check")
    call_command("rebuild_review_points")
    assert _point(decision).due_date == decision.review_date
    call_command("rebuild_review_points", "--check")


def test_reviews_due_says_more_than_the_cap_when_there_are_more(
    world: Any, monkeypatch: Any
) -> None:
    from disclosures import views

    manager = world.users["manager"]
    past = timezone.now() - timedelta(days=20)
    for n in range(3):
        make_decision(
            manager,
            world.objects["incident"],
            decided_at=past,
            recipients=[],
            decision="do_not_share",
            what_shared="",
            what_withheld="All of it: not needed.",
            review_date=TODAY - timedelta(days=n + 1),
        )
    url = reverse("disclosures:reviews_due")
    assert "3 review points overdue" in world.client("lead").get(url).content.decode()
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    html = world.client("lead").get(url).content.decode()
    assert "More than 2 review points overdue" in html

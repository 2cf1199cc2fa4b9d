"""The per-incident log, the per-person register and "Reviews due"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosures import services
from tests.disclosures.factories import good_values, make_decision
from tests.factories import make_incident

TODAY = timezone.localdate()

NOT_SHARED = {
    "decision": "do_not_share",
    "what_shared": "",
    "what_withheld": "The pattern of missing money was considered and not shared.",
    "recipients": [{**good_values()["recipients"][0], "shared_at": None}],
    "lawful_basis": "",
    "special_condition": "",
    "proportionality": "",
    "consent_position": "refused",
    "consent_reason": "",
    "consent_reason_detail": "",
    "consent_discussion": "Explained options with the easy-read leaflet.",
    "understanding_checked": "He explained it back in his own words.",
}


def _register(world: Any, role: str = "lead", **params: Any) -> str:
    person = world.objects["incident"].people.first()
    url = reverse("disclosures:person_register", kwargs={"pk": person.pk})
    return world.client(role).get(url, params).content.decode()


def test_decision_not_to_share_appears_in_both_registers(world: Any) -> None:
    incident = world.objects["incident"]
    make_decision(world.users["manager"], incident, **NOT_SHARED)
    log = (
        world.client("manager")
        .get(reverse("disclosures:incident_log", kwargs={"pk": incident.pk}))
        .content.decode()
    )
    assert "Do not share" in log
    assert "The pattern of missing money was considered and not shared." in log
    assert "not shared" in log
    register = _register(world)
    assert "Do not share" in register
    assert "Not shared: The pattern of missing money" in register
    assert "Consent refused" in register


def test_person_register_spans_incidents_and_filters(world: Any) -> None:
    manager = world.users["manager"]
    incident = world.objects["incident"]
    person = incident.people.first()
    second = make_incident(manager, world.home, person=person, summary="Second concern")
    make_decision(manager, incident)  # share, not sought, LA safeguarding
    make_decision(manager, second, **NOT_SHARED)
    make_decision(
        manager,
        second,
        decided_at=timezone.now() - timedelta(days=40),
        review_date=TODAY,
        recipients=[
            {
                **good_values()["recipients"][0],
                "category": "police",
                "name": "PC Kaur",
                "shared_at": timezone.now() - timedelta(days=40),
            }
        ],
    )
    html = _register(world)
    assert html.count("<tr>") == 4  # header + 3 decisions
    assert incident.reference in html and second.reference in html

    assert _register(world, decision="do_not_share").count("<tr>") == 2
    assert _register(world, consent_position="not_sought").count("<tr>") == 3
    police = _register(world, category="police")
    assert police.count("<tr>") == 2 and "PC Kaur" in police
    recent = _register(world, date_from=(TODAY - timedelta(days=7)).isoformat())
    assert recent.count("<tr>") == 3 and "PC Kaur" not in recent
    old = _register(world, date_to=(TODAY - timedelta(days=30)).isoformat())
    assert old.count("<tr>") == 2
    assert "No decisions match these filters" in _register(world, decision="share_part")
    assert "before the start date" in _register(
        world, date_from=TODAY.isoformat(), date_to=(TODAY - timedelta(days=1)).isoformat()
    )


def test_person_register_hides_decisions_on_incidents_the_user_cannot_see(world: Any) -> None:
    restricted = world.objects["restricted"]
    person = restricted.people.first()
    make_decision(world.users["lead"], restricted)
    url = reverse("disclosures:person_register", kwargs={"pk": person.pk})
    auditor = world.client("auditor").get(url).content.decode()
    assert restricted.reference not in auditor
    assert "No disclosure decisions about" in auditor
    assert restricted.reference in world.client("lead").get(url).content.decode()


def test_person_register_is_paginated(world: Any) -> None:
    for _ in range(26):
        make_decision(world.users["manager"], world.objects["incident"])
    first = _register(world)
    assert first.count("<tr>") == 26 and "Page 1 of 2" in first
    assert _register(world, page=2).count("<tr>") == 2


@pytest.fixture
def review_points(world: Any) -> dict[str, Any]:
    """Decisions in the home and dom services with overdue, due and ended points."""
    manager, manager_dom = world.users["manager"], world.users["manager_dom"]
    dom_incident = make_incident(manager_dom, world.dom, summary="Dom concern")
    past = timezone.now() - timedelta(days=20)
    overdue = make_decision(
        manager,
        world.objects["incident"],
        decided_at=past,
        recipients=[{**good_values()["recipients"][0], "shared_at": past}],
        review_date=TODAY - timedelta(days=3),
        review_what="OVERDUE-HOME",
    )
    due = make_decision(manager, world.objects["incident"], review_what="DUE-HOME")
    dom = make_decision(
        manager_dom, dom_incident, review_date=TODAY + timedelta(days=2), review_what="DUE-DOM"
    )
    ended = make_decision(manager, world.objects["incident"], review_what="ENDED-HOME")
    services.record_review(
        actor=manager,
        decision=ended,
        reviewed_at=timezone.now(),
        what_changed="Enquiry closed.",
        no_further_review_reason="Risk removed.",
    )
    restricted = make_decision(
        world.users["lead"], world.objects["restricted"], review_what="RESTRICTED-HOME"
    )
    return {"overdue": overdue, "due": due, "dom": dom, "ended": ended, "restricted": restricted}


def _due(world: Any, role: str, **params: Any) -> str:
    return world.client(role).get(reverse("disclosures:reviews_due"), params).content.decode()


def test_reviews_due_for_a_manager_are_their_services(world: Any, review_points: Any) -> None:
    html = _due(world, "manager")
    assert "OVERDUE-HOME" in html and "DUE-HOME" in html
    assert "DUE-DOM" not in html and "ENDED-HOME" not in html
    assert "RESTRICTED-HOME" not in html  # not on the need-to-know list
    # Overdue first, and marked in words, not by colour alone.
    assert html.index("OVERDUE-HOME") < html.index("DUE-HOME")
    assert "Overdue by 3 days" in html and "1 review point overdue" in html
    dom = _due(world, "manager_dom")
    assert "DUE-DOM" in dom and "HOME" not in dom and "Due in 2 days" in dom


def test_reviews_due_for_a_lead_are_the_whole_organisation(world: Any, review_points: Any) -> None:
    html = _due(world, "lead")
    for marker in ["OVERDUE-HOME", "DUE-HOME", "DUE-DOM", "RESTRICTED-HOME"]:
        assert marker in html
    assert "ENDED-HOME" not in html
    assert "OVERDUE" in _due(world, "lead", window="overdue")
    assert "DUE-DOM" not in _due(world, "lead", window="overdue")
    soon = _due(world, "lead", window="14")
    assert "DUE-DOM" in soon and "DUE-HOME" in soon  # due in 7 days


def test_a_review_moves_the_review_point_on(world: Any, review_points: Any) -> None:
    overdue = review_points["overdue"]
    review = services.record_review(
        actor=world.users["manager"],
        decision=overdue,
        reviewed_at=timezone.now(),
        what_changed="Private contact achieved.",
        next_review_date=TODAY + timedelta(days=30),
        next_review_what="NEXT-POINT",
    )
    assert review.review_point_date == TODAY - timedelta(days=3)
    html = _due(world, "manager")
    assert "NEXT-POINT" in html and "Overdue by" not in html
    assert "Due in 30 days" in html


def test_review_rules(world: Any, review_points: Any) -> None:
    from django.core.exceptions import ValidationError

    decision = review_points["due"]
    manager = world.users["manager"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"what_changed": ""}, "what_changed"),
        ({"reviewed_at": timezone.now() + timedelta(hours=1)}, "reviewed_at"),
        ({"reviewed_at": decision.decided_at - timedelta(days=1)}, "reviewed_at"),
        ({"next_review_date": None}, "next_review_date"),
        ({"next_review_what": ""}, "next_review_what"),
        ({"next_review_date": TODAY}, "next_review_date"),
        ({"no_further_review_reason": "Both."}, "no_further_review_reason"),
    ]
    base: dict[str, Any] = {
        "reviewed_at": timezone.now(),
        "what_changed": "Contact achieved.",
        "next_review_date": TODAY + timedelta(days=7),
        "next_review_what": "Consent.",
    }
    for change, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.record_review(actor=manager, decision=decision, **{**base, **change})
        assert field in exc.value.message_dict, field
    with pytest.raises(ValidationError):
        services.record_review(
            actor=manager,
            decision=review_points["ended"],
            reviewed_at=timezone.now(),
            what_changed="Again.",
            no_further_review_reason="Still closed.",
        )
    assert services.record_review(actor=manager, decision=decision, **base).pk

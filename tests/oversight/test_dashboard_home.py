"""Each role's home page shows its own items and not others'."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.quality import services as quality
from tests.factories import make_incident
from tests.oversight.conftest import make_decision_on


@pytest.fixture
def scene(world: Any) -> dict[str, Any]:
    today = timezone.localdate()
    home_incident = world.objects["incident"]
    dom_incident = make_incident(world.users["manager_dom"], world.dom, summary="Missed medication")
    lead = world.users["lead"]
    s: dict[str, Any] = {"dom_incident": dom_incident}
    s["home_overdue"] = make_decision_on(
        world.users["manager"],
        home_incident,
        today - timedelta(days=20),
        "refused",
        review_date=today - timedelta(days=5),
    )
    s["home_due"] = make_decision_on(
        world.users["manager"],
        home_incident,
        today - timedelta(days=1),
        "obtained",
        review_date=today + timedelta(days=3),
    )
    s["dom_overdue"] = make_decision_on(
        world.users["manager_dom"],
        dom_incident,
        today - timedelta(days=30),
        "not_sought",
        review_date=today - timedelta(days=2),
    )
    s["restricted_decision"] = make_decision_on(
        lead,
        world.objects["restricted"],
        today - timedelta(days=2),
        "refused",
        review_date=today + timedelta(days=1),
    )
    return s


def _get(world: Any, role: str) -> str:
    response = world.client(role).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _ref(decision: Any) -> str:
    return f"Decision {decision.number} on {decision.incident.reference}"


def test_manager_sees_own_services_only(world: Any, scene: dict[str, Any]) -> None:
    html = _get(world, "manager")
    assert world.objects["incident"].reference in html
    assert scene["dom_incident"].reference not in html
    assert world.objects["restricted"].reference not in html
    assert _ref(scene["home_overdue"]) in html and _ref(scene["home_due"]) in html
    assert _ref(scene["dom_overdue"]) not in html
    assert "1 overdue" in html and "1 due in the next 14 days" in html
    assert "Your recent disclosure decisions" in html
    assert "Quality audits in progress" not in html


def test_other_manager_sees_theirs(world: Any, scene: dict[str, Any]) -> None:
    html = _get(world, "manager_dom")
    assert scene["dom_incident"].reference in html
    assert world.objects["incident"].reference not in html
    assert _ref(scene["dom_overdue"]) in html
    assert _ref(scene["home_overdue"]) not in html


def test_lead_sees_the_organisation_restricted_and_unaudited(
    world: Any, scene: dict[str, Any]
) -> None:
    html = _get(world, "lead")
    for incident in (world.objects["incident"], scene["dom_incident"], world.objects["restricted"]):
        assert incident.reference in html
    assert world.objects["other_incident"].reference not in html
    assert "2 overdue" in html
    assert "Consent refused or not sought, not yet audited" in html
    assert _ref(scene["restricted_decision"]) in html


def test_audited_decisions_leave_the_not_yet_audited_list(
    world: Any, scene: dict[str, Any]
) -> None:
    today = timezone.localdate()
    quality.create_audit(
        actor=world.users["lead"],
        title="Refused this month",
        date_from=today - timedelta(days=25),
        date_to=today,
        consent_filter="refused",
        sample_size=10,
        services=[world.home],
    )
    html = _get(world, "lead")
    section = html.split("not yet audited", 1)[1].split("</section>", 1)[0]
    assert _ref(scene["home_overdue"]) not in section
    assert _ref(scene["dom_overdue"]) in section
    assert "Refused this month" in html  # audits in progress


def test_auditor_sees_audits_in_progress_only(world: Any, scene: dict[str, Any]) -> None:
    today = timezone.localdate()
    quality.create_audit(
        actor=world.users["auditor"],
        title="Auditor's sample",
        date_from=today - timedelta(days=40),
        date_to=today,
        consent_filter="all",
        sample_size=2,
    )
    html = _get(world, "auditor")
    assert "Auditor&#x27;s sample" in html or "Auditor's sample" in html
    assert world.objects["incident"].reference not in html
    assert "Review points" not in html


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_see_no_safeguarding_records(
    world: Any, scene: dict[str, Any], role: str
) -> None:
    html = _get(world, role)
    for incident in (world.objects["incident"], scene["dom_incident"], world.objects["restricted"]):
        assert incident.reference not in html
    assert "Decision " not in html
    if role == "admin":
        assert reverse("organisations:members") in html
    else:
        assert "allegations" in html.lower()


def test_outsider_sees_only_their_organisation(world: Any, scene: dict[str, Any]) -> None:
    html = _get(world, "outsider")
    assert world.objects["other_incident"].reference in html
    assert world.objects["incident"].reference not in html


def test_home_counts_stop_at_the_cap_and_say_so(
    world: Any, scene: dict[str, Any], monkeypatch: Any
) -> None:
    from audits import dashboards
    from organisations import work

    # The review-points panel shows My work's own counts (organisations.work).
    monkeypatch.setattr(dashboards, "COUNT_CAP", 1)
    monkeypatch.setattr(work, "COUNT_CAP", 1)
    html = _get(world, "lead")
    assert "1+ overdue" in html  # two overdue, counted no further than one
    assert "1+ due in the next 14 days" in html  # restricted and home: two due
    monkeypatch.setattr(dashboards, "COUNT_CAP", 100)
    monkeypatch.setattr(work, "COUNT_CAP", 100)
    assert "2 overdue" in _get(world, "lead")


def test_reminder_counts_are_exact_whatever_the_cap(
    world: Any, scene: dict[str, Any], monkeypatch: Any
) -> None:
    from audits import dashboards

    monkeypatch.setattr(dashboards, "COUNT_CAP", 1)
    reviews = dashboards.reviews_due(world.users["lead"], exact=True)
    assert reviews["overdue_count"] == 2 and not reviews["overdue_more"]
    capped = dashboards.reviews_due(world.users["lead"])
    assert capped["overdue_count"] == 1 and capped["overdue_more"]


@pytest.mark.parametrize("role", ["lead", "hr"])
def test_open_allegations_are_on_the_lead_and_hr_home(world: Any, role: str) -> None:
    """The panel once read its helper by name from the audits app's access module
    and, not finding it after the per-app split, said none were recorded."""
    from tests.allegations.factories import allegation

    a = allegation(world)
    html = _get(world, role)
    assert "not recorded in this system yet" not in html
    assert reverse("allegations:detail", kwargs={"pk": a.pk}) in html


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_review_points_are_counted_once_and_by_key(
    world: Any, scene: dict[str, Any], role: str
) -> None:
    """The home's review-points panel takes My work's counts (read once for
    both), and a count reads keys, not each decision's number (a subquery per
    row): one read of review points, counting both parts, without the number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(role)
    client.get(reverse("home"))  # warm: session, membership
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("home")).content.decode()
    reads = [q["sql"] for q in ctx.captured_queries if "disclosures_reviewpoint" in q["sql"]]
    counts = [sql for sql in reads if "'overdue:count'" in sql or sql.startswith("SELECT COUNT(")]
    assert len(counts) == 1, counts
    assert "'due:count'" in counts[0]
    assert "number" not in counts[0] and "COUNT(" not in counts[0]
    assert "overdue" in html  # the panel is there, with the counts it was given

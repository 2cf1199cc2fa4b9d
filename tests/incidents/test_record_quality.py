"""Timeliness and completeness across the record (issue 23, part 3): what the
record lacks when it is written is stored as RecordFinding rows that quality
audits sample, and the incident page shows what is still missing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audits.quality.models import ConsentFilter
from audits.quality.sources import Scope, decision_population
from disclosures import quality as decision_quality
from incidents import services
from incidents.models import RecordFinding
from tests.disclosures.factories import good_values, make_decision
from tests.factories import make_incident

FACTS = "09:10: 3 cm bruise on her left forearm; she said “he grabbed me”."


def _entry(world: Any, incident: Any, hours_ago: float, **kw: Any) -> Any:
    return services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="observation",
        facts=kw.pop("facts", FACTS),
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
        **kw,
    )


def _codes(incident: Any, **filters: Any) -> list[str]:
    return list(incident.record_findings.filter(**filters).values_list("code", flat=True))


def _views(**kw: Any) -> dict[str, Any]:
    return {"views_status": "asked_expressed", "persons_views": "“I want him to stop.”", **kw}


def test_an_entry_recorded_late_without_a_reason_is_a_finding(world: Any) -> None:
    incident = make_incident(world.users["manager"], world.home, **_views())
    on_time = _entry(world, incident, hours_ago=2)
    late = _entry(world, incident, hours_ago=30)
    explained = _entry(
        world, incident, hours_ago=30, late_reason="Told to me on my return from leave today."
    )
    assert _codes(incident, entry=on_time) == []
    assert _codes(incident, entry=late) == ["late_entry"]
    assert _codes(incident, entry=explained) == []
    (finding,) = incident.record_findings.filter(entry=late)
    assert "30 hours" in finding.message and finding.excerpt


def test_the_late_entry_threshold_is_a_setting(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_LATE_ENTRY_HOURS = 48
    incident = make_incident(world.users["manager"], world.home, **_views())
    assert _codes(incident, entry=_entry(world, incident, hours_ago=30)) == []
    settings.SAFEGUARD_LATE_ENTRY_HOURS = 1
    assert _codes(incident, entry=_entry(world, incident, hours_ago=2)) == ["late_entry"]


def test_opinion_in_an_entry_is_stored_but_a_quote_is_not(world: Any) -> None:
    incident = make_incident(world.users["manager"], world.home, **_views())
    opinion = _entry(world, incident, 1, facts="He must have hit her when staff were not there.")
    quoted = _entry(world, incident, 1, facts="She said: “I think he’s probably using me.”")
    assert _codes(incident, entry=opinion) == ["speculation"]
    assert _codes(incident, entry=quoted) == []


@pytest.mark.parametrize(
    ("views", "codes"),
    [
        ({}, ["views_not_recorded"]),
        ({"views_status": "asked_expressed"}, ["views_missing"]),
        ({"views_status": "not_asked"}, ["views_not_asked_no_reason"]),
        (
            {
                "views_status": "not_asked",
                "views_not_asked_reason": "Her son is always present; asking would alert him.",
            },
            [],
        ),
        ({"views_status": "asked_none"}, []),
        (_views(), []),
    ],
    ids=["not recorded", "expressed, empty", "not asked, no why", "not asked, why", "none", "ok"],
)
def test_making_safeguarding_personal_views(
    world: Any, views: dict[str, Any], codes: list[str]
) -> None:
    incident = make_incident(world.users["manager"], world.home, **views)
    assert _codes(incident) == codes
    assert [f.code for f in services.current_findings(incident)] == codes


def _close(world: Any, incident: Any, **kw: Any) -> Any:
    return services.change_status(
        actor=world.users["manager"],
        incident=incident,
        to_status="closed",
        reason="Section 42 enquiry concluded.",
        closure_outcome="risk_reduced",
        expected_version=incident.version,
        **kw,
    )


def test_closing_without_saying_whether_desired_outcomes_were_achieved(world: Any) -> None:
    incident = make_incident(world.users["manager"], world.home, **_views())
    _close(world, incident)
    assert _codes(incident) == ["outcomes_not_reviewed"]
    assert [f.code for f in services.current_findings(incident)] == ["outcomes_not_reviewed"]


def test_closing_with_outcomes_achieved_keeps_it_on_the_incident_and_transition(
    world: Any,
) -> None:
    incident = make_incident(world.users["manager"], world.home, **_views())
    transition = _close(world, incident, outcomes_achieved="partly")
    incident.refresh_from_db()
    assert incident.outcomes_achieved == transition.outcomes_achieved == "partly"
    assert _codes(incident) == []


def test_record_findings_are_append_only(world: Any) -> None:
    incident = make_incident(world.users["manager"], world.home)
    pk = incident.record_findings.get().pk
    table = RecordFinding._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET message = %s WHERE id = %s", ["rewritten", pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_the_incident_page_shows_what_the_record_lacks(world: Any) -> None:
    incident = make_incident(world.users["manager"], world.home)
    _entry(world, incident, hours_ago=30)
    html = world.client("manager").get(reverse("incidents:detail", args=[incident.pk]))
    text = html.content.decode()
    assert "Record quality" in text
    assert "whether the person was asked for their views" in text
    assert "with no reason given" in text
    _entry(world, incident, hours_ago=30, late_reason="Told to me on my return from leave.")
    html = world.client("manager").get(reverse("incidents:detail", args=[incident.pk]))
    assert "Told to me on my return from leave." in html.content.decode()


def test_audits_sample_decisions_on_incidents_with_record_findings(world: Any) -> None:
    weak = make_incident(world.users["manager"], world.home)
    complete = make_incident(world.users["manager"], world.home, **_views())
    on_weak = make_decision(world.users["manager"], weak)
    make_decision(world.users["manager"], complete)
    today = timezone.localdate()
    scope = Scope(today - timedelta(days=1), today, [], ConsentFilter.WITH_RECORD_FINDINGS)
    population = decision_population(world.users["lead"], scope)
    assert list(population.values_list("pk", flat=True)) == [on_weak.pk]


def test_consent_not_possible_needs_a_capacity_consideration(world: Any) -> None:
    values = good_values(
        consent_position="not_possible",
        consent_reason="cannot_reasonably_obtain",
        consent_reason_detail="Admitted to hospital overnight; the visitor returns at 7pm.",
    )
    bare = make_incident(world.users["manager"], world.home, **_views())
    considered = make_incident(
        world.users["manager"],
        world.home,
        capacity_considerations="Has capacity for decisions about sharing; sedated tonight.",
        **_views(),
    )
    assert [f.code for f in decision_quality.check_for_incident(values, bare)] == [
        "no_capacity_consideration"
    ]
    assert decision_quality.check_for_incident(values, considered) == []


def test_the_incident_account_is_read_as_facts_only(world: Any) -> None:
    guess = make_incident(
        world.users["manager"], world.home, what_happened="He must have hit her.", **_views()
    )
    seen = make_incident(
        world.users["manager"],
        world.home,
        what_happened="June appeared fearful and would not answer while her son was there.",
        **_views(),
    )
    assert _codes(guess) == ["speculation"]
    assert _codes(seen) == []

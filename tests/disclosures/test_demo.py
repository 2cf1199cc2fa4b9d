"""The demo story records the seed's three examples as well-written decisions."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from disclosures.models import DecisionReview, DisclosureDecision


def test_demo_records_the_three_operational_examples(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    decisions = DisclosureDecision.objects.select_related("incident")
    by_summary = {d.incident.summary: d for d in decisions.filter(number_in_incident=1)}
    assert len(by_summary) == 3
    coercion = decisions.get(
        incident__summary__startswith="Suspected coercive", number_in_incident=1
    )
    assert (coercion.consent_position, coercion.consent_reason) == (
        "not_sought",
        "would_prejudice_protection",
    )
    financial = decisions.filter(incident__summary__startswith="Repeated missing").order_by(
        "number_in_incident"
    )
    assert [d.decision for d in financial] == ["do_not_share", "share_part"]
    assert financial[1].overrides_refusal and financial[1].override_authorised_by
    allegation = decisions.filter(incident__summary__startswith="Resident alleges")
    categories = set(allegation.values_list("recipients__category", flat=True))
    # Controlled internal sharing, timely external sharing, and (from the
    # allegations demo, seed 003) the family told of protection measures.
    assert categories == {"internal_lead", "internal_hr", "la_safeguarding", "cqc", "family"}
    # Written to pass the quality checks; reviews recorded; some points overdue.
    assert not decisions.filter(quality_findings__isnull=False).exists()
    # Seed 003: every key decision says what information was considered.
    assert not decisions.filter(information_considered="").exists()
    assert DecisionReview.objects.count() == 2
    today = timezone.localdate()
    open_points = DisclosureDecision.objects.review_open()
    assert open_points.filter(Q(current_review_date__lt=today)).count() >= 2
    assert open_points.filter(Q(current_review_date__gte=today)).count() >= 2

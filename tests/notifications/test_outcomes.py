"""Recording sent / not needed, corrections, the allegation Referral as the
reference's home, timeliness, the CQC pre-fill and overrides."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from allegations import services as allegation_services
from allegations.models import Referral
from disclosures.models import DisclosureDecision
from notifications import services
from notifications.models import Notification, NotificationOutcome
from tests.allegations import factories as af
from tests.notifications.factories import at, incident

pytestmark = pytest.mark.django_db


def _n(inc: Any, code: str, allegation: Any = None) -> Notification:
    return Notification.objects.get(incident=inc, rule_code=code, allegation=allegation)


def test_sent_on_time_and_late_read_as_timeliness(world: Any) -> None:
    inc = incident(world, ["physical"], at(2026, 6, 10, 10, 0))
    lead = world.users["lead"]
    cqc = _n(inc, "cqc")
    o = services.record_outcome(
        actor=lead, notification=cqc, status="sent", sent_at=at(2026, 6, 10, 15, 10),
        sent_to="CQC portal", reference="CQC-1",
    )  # fmt: skip
    assert o.timeliness() == "aware → sent: 5 h 10 m (due within 24 calendar hours: on time)"
    police = _n(inc, "police")
    late = services.record_outcome(
        actor=lead, notification=police, status="sent", sent_at=at(2026, 6, 11, 12, 0),
        sent_to="101",
    )  # fmt: skip
    assert late.timeliness().endswith("late by 2 h 0 m)")


def test_not_needed_needs_a_reason_and_a_correction_needs_one_too(world: Any) -> None:
    inc = world.objects["incident"]
    lead = world.users["lead"]
    la = _n(inc, "la_referral")
    with pytest.raises(ValidationError) as e:
        services.record_outcome(actor=lead, notification=la, status="not_needed")
    assert "reason" in e.value.message_dict
    first = services.record_outcome(
        actor=lead, notification=la, status="not_needed", reason="Duty officer advised no referral."
    )
    with pytest.raises(ValidationError) as e:
        services.record_outcome(
            actor=lead, notification=la, status="sent", sent_at=timezone.now(), sent_to="Hub"
        )
    assert "correction_reason" in e.value.message_dict
    second = services.record_outcome(
        actor=lead, notification=la, status="sent", sent_at=timezone.now(), sent_to="Hub",
        reference="LA-9", correction_reason="The hub asked for a referral after all.",
    )  # fmt: skip
    assert second.corrects == first
    assert services.latest_outcome(la) == second


def test_auditor_cannot_record(world: Any) -> None:
    la = _n(world.objects["incident"], "la_referral")
    with pytest.raises(PermissionDenied):
        services.record_outcome(
            actor=world.users["auditor"], notification=la, status="not_needed", reason="x"
        )


def test_sent_on_an_allegation_writes_the_referral_in_the_same_transaction(world: Any) -> None:
    a = af.allegation(world)
    pipot = _n(a.incident, "pipot", a)
    o = services.record_outcome(
        actor=world.users["hr"], notification=pipot, status="sent",
        sent_at=timezone.now() - timedelta(minutes=5), sent_to="Westshire PiPoT lead",
        reference="PIPOT-77",
    )  # fmt: skip
    assert o.referral is not None
    assert o.referral.kind == "la_pipot" and o.referral.reference == "PIPOT-77"
    assert Referral.objects.filter(allegation=a).count() == 1
    assert pipot.outcomes.count() == 1  # no echo from the referral receiver


def test_a_referral_recorded_on_the_allegation_page_satisfies_the_notification(
    world: Any,
) -> None:
    a = af.allegation(world)
    referral = allegation_services.add_referral(
        actor=world.users["lead"], allegation=a, kind="la_pipot", body="PiPoT lead",
        referred_on=timezone.localdate(), reference="P-1",
    )  # fmt: skip
    outcome = services.latest_outcome(_n(a.incident, "pipot", a))
    assert outcome is not None and outcome.referral == referral and outcome.reference == "P-1"
    # Dated, not timed: sent no later than it was recorded, and the figures say "at most".
    assert outcome.dated_only and outcome.sent_at == referral.recorded_at
    assert (
        outcome.timeliness().startswith("aware → sent: ") and " at most (" in outcome.timeliness()
    )


def test_cqc_prefill_has_initials_not_names_and_records_the_decision(world: Any) -> None:
    inc = incident(world, ["physical"], timezone.now() - timedelta(hours=3))
    cqc = _n(inc, "cqc")
    client = world.client("lead")
    page = client.get(reverse("notifications:cqc", args=[cqc.pk])).content.decode()
    assert "E.M." in page and "Edith" not in page and "Marsh" not in page
    text = "Provider: Riverside Test Group\nPerson: E.M., aged 85+\nType of abuse: Physical abuse"
    sent = timezone.localtime() - timedelta(minutes=10)
    response = client.post(
        reverse("notifications:cqc", args=[cqc.pk]),
        {
            "text": text,
            "sent_at": sent.strftime("%Y-%m-%dT%H:%M"),
            "reference": "CQC-555",
            "review_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    if response.status_code == 200 and "quality_confirmed" in response.content.decode():
        # Confirm the quality warnings, as a person would.
        import re

        fp = re.search(r'name="quality_confirmed" value="([^"]+)"', response.content.decode())
        assert fp is not None
        response = client.post(
            reverse("notifications:cqc", args=[cqc.pk]),
            {
                "text": text,
                "sent_at": sent.strftime("%Y-%m-%dT%H:%M"),
                "reference": "CQC-555",
                "review_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
                "quality_confirmed": fp.group(1),
            },
        )
    assert response.status_code == 302
    outcome = NotificationOutcome.objects.get(notification=cqc)
    decision = DisclosureDecision.objects.get(pk=outcome.decision_id)
    assert decision.what_shared == text
    assert decision.purpose == "regulatory_notification"
    assert decision.lawful_basis == "legal_obligation"
    assert decision.recipients.get().category == "cqc"
    assert outcome.reference == "CQC-555"


def test_override_only_where_allowed_and_only_within_bounds(world: Any) -> None:
    lead = world.users["lead"]
    with pytest.raises(ValidationError):
        services.set_override(actor=lead, rule_code="cqc", hours=48, reason="Local")
    with pytest.raises(ValidationError):
        services.set_override(actor=lead, rule_code="la_referral", hours=24, reason="Local")
    with pytest.raises(PermissionDenied):
        services.set_override(
            actor=world.users["manager"], rule_code="la_referral", hours=4, reason="x"
        )
    services.set_override(
        actor=lead, rule_code="commissioner", required=True, hours=48, reason="Contract 7.3"
    )
    services.set_override(actor=lead, rule_code="la_referral", hours=4, reason="Westshire MASP")
    inc = incident(world, ["neglect"], at(2026, 6, 10, 10, 0))
    assert _n(inc, "commissioner").due_at == at(2026, 6, 12, 10, 0)
    assert _n(inc, "la_referral").due_at == at(2026, 6, 10, 14, 0)

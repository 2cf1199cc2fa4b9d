"""The timeline and the PDF show when each notification was made, with its
timeliness; an allegation's notifications only where the allegation's
safeguarding side may be shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.allegations import factories as af
from tests.chronology.factories import export
from tests.chronology.test_export import pdf_text, squash

pytestmark = pytest.mark.django_db


def _sent(world: Any) -> Any:
    a = af.allegation(world)
    lead = world.users["lead"]
    incident = a.incident
    police = Notification.objects.get(incident=incident, rule_code="police")
    services.record_outcome(
        actor=lead, notification=police, status="sent",
        sent_at=incident.became_aware_at + timedelta(minutes=70), sent_to="Westshire Police",
        reference="WP-NOTIF-4411",
    )  # fmt: skip
    pipot = Notification.objects.get(allegation=a, rule_code="pipot")
    services.record_outcome(
        actor=lead, notification=pipot, status="sent",
        sent_at=timezone.now() - timedelta(minutes=5), sent_to="PiPoT lead",
        reference="PIPOT-NOTIF-1",
    )  # fmt: skip
    return a


@pytest.mark.parametrize("profile", ["police", "cqc", "internal"])
def test_pdf_shows_each_notification_made_with_its_timeliness(world: Any, profile: str) -> None:
    a = _sent(world)
    e = export(world.users["lead"], a.incident, profile=profile)
    assert e.status == "done", e.failure
    text = squash(pdf_text(bytes(e.pdf)))
    assert "Notification · Police" in text
    assert "Timeliness: aware → sent: 1 h 10 m (due within 24 calendar hours: on time)" in text
    assert "Police reference: WP-NOTIF-4411" in text  # the incident's reference block
    assert "Notification · Person in a Position of Trust (PiPoT) referral" in text
    # Required and not sent: the reference block says so, it does not print a dash.
    cqc = Notification.objects.get(incident=a.incident, rule_code="cqc")
    due = timezone.localtime(cqc.due_at).strftime("%-d %b %Y %H:%M")
    assert f"CQC notification reference: not recorded as sent; due by {due}" in text


def test_pdf_without_the_notification_kind_leaves_them_out(world: Any) -> None:
    a = _sent(world)
    from tests.chronology.factories import all_kinds

    kinds = [k for k in all_kinds() if k not in ("notification", "allegation_notification")]
    e = export(world.users["lead"], a.incident, profile="internal", kinds=kinds)
    text = squash(pdf_text(bytes(e.pdf)))
    assert "Notification · Police" not in text


def test_timeline_hides_allegation_notifications_from_who_may_not_read_that_side(
    world: Any,
) -> None:
    a = _sent(world)
    url = reverse("chronology:timeline", args=[a.incident_id])
    lead = world.client("lead").get(url).content.decode()
    assert "Notification · Police" in lead and "PiPoT) referral" in lead
    # The auditor, on the need-to-know list, sees the incident but not the allegation.
    from tests.notifications.factories import grant

    grant(world, a.incident, "auditor")
    auditor = world.client("auditor").get(url).content.decode()
    assert "Notification · Police" in auditor
    assert "PiPoT) referral" not in auditor

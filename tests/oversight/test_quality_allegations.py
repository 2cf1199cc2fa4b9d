"""Retrospective audits of allegations: leads sample the safeguarding side's key
decisions the same way; the HR side is never sampled, auditors never see them.
Runs once the allegations app (SafeguardingDecision, visible_allegations) is merged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from allegations import models as allegation_models
from audits import access as audit_access
from audits.quality import services
from audits.quality.models import CRITERION_NAMES, Source

pytestmark = pytest.mark.skipif(
    not hasattr(allegation_models, "SafeguardingDecision"),
    reason="allegations app not merged yet",
)


@pytest.fixture
def allegation(world: Any) -> Any:
    from tests.allegations.factories import with_content

    return with_content(world)


def _create(actor: Any, **kw: Any) -> Any:
    today = timezone.localdate()
    values = {
        "title": "Retrospective: allegation decisions",
        "source": Source.ALLEGATION_DECISIONS,
        "date_from": today - timedelta(days=30),
        "date_to": today,
        "consent_filter": "all",
        "sample_size": 5,
    }
    values.update(kw)
    return services.create_audit(actor=actor, **values)


def test_lead_samples_safeguarding_key_decisions_only(world: Any, allegation: Any) -> None:
    audit = _create(world.users["lead"])
    sampled = list(audit.samples.values_list("record_id", flat=True))
    assert sampled == [world.objects["sg_decision"].pk]
    again = _create(world.users["lead"], seed=audit.seed)
    assert list(again.samples.values_list("record_id", flat=True)) == sampled


def test_auditors_neither_create_nor_see_allegation_audits(world: Any, allegation: Any) -> None:
    audit = _create(world.users["lead"])
    with pytest.raises(PermissionDenied):
        _create(world.users["auditor"])
    with pytest.raises(Http404):
        audit_access.get_quality_audit_for(world.users["auditor"], audit.pk)
    response = world.client("auditor").get(reverse("audits:quality_detail", args=[audit.pk]))
    assert response.status_code == 404


def test_scoring_page_shows_the_key_decision_with_its_own_checklist(
    world: Any, allegation: Any
) -> None:
    audit = _create(world.users["lead"])
    client = world.client("lead")
    page = client.get(reverse("audits:quality_sample", args=[audit.pk, 1])).content.decode()
    assert "SGSECRET rationale" in page and "HRSECRET" not in page
    assert "Information considered" in page and "Dissenting views" in page
    response = client.post(
        reverse("audits:quality_sample", args=[audit.pk, 1]),
        dict.fromkeys(CRITERION_NAMES, "met"),
    )
    assert response.status_code == 302
    report = client.get(reverse("audits:quality_report", args=[audit.pk])).content.decode()
    assert "Who was consulted" in report and "100%" in report


def test_home_pages_list_open_allegations(world: Any, allegation: Any) -> None:
    lead_home = world.client("lead").get(reverse("home")).content.decode()
    assert str(allegation) in lead_home
    hr_home = world.client("hr").get(reverse("home")).content.decode()
    assert str(allegation) in hr_home
    # HR see the allegation, never the incident's content or the safeguarding side.
    assert world.objects["incident"].summary not in hr_home
    assert "SGSECRET" not in hr_home

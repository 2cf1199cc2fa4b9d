"""The export page and the export's disclosure decision say only what is true."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chronology import services
from chronology.models import ChronologyExport
from disclosures.models import DisclosureDecision
from disclosures.services import QualityWarnings
from tests.chronology.factories import all_kinds, decision_log

THOROUGH_REASONING = (
    "The inspector asked for the full chronology of this incident to test how the service "
    "escalated the concern, shared information with partners and protected the person while "
    "the enquiry continued; nothing less would let them follow the decisions."
)


THOROUGH_LOG = decision_log(
    proportionality=(
        "Only this incident's record, for the inspection period, with the adult's name "
        "reduced to initials."
    )
)


def _request(world: Any, **overrides: Any) -> ChronologyExport:
    fields: dict[str, Any] = {
        "actor": world.users["lead"],
        "incident": world.objects["incident"],
        "profile": "cqc",
        "recipient_name": "Sam Inspector",
        "recipient_role": "Inspector",
        "recipient_organisation": "Care Quality Commission",
        "purpose": "Inspection of safeguarding practice at the service.",
        "lawful_basis": "legal_obligation",
        "kinds": all_kinds(),
        "decision_log": decision_log(),
    }
    fields.update(overrides)
    return services.request_export(**fields)


def test_the_service_hands_back_the_finished_row(world: Any) -> None:
    e = _request(world, purpose=THOROUGH_REASONING, decision_log=THOROUGH_LOG)
    # Not refreshed: what the caller (the view) holds is the real state.
    assert e.status == "done"
    assert e.page_count and e.sha256


def test_warnings_are_shown_before_anything_is_saved(world: Any) -> None:
    with pytest.raises(QualityWarnings) as caught:
        _request(world)  # reasoning too thin for a reviewer to follow
    assert not ChronologyExport.objects.exists()
    assert not DisclosureDecision.objects.exists()
    with pytest.raises(QualityWarnings):
        _request(world, quality_confirmed="0" * 64)  # not the warnings shown
    e = _request(world, quality_confirmed=caught.value.fingerprint)
    decision = DisclosureDecision.objects.get(pk=e.disclosure_decision_id)
    assert decision.quality_acknowledged
    assert {f.code for f in decision.quality_findings.all()} == {
        f.code for f in caught.value.findings
    }


def test_a_clean_export_decision_claims_no_confirmation(world: Any) -> None:
    e = _request(world, purpose=THOROUGH_REASONING, decision_log=THOROUGH_LOG)
    decision = DisclosureDecision.objects.get(pk=e.disclosure_decision_id)
    assert not decision.quality_acknowledged
    assert not decision.quality_findings.exists()
    page = world.client("lead").get(reverse("disclosures:detail", args=[decision.pk]))
    body = page.content.decode()
    assert "confirmed by the author" not in body
    assert "passed the quality checks" in body


def _form_data() -> dict[str, Any]:
    return {
        "profile": "police",
        "recipient_name": "DC Jones",
        "recipient_role": "Detective constable",
        "recipient_organisation": "Northshire Police",
        "purpose": "Criminal investigation of the alleged assault.",
        "lawful_basis": "public_task",
        "special_condition": "sch1_para10",
        "channel": "secure_email",
        "purpose_category": "criminal_investigation",
        "consent_position": "not_sought",
        "consent_reason": "would_prejudice_enquiry",
        "consent_reason_detail": "Asking would alert the suspect.",
        "proportionality": "Only this incident, for the investigation.",
        "review_date": "2099-01-01",
        "review_what": "Receipt confirmed.",
        "kinds": ["incident", "status", "entry"],
    }


def test_the_export_page_shows_the_real_state(world: Any) -> None:
    incident = world.objects["incident"]
    client = world.client("lead")
    url = reverse("chronology:export_create", kwargs={"pk": incident.pk})
    first = client.post(url, _form_data())
    assert first.status_code == 200
    html = first.content.decode()
    assert "Export with these warnings" in html
    assert not ChronologyExport.objects.exists()
    fingerprint = first.context["warnings_fingerprint"]
    done = client.post(
        url, {**_form_data(), "confirm": "1", "quality_fingerprint": fingerprint}, follow=True
    )
    body = done.content.decode()
    e = ChronologyExport.objects.get()
    assert f"Ready: {e.page_count} page" in body
    assert "is ready and recorded in the export register" in body
    assert "prepared in the background" not in body
    decision = DisclosureDecision.objects.get(pk=e.disclosure_decision_id)
    assert decision.quality_acknowledged

"""Seed 003 example 1: the family is told about safeguarding actions and protection
measures, not HR details; the communication is a disclosure decision (family)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from allegations import family
from disclosures.models import DisclosureDecision
from tests.allegations import factories as f

NOW = lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M")  # noqa: E731


def _post_data(w: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "family_member": "Karen Clarke",
        "relationship": "Daughter",
        "channel": "meeting",
        "shared_at": NOW(),
        "entries": [w.objects["sg_entry"].pk],
        "also_shared": "The staff member is not working with her while the council looks into it.",
        "what_withheld": family.WITHHELD_DEFAULT,
        "purpose": "protection_planning",
        "reasoning": "Karen asked for full details. Her mother wants Karen to know she is safe; "
        "telling her what protects her mother supports her, while employment details would not "
        "protect anyone and could prejudice a fair process for the staff member.",
        "lawful_basis": "legitimate_interests",
        "special_condition": "sch1_para18",
        "proportionality": "Only the protection in place and the next steps; no staff identity, "
        "no HR detail and nothing about other residents.",
        "confidentiality_measures": "Private room; nothing about the staff member in writing.",
        "retaliation_risk": "Staff member not on site.",
        "consent_position": "obtained",
        "consent_discussion": "Discussed with her and her advocate first.",
        "understanding_checked": "She explained back what Karen would be told.",
        "advocate_name": "Rosa Lind",
        "advocate_role": "Independent advocate",
        "advocate_advice": "She wants Karen told she is safe and to be present herself.",
        "outcome": "Karen reassured; update at the end of the enquiry.",
        "review_date": (timezone.localdate() + timezone.timedelta(days=7)).isoformat(),
        "review_what": "Update the family on the enquiry outcome.",
    }
    data.update(overrides)
    return data


def test_form_offers_safeguarding_actions_only(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    page = aworld.client("lead").get(reverse("allegations:family", kwargs={"pk": a.pk}))
    text = page.content.decode()
    assert f.SG_SECRET in text
    assert "HRSECRET" not in text
    assert (
        aworld.client("hr").get(reverse("allegations:family", kwargs={"pk": a.pk})).status_code
        == 404
    )


def test_family_communication_is_a_disclosure_decision_without_hr_detail(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    response = aworld.client("manager").post(
        reverse("allegations:family", kwargs={"pk": a.pk}), _post_data(aworld)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    decision = DisclosureDecision.objects.get(incident=a.incident)
    assert decision.decision == "share_part"
    recipient = decision.recipients.get()
    assert recipient.category == "family" and recipient.name == "Karen Clarke"
    assert f.SG_SECRET in decision.what_shared
    assert "HRSECRET" not in decision.what_shared
    assert "HR details" in decision.what_withheld
    assert decision.consultations.get().name == "Rosa Lind"
    detail = aworld.client("lead").get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    assert f"Disclosure decision {decision.number}" in detail.content.decode()
    log = aworld.client("lead").get(
        reverse("disclosures:incident_log", kwargs={"pk": a.incident_id})
    )
    assert "Karen Clarke" in log.content.decode()
    # HR see neither the communication nor its content.
    hr_detail = aworld.client("hr").get(reverse("allegations:detail", kwargs={"pk": a.pk}))
    assert "Karen Clarke" not in hr_detail.content.decode()


def test_an_amended_entry_is_shared_as_it_now_reads(aworld: Any) -> None:
    from allegations import services

    a = aworld.objects["allegation"]
    services.amend(
        actor=aworld.users["lead"],
        allegation=a,
        side_name="safeguarding",
        target=aworld.objects["sg_entry"],
        field="text",
        new_text="Two staff for all personal care, day and night.",
        reason="Extended",
    )
    aworld.client("lead").post(
        reverse("allegations:family", kwargs={"pk": a.pk}), _post_data(aworld)
    )
    assert "day and night" in DisclosureDecision.objects.get().what_shared


def test_quality_warnings_then_confirmation(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    url = reverse("allegations:family", kwargs={"pk": a.pk})
    data = _post_data(aworld, reasoning="Family asked.")
    first = aworld.client("lead").post(url, data)
    text = first.content.decode()
    assert first.status_code == 200 and "Record-quality warnings" in text
    assert not DisclosureDecision.objects.exists()
    fingerprint = text.split('name="quality_fingerprint" value="')[1].split('"')[0]
    second = aworld.client("lead").post(
        url, {**data, "quality_acknowledged": "on", "quality_fingerprint": fingerprint}
    )
    assert second.status_code == 302
    assert DisclosureDecision.objects.get().quality_acknowledged


def test_missing_answers_are_shown_and_nothing_saved(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    response = aworld.client("lead").post(
        reverse("allegations:family", kwargs={"pk": a.pk}),
        _post_data(aworld, entries=[], also_shared="", lawful_basis=""),
    )
    text = response.content.decode()
    assert "Tick what was shared, or describe it below." in text
    assert "Nothing has been saved yet" in text
    assert not DisclosureDecision.objects.exists()


def test_service_refuses_hr_entries_and_hr_users(aworld: Any) -> None:
    a = aworld.objects["allegation"]
    kwargs = dict(
        allegation=a,
        family_member="K",
        relationship="Daughter",
        channel="phone",
        shared_at=timezone.now(),
        decided_at=timezone.now(),
        purpose="protection_planning",
        reasoning="r",
        consent_position="obtained",
        outcome="o",
        review_date=timezone.localdate(),
        review_what="w",
    )
    with pytest.raises(PermissionDenied):
        family.record_family_communication(
            actor=aworld.users["lead"], entries=[aworld.objects["hr_entry"]], **kwargs
        )
    with pytest.raises(PermissionDenied):
        family.record_family_communication(
            actor=aworld.users["hr"], entries=[aworld.objects["sg_entry"]], **kwargs
        )
    assert not DisclosureDecision.objects.exists()

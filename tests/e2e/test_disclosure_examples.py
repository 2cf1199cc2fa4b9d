"""The three operational examples of seed 000, entered through the decision
form as a manager would, with axe checks on every page on the way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from disclosures.models import DecisionReview, DisclosureDecision
from tests.e2e.conftest import assert_accessible, login
from tests.factories import make_incident


def _at(hours_ago: float) -> str:
    return (timezone.localtime() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _open_form(page: Any, incident: Any, *, check: bool = True) -> None:
    """Log page, then the form. ``check=False`` when this test already ran axe
    on both (axe is the slow part; every page type is still checked)."""
    page.goto(f"/disclosures/incident/{incident.pk}/")
    if check:
        assert_accessible(page)
    page.get_by_role("link", name="Record a disclosure decision").first.click()
    page.get_by_role("heading", name="Record a disclosure decision").wait_for()
    if check:
        assert_accessible(page)


def _fill(page: Any, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        locator = page.locator(f"#id_{name}")
        # A part the form shows only on request (a closed <details>) is opened first.
        locator.evaluate(
            "el => { for (let e = el; e; e = e.parentElement) "
            "{ if (e.tagName === 'DETAILS') e.open = true; } }"
        )
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)


def _recipient(page: Any, i: int, **row: str) -> None:
    _fill(page, {f"recipients-{i}-{k}": v for k, v in row.items()})


def _save(page: Any) -> None:
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()


def test_example_1_coercion_consent_not_sought(page: Any, world: Any, password: str) -> None:
    incident = make_incident(
        world.users["manager"],
        world.home,
        summary="Suspected coercive control",
        categories=["domestic"],
        risk_level="high",
    )
    login(page, world.users["manager"], password)
    _open_form(page, incident)
    page.get_by_label("Share", exact=True).check()
    _fill(
        page,
        {
            "purpose": "protection_planning",
            "what_shared": "Bruising about 3 cm on the inside of the left wrist seen at the 08:00 "
            'call; her son stays in the room during care; she said quietly "don\'t tell anyone".',
        },
    )
    _recipient(
        page,
        0,
        name="Sam Ellis",
        role="Duty safeguarding social worker",
        organisation="Riverside Council Adult Safeguarding",
        category="la_safeguarding",
        channel="phone",
        shared_at=_at(1),
    )
    _fill(
        page,
        {
            "reasoning": "The injury, her fear when her son is present and her quiet request point "
            "to coercive control with a risk of serious harm. The local authority can plan safe "
            "contact and an enquiry that we cannot; waiting for a private moment could take weeks.",
            "lawful_basis": "public_task",
            "special_condition": "sch1_para18",
            "proportionality": "Only risk indicators, access barriers and immediate safety "
            "concerns; her health history and finances were left out as not needed.",
        },
    )
    page.get_by_label("Consent not sought").check()
    _fill(
        page,
        {
            "consent_reason": "would_prejudice_protection",
            "consent_reason_detail": "Her son is present at every visit; asking openly could alert "
            "him and trigger retaliation.",
            "confidentiality_measures": "Phone to the duty worker only, then secure email.",
            "retaliation_risk": "Staff not to discuss the concern in the home or leave anything "
            "written there.",
            "safe_contact": "Varied visit times; manager-led welfare call when she is alone; "
            "advocacy referral.",
            "consultations-0-name": "Daniel Reyes",
            "consultations-0-role": "Safeguarding lead",
            "consultations-0-advice": "Do not seek consent while the son is present.",
            "outcome": "Joint visit planned for a time the son is out; advocacy referral made.",
            "review_date": _in_days(7),
            "review_what": "Whether private contact has been achieved and consent can be sought.",
        },
    )
    _save(page)
    page.get_by_role("heading", name="Disclosure decision 1").wait_for()
    assert_accessible(page)
    assert page.get_by_text("Asking would prejudice the person's protection").is_visible()
    decision = DisclosureDecision.objects.get(incident=incident)
    assert (decision.decision, decision.consent_position) == ("share", "not_sought")
    assert decision.recipients.get().category == "la_safeguarding"
    assert not decision.quality_findings.exists()


def test_example_2_financial_refusal_then_threshold_met(
    page: Any, world: Any, password: str
) -> None:
    incident = make_incident(
        world.users["manager"],
        world.home,
        summary="Repeated missing money",
        categories=["financial"],
        risk_level="medium",
    )
    login(page, world.users["manager"], password)
    _open_form(page, incident)
    page.get_by_label("Do not share").check()
    _fill(
        page,
        {
            "purpose": "protection_planning",
            "what_withheld": "The pattern of missing money after visits and the new visitors, "
            "considered for a referral to local-authority safeguarding.",
        },
    )
    _recipient(
        page,
        0,
        name="Adult Safeguarding duty team",
        role="Referrals",
        organisation="Riverside Council",
        category="la_safeguarding",
        channel="secure_email",
    )
    page.get_by_label("Consent refused").check()
    _fill(
        page,
        {
            "reasoning": "Tom has capacity and refused. Losses are small and there are no threats, "
            "so overriding the refusal is not proportionate yet. Thresholds for escalation: any "
            "threat, a loss over £100 at once, or evidence of coercion.",
            "consent_discussion": "Easy-read leaflet: who we might tell, why, and safer ways to "
            "keep his friendships.",
            "understanding_checked": "He explained it back in his own words.",
            "retaliation_risk": "Cash in the office safe with his agreement; visitor book.",
            "outcome": "As discussed.",  # weak on purpose: the quality check must catch it
            "review_date": _in_days(7),
            "review_what": "Whether a threshold is met; Tom's view on sharing.",
        },
    )
    _save(page)
    warnings = page.get_by_role("alert")
    warnings.wait_for()
    assert "Check the record before saving" in warnings.inner_text()
    assert "is a placeholder, not an answer" in warnings.inner_text()
    assert_accessible(page)
    assert not DisclosureDecision.objects.filter(incident=incident).exists()
    page.get_by_role("button", name="Save with these warnings").first.click()
    page.get_by_role("heading", name="Disclosure decision 1").wait_for()
    assert_accessible(page)
    first = DisclosureDecision.objects.get(incident=incident)
    assert first.decision == "do_not_share"
    assert list(first.quality_findings.values_list("code", flat=True)) == ["placeholder"]

    # The threshold is met: review the decision and end it.
    page.get_by_role("link", name="Record a review").first.click()
    assert_accessible(page)
    _fill(
        page,
        {
            "what_changed": '£150 missing after a visit; a visitor told Tom he would "get hurt".',
            "no_further_review_reason": "Threshold met; superseded by a decision to share.",
        },
    )
    page.get_by_role("button", name="Save review").click()
    page.get_by_text("Reviewing ended").wait_for()
    assert DecisionReview.objects.filter(decision=first).count() == 1

    # Share the minimum, overriding the refusal: first without the authoriser.
    _open_form(page, incident, check=False)
    page.get_by_label("Share part").check()
    _fill(
        page,
        {
            "decided_by": str(world.users["lead"].pk),
            "purpose": "s42_enquiry",
            "what_shared": "Money missing on five occasions after visits by two named visitors, "
            "£150 on Monday, the threat reported by Tom and the steps already taken.",
            "what_withheld": "His health information, family contacts and full financial records.",
        },
    )
    _recipient(
        page,
        0,
        name="Sam Ellis",
        role="Safeguarding social worker",
        organisation="Riverside Council Adult Safeguarding",
        category="la_safeguarding",
        channel="secure_email",
        shared_at=_at(0.5),
    )
    page.get_by_label("Consent refused").check()
    _fill(
        page,
        {
            "reasoning": "A threat of harm and a loss over £100 met the thresholds set in the "
            "earlier decision. Protection now needs the local authority's enquiry; this is a "
            "proportionate step from the earlier decision not to share.",
            "lawful_basis": "public_task",
            "special_condition": "sch1_para18",
            "proportionality": "Only the exploitation indicators, the threat and the steps taken; "
            "health, family and full financial details left out.",
            "consent_discussion": "Told Tom the thresholds were met; he still refused.",
            "understanding_checked": "He said back that the council would be told.",
            "confidentiality_measures": "Secure email to the named social worker only.",
            "outcome": "Section 42 enquiry opened; meeting with Tom and his advocate booked.",
            "review_date": _in_days(7),
            "review_what": "Losses since the referral and Tom's wellbeing.",
        },
    )
    _save(page)
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Who authorised overriding the refusal" in summary.inner_text()
    assert_accessible(page)
    # Everything typed is still there, recipient row included.
    assert page.locator("#id_recipients-0-name").input_value() == "Sam Ellis"
    summary.get_by_role("link", name="Who authorised").click()
    _fill(
        page,
        {
            "override_authorised_by": "Daniel Reyes, safeguarding lead",
            "override_reason": "Threat of harm and significant loss: the risk of serious harm "
            "outweighs the refusal. Tom was told before the referral was sent.",
        },
    )
    _save(page)
    page.get_by_role("heading", name="Disclosure decision 2").wait_for()
    assert_accessible(page)
    second = DisclosureDecision.objects.get(incident=incident, number_in_incident=2)
    assert second.overrides_refusal and second.decided_by == world.users["lead"]

    # The person's register shows both, and filters to the refusal not shared.
    person = incident.people.first()
    page.goto(f"/disclosures/person/{person.pk}/")
    assert_accessible(page)
    page.get_by_label("Decision", exact=True).select_option("do_not_share")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "Do not share" in rows.inner_text()
    assert_accessible(page)


def test_example_3_allegation_internal_then_external(page: Any, world: Any, password: str) -> None:
    incident = make_incident(
        world.users["manager"],
        world.home,
        summary="Alleged rough handling by staff",
        categories=["physical"],
        risk_level="high",
    )
    login(page, world.users["manager"], password)
    _open_form(page, incident)
    page.get_by_label("Share part").check()
    _fill(
        page,
        {
            "purpose": "immediate_safety",
            "what_shared": 'Edith\'s words "he grabbed my arm and pulled me up too hard", the '
            "staff member named, redness on her upper right arm, and his removal from her care.",
            "what_withheld": "The shift team were told only that he is not working on the unit.",
        },
    )
    _recipient(
        page,
        0,
        name="Daniel Reyes",
        role="Safeguarding lead",
        organisation="Riverside Care Group",
        category="internal_lead",
        channel="phone",
        shared_at=_at(2),
    )
    # No JavaScript needed: the button re-renders the form with one more row.
    page.get_by_role("button", name="Add another recipient").click()
    page.locator("#id_recipients-1-name").wait_for()
    assert page.locator("#id_recipients-0-name").input_value() == "Daniel Reyes"
    assert_accessible(page)
    _recipient(
        page,
        1,
        name="Harriet Quinn",
        role="HR business partner",
        organisation="Riverside Care Group",
        category="internal_hr",
        channel="meeting",
        shared_at=_at(1),
    )
    page.get_by_label("Consent obtained").check()
    _fill(
        page,
        {
            "reasoning": "Rumours were starting on shift. Telling more people than need to know "
            "risks contaminating witness accounts and harms both Edith and the staff member; only "
            "the safeguarding lead and HR need detail to protect her and manage the process.",
            "lawful_basis": "legitimate_interests",
            "special_condition": "art9_2h",
            "proportionality": "Detail only to the two people with a role in protection or the "
            "employment process; the wider team told only what they need to staff the unit.",
            "consent_discussion": "Explained to Edith that the safeguarding lead and HR need to "
            "know so the staff member is kept away from her care. She agreed.",
            "understanding_checked": "Edith said back who would be told and why.",
            "confidentiality_measures": "Staff told to record facts only and not to discuss the "
            "allegation outside formal channels.",
            "outcome": "Immediate protection in place; HR to decide interim measures today.",
            "review_date": _in_days(2),
            "review_what": "Whether internal sharing stayed within the need-to-know list.",
        },
    )
    _save(page)
    page.get_by_role("heading", name="Disclosure decision 1").wait_for()
    assert_accessible(page)

    _open_form(page, incident, check=False)
    page.get_by_label("Share part").check()
    _fill(
        page,
        {
            "purpose": "s42_enquiry",
            "what_shared": "What was alleged and when, the redness seen, the immediate actions "
            "(staff member removed from her care, body map) and his name and role.",
            "what_withheld": "His address, employment history and HR details; other residents.",
        },
    )
    _recipient(
        page,
        0,
        name="Adult Safeguarding duty team",
        role="Referrals",
        organisation="Riverside Council",
        category="la_safeguarding",
        channel="portal",
        shared_at=_at(0.5),
    )
    page.get_by_role("button", name="Add another recipient").click()
    page.locator("#id_recipients-1-name").wait_for()
    _recipient(
        page,
        1,
        name="CQC notifications",
        role="Statutory notification",
        organisation="Care Quality Commission",
        category="cqc",
        channel="portal",
        shared_at=_at(0.25),
    )
    page.get_by_label("Consent obtained").check()
    _fill(
        page,
        {
            "reasoning": "An allegation of physical abuse by staff must go to the local authority "
            "and be notified to CQC without delay. Partners need timely facts to decide on an "
            "enquiry, not unnecessary personal data about Edith or the staff member.",
            "lawful_basis": "legal_obligation",
            "special_condition": "sch1_para18",
            "proportionality": "Facts of the allegation, immediate actions and relevant context "
            "only; no HR details or other residents' information.",
            "consent_discussion": "Told Edith the council and CQC would be told what she said and "
            "what we have done; she agreed.",
            "understanding_checked": "Edith repeated back who would be told.",
            "confidentiality_measures": "Portal submissions only.",
            "outcome": "Referral acknowledged; CQC notification submitted.",
            "review_date": _in_days(2),
            "review_what": "The local authority's decision on a section 42 enquiry.",
        },
    )
    _save(page)
    page.get_by_role("heading", name="Disclosure decision 2").wait_for()
    assert_accessible(page)
    categories = sorted(
        DisclosureDecision.objects.get(
            incident=incident, number_in_incident=2
        ).recipients.values_list("category", flat=True)
    )
    assert categories == ["cqc", "la_safeguarding"]

    # A correction keeps the original; then the reviews due list.
    page.get_by_role("link", name="Correct outcome: actions agreed").click()
    assert_accessible(page)
    _fill(
        page,
        {
            "new_text": "Referral acknowledged (ref LA-5521); CQC notification submitted.",
            "reason": "Reference received after saving.",
        },
    )
    page.get_by_role("button", name="Save amendment").click()
    page.get_by_text("Reference received after saving.").wait_for()
    assert page.get_by_text("Referral acknowledged; CQC notification submitted.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Reviews due").click()
    page.get_by_role("heading", name="Disclosure reviews due").wait_for()
    assert page.get_by_text("Due in 2 days").count() == 2
    assert_accessible(page)

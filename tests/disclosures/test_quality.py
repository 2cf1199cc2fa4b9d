"""Each weak pattern the seeds name is flagged; a well-written record is not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from disclosures import quality
from tests.disclosures.factories import good_values

TODAY = timezone.localdate()

WEAK = [
    (
        "vague: reported to safeguarding",
        {"reasoning": good_values()["reasoning"] + " Reported to safeguarding."},
        "vague",
        "reasoning",
    ),
    (
        "vague: informed relevant parties",
        {"outcome": "Informed relevant parties."},
        "vague",
        "outcome",
    ),
    (
        "vague: as discussed",
        {"what_shared": good_values()["what_shared"] + " As discussed."},
        "vague",
        "what_shared",
    ),
    (
        "speculation: I think",
        {"what_shared": "I think her son hurt her wrist during the morning call on Monday."},
        "speculation",
        "what_shared",
    ),
    (
        "speculation: probably",
        {"what_shared": good_values()["what_shared"] + " He probably did it."},
        "speculation",
        "what_shared",
    ),
    (
        "speculation: seems",
        {"what_shared": good_values()["what_shared"] + " She seems scared of him."},
        "speculation",
        "what_shared",
    ),
    (
        "reasoning with a risk but no reason",
        {"reasoning": "Risk to the person."},
        "reasoning_incomplete",
        "reasoning",
    ),
    (
        "what was shared says nothing specific",
        {"what_shared": "Concerns about June."},
        "says_nothing",
        "what_shared",
    ),
    (
        "proportionality that leaves nothing out",
        {"proportionality": "Minimum shared."},
        "proportionality_no_limit",
        "proportionality",
    ),
    (
        "consent not sought with a placeholder reason",
        {"consent_reason_detail": "N/A"},
        "placeholder",
        "consent_reason_detail",
    ),
    (
        "consent not possible with no capacity consideration",
        {
            "consent_position": "not_possible",
            "consent_reason": "cannot_be_given",
            "consent_reason_detail": "Her son is always in the room, so she cannot be asked.",
        },
        "no_capacity_consideration",
        "consent_reason_detail",
    ),
    (
        "outcome with no owner or date",
        {"outcome": "Joint visit to be arranged."},
        "outcome_incomplete",
        "outcome",
    ),
    (
        "harm minimisation naming no measure",
        {
            "confidentiality_measures": "Confidentiality maintained.",
            "retaliation_risk": "",
            "safe_contact": "",
        },
        "harm_no_measure",
        "confidentiality_measures",
    ),
    (
        "consent not possible without a reason",
        {"consent_position": "not_possible", "consent_reason": "", "consent_reason_detail": ""},
        "consent_reason",
        "consent_reason_detail",
    ),
    (
        "consent refused without the discussion",
        {"consent_position": "refused", "consent_discussion": ""},
        "consent_reason",
        "consent_discussion",
    ),
    (
        "consent obtained without what was agreed",
        {"consent_position": "obtained", "consent_discussion": ""},
        "consent_reason",
        "consent_discussion",
    ),
    (
        "no harm minimisation",
        {"confidentiality_measures": "", "retaliation_risk": "", "safe_contact": ""},
        "no_harm_minimisation",
        "confidentiality_measures",
    ),
]


@pytest.mark.parametrize(
    ("changes", "code", "field"), [w[1:] for w in WEAK], ids=[w[0] for w in WEAK]
)
def test_weak_pattern_is_flagged(changes: dict[str, Any], code: str, field: str) -> None:
    findings = quality.check(good_values(**changes), risk_level="medium")
    assert (code, field) in {(f.code, f.field) for f in findings}, findings


def test_well_written_record_is_not_flagged() -> None:
    assert quality.check(good_values(), risk_level="high") == []


def test_well_written_decision_not_to_share_is_not_flagged() -> None:
    values = good_values(
        decision="do_not_share",
        what_shared="",
        proportionality="",
        confidentiality_measures="",
        retaliation_risk="",
        safe_contact="",
        what_withheld="The pattern of missing money and the new visitors were not shared.",
    )
    assert quality.check(values, risk_level="medium") == []


@pytest.mark.parametrize(
    ("risk", "days", "flagged"),
    [
        ("critical", 7, False),
        ("critical", 8, True),
        ("high", 14, False),
        ("high", 21, True),
        ("medium", 60, False),
        ("low", 120, True),
    ],
)
def test_review_point_distance_depends_on_risk(risk: str, days: int, flagged: bool) -> None:
    values = good_values(review_date=timezone.localdate() + timedelta(days=days))
    values["decided_at"] = timezone.now()
    codes = {f.code for f in quality.check(values, risk_level=risk)}
    assert ("distant_review" in codes) is flagged


def test_every_finding_says_what_triggered_it_and_how_to_fix_it() -> None:
    weak = good_values(
        reasoning="Decision made.",
        what_shared="Apparently he is aggressive.",
        proportionality="Proportionate.",
        outcome="Monitor.",
        consent_reason_detail="Lacks capacity.",
        consent_position="not_possible",
        consent_reason="cannot_be_given",
        confidentiality_measures="All appropriate measures taken.",
        retaliation_risk="",
        safe_contact="",
    )
    findings = quality.check(weak, risk_level="low")
    assert len({f.field for f in findings}) >= 6, findings
    for finding in findings:
        assert finding.excerpt, finding
        assert len(finding.message.split()) >= 8, finding


def test_quotes_and_attributed_speech_are_facts() -> None:
    quoted = good_values(what_shared="She said: “I think he’s probably going to hurt me.”")
    attributed = good_values(what_shared="Mr Grant said that he believes a visitor took his card.")
    unattributed = good_values(what_shared="A visitor probably took Mr Grant's card on Tuesday.")
    assert quality.check(quoted, risk_level="low") == []
    assert quality.check(attributed, risk_level="low") == []
    assert [f.code for f in quality.check(unattributed, risk_level="low")] == ["speculation"]


def test_a_specific_23_word_reasoning_is_not_rejected() -> None:
    reasoning = (
        "Mrs Hale's bruising and her fear of her son suggest coercive control; sharing now "
        "lets the council plan her protection before his visit."
    )
    assert len(reasoning.split()) == 23
    assert quality.check(good_values(reasoning=reasoning), risk_level="high") == []


def test_phrases_match_whole_words_only() -> None:
    # "seemsly" or "probablyx" are not speculation; case does not matter.
    text = good_values()["what_shared"] + " Unseemsly. PROBABLY"
    findings = quality.check(good_values(what_shared=text), risk_level="low")
    assert [f.excerpt for f in findings if f.code == "speculation"] == ["PROBABLY"]


def test_fingerprint_changes_with_the_findings() -> None:
    a = quality.check(good_values(reasoning="Too short."), risk_level="low")
    b = quality.check(good_values(outcome="As discussed."), risk_level="low")
    assert quality.fingerprint(a) == quality.fingerprint(list(reversed(a)))
    assert quality.fingerprint(a) != quality.fingerprint(b)

"""Each rule of the issue: a failing case naming the field, and a passing case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disclosures import services
from disclosures.drafts import RowField
from disclosures.models import Consultation, DisclosureDecision, QualityFinding, Recipient
from tests.disclosures.factories import good_draft, good_values, make_decision

NOW = timezone.now


def _not_shared_recipient() -> list[dict[str, Any]]:
    row = dict(good_values()["recipients"][0])
    row["shared_at"] = None
    return [row]


DO_NOT_SHARE = {
    "decision": "do_not_share",
    "what_shared": "",
    "what_withheld": "The injury and the household details were considered and not shared.",
    "recipients": [],
    "lawful_basis": "",
    "special_condition": "",
    "proportionality": "",
}
REFUSED = {
    "consent_position": "refused",
    "consent_reason": "",
    "consent_reason_detail": "",
    "consent_discussion": "Explained who we would tell and why, with the easy-read leaflet.",
    "understanding_checked": "He explained it back in his own words.",
}
OVERRIDE = {
    "override_authorised_by": "Daniel Reyes, safeguarding lead",
    "override_reason": "A threat of harm met the threshold set on day 2.",
}

# (id, overrides that break the rule, field named in the error, overrides that satisfy it)
RULES: list[tuple[str, dict[str, Any], str | RowField, dict[str, Any]]] = [
    ("share needs recipients", {"recipients": []}, "recipients", {}),
    ("share needs what was shared", {"what_shared": "  "}, "what_shared", {}),
    ("share needs proportionality", {"proportionality": ""}, "proportionality", {}),
    ("share needs lawful basis", {"lawful_basis": ""}, "lawful_basis", {}),
    (
        "share needs special condition",
        {"special_condition": ""},
        "special_condition",
        {"special_condition": "none"},
    ),
    (
        "recipient needs when shared",
        {"recipients": _not_shared_recipient()},
        RowField("recipients", 0, "shared_at"),
        {},
    ),
    (
        "recipient row complete",
        {"recipients": [{**good_values()["recipients"][0], "role": ""}]},
        RowField("recipients", 0, "role"),
        {},
    ),
    (
        "recipient name fits",
        {"recipients": [{**good_values()["recipients"][0], "name": "x" * 201}]},
        RowField("recipients", 0, "name"),
        {},
    ),
    (
        "recipient category from list",
        {"recipients": [{**good_values()["recipients"][0], "category": "neighbour"}]},
        RowField("recipients", 0, "category"),
        {},
    ),
    (
        "consultation needs advice",
        {"consultations": [{"name": "D. Reyes", "role": "Lead", "advice": ""}]},
        RowField("consultations", 0, "advice"),
        {"consultations": []},
    ),
    (
        "share part needs what was withheld",
        {"decision": "share_part", "what_withheld": ""},
        "what_withheld",
        {"decision": "share_part", "what_withheld": "Her medical history."},
    ),
    (
        "do not share shares nothing",
        {**DO_NOT_SHARE, "what_shared": "Bruising."},
        "what_shared",
        DO_NOT_SHARE,
    ),
    (
        "do not share needs what was considered",
        {**DO_NOT_SHARE, "what_withheld": ""},
        "what_withheld",
        DO_NOT_SHARE,
    ),
    (
        "do not share has no shared_at",
        {**DO_NOT_SHARE, "recipients": good_values()["recipients"]},
        RowField("recipients", 0, "shared_at"),
        {**DO_NOT_SHARE, "recipients": _not_shared_recipient()},
    ),
    ("purpose required", {"purpose": ""}, "purpose", {}),
    ("reasoning required", {"reasoning": ""}, "reasoning", {}),
    ("not sought needs a reason", {"consent_reason": ""}, "consent_reason", {}),
    (
        "not sought needs the reason explained",
        {"consent_reason_detail": ""},
        "consent_reason_detail",
        {},
    ),
    ("not sought reason must fit", {"consent_reason": "cannot_be_given"}, "consent_reason", {}),
    (
        "not possible needs a reason",
        {"consent_position": "not_possible", "consent_reason": ""},
        "consent_reason",
        {"consent_position": "not_possible", "consent_reason": "cannot_be_given"},
    ),
    (
        "not possible needs the reason explained",
        {
            "consent_position": "not_possible",
            "consent_reason": "cannot_be_given",
            "consent_reason_detail": "",
        },
        "consent_reason_detail",
        {"consent_position": "not_possible", "consent_reason": "cannot_be_given"},
    ),
    (
        "obtained has no reason",
        {"consent_position": "obtained"},
        "consent_reason",
        {
            "consent_position": "obtained",
            "consent_reason": "",
            "consent_reason_detail": "",
            "consent_discussion": "Agreed to the referral.",
        },
    ),
    (
        "refused needs what was discussed",
        {**DO_NOT_SHARE, **REFUSED, "consent_discussion": ""},
        "consent_discussion",
        {**DO_NOT_SHARE, **REFUSED},
    ),
    (
        "refused needs understanding checked",
        {**DO_NOT_SHARE, **REFUSED, "understanding_checked": ""},
        "understanding_checked",
        {**DO_NOT_SHARE, **REFUSED},
    ),
    (
        "override needs who authorised",
        {**REFUSED, "override_reason": OVERRIDE["override_reason"]},
        "override_authorised_by",
        {**REFUSED, **OVERRIDE},
    ),
    (
        "override needs why",
        {**REFUSED, "override_authorised_by": OVERRIDE["override_authorised_by"]},
        "override_reason",
        {**REFUSED, **OVERRIDE},
    ),
    (
        "no override without sharing",
        {**DO_NOT_SHARE, **REFUSED, **OVERRIDE},
        "override_authorised_by",
        {**DO_NOT_SHARE, **REFUSED},
    ),
    ("outcome required", {"outcome": ""}, "outcome", {}),
    ("review point date required", {"review_date": None}, "review_date", {}),
    ("review point says what", {"review_what": ""}, "review_what", {}),
    (
        "review point not before the decision",
        {"review_date": timezone.localdate() - timedelta(days=3)},
        "review_date",
        {"review_date": timezone.localdate()},
    ),
    (
        "decided at not in the future",
        {"decided_at": NOW() + timedelta(hours=2)},
        "decided_at",
        {"decided_at": NOW() - timedelta(minutes=1)},
    ),
    (
        "shared file hash is a sha-256",
        {"shared_file_sha256": "abc"},
        "shared_file_sha256",
        {"shared_file_sha256": "A" * 64, "shared_file_name": "chronology.pdf"},
    ),
]


# The rules live in one pure function, so each case runs without a database;
# the service tests below prove the service applies it and saves nothing on error.
@pytest.mark.parametrize(("bad", "field"), [(r[1], r[2]) for r in RULES], ids=[r[0] for r in RULES])
def test_rule_rejects(bad: dict[str, Any], field: str | RowField) -> None:
    with pytest.raises(ValidationError) as exc:
        services.validate_decision(good_draft(**bad))
    assert field in exc.value.message_dict, exc.value.message_dict


@pytest.mark.parametrize("good", [r[3] for r in RULES], ids=[r[0] for r in RULES])
def test_rule_accepts(good: dict[str, Any]) -> None:
    services.validate_decision(good_draft(**good))


def test_service_rejects_and_saves_nothing(world: Any) -> None:
    for _id, bad, field, _good in RULES:
        with pytest.raises(ValidationError) as exc:
            make_decision(world.users["manager"], world.objects["incident"], **bad)
        assert field in exc.value.message_dict, _id
    assert not DisclosureDecision.objects.exists()
    assert not Recipient.objects.exists()
    assert not Consultation.objects.exists()


def test_service_saves_each_passing_case(world: Any) -> None:
    for _id, _bad, _field, good in RULES:
        decision = make_decision(world.users["manager"], world.objects["incident"], **good)
        assert decision.recipients.count() == len(good_values(**good)["recipients"]), _id
    assert DisclosureDecision.objects.count() == len(RULES)


def test_every_problem_is_reported_at_once(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        make_decision(
            world.users["manager"],
            world.objects["incident"],
            recipients=[],
            what_shared="",
            review_date=None,
            consent_reason="",
        )
    assert {"recipients", "what_shared", "review_date", "consent_reason"} <= set(
        exc.value.message_dict
    )


def test_nothing_is_half_saved_when_a_row_fails_in_the_database(
    world: Any, monkeypatch: Any
) -> None:
    # The second recipient's name gets past validation (limit lifted) but is
    # too long for the column: the decision and first recipient must not survive.
    from django.db import DataError

    monkeypatch.setattr(services, "ROW_TEXT_MAX", 1000)
    rows = [good_values()["recipients"][0], {**good_values()["recipients"][0], "name": "x" * 300}]
    with pytest.raises(DataError):
        make_decision(world.users["manager"], world.objects["incident"], recipients=rows)
    assert not DisclosureDecision.objects.exists()
    assert not Recipient.objects.exists()


def test_saves_every_part(world: Any) -> None:
    decision = make_decision(world.users["manager"], world.objects["incident"])
    assert decision.number == 1
    assert decision.organisation_id == world.org.pk
    assert decision.decided_by == world.users["manager"]
    assert decision.recorded_by == world.users["manager"]
    recipient = Recipient.objects.get(decision=decision)
    assert (recipient.name, recipient.category, recipient.organisation_id) == (
        "Sam Ellis",
        "la_safeguarding",
        world.org.pk,
    )
    assert Consultation.objects.get(decision=decision).role == "Safeguarding lead"
    assert make_decision(world.users["lead"], world.objects["incident"]).number == 2


@pytest.mark.parametrize("role", ["manager_dom", "auditor", "hr", "admin", "outsider"])
def test_only_managers_of_the_service_and_leads_record(world: Any, role: str) -> None:
    with pytest.raises(PermissionDenied):
        make_decision(world.users[role], world.objects["incident"])


def test_decided_by_must_be_a_colleague_who_decides(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        make_decision(
            world.users["manager"], world.objects["incident"], decided_by=world.users["outsider"]
        )
    assert "decided_by" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_decision(
            world.users["manager"], world.objects["incident"], decided_by=world.users["hr"]
        )
    decision = make_decision(
        world.users["manager"], world.objects["incident"], decided_by=world.users["lead"]
    )
    assert decision.decided_by == world.users["lead"]


def test_quality_warnings_block_until_acknowledged(world: Any) -> None:
    weak = good_draft(reasoning="Reported to safeguarding.")
    with pytest.raises(services.QualityWarnings) as exc:
        services.record_disclosure(
            actor=world.users["manager"], incident=world.objects["incident"], draft=weak
        )
    assert {f.code for f in exc.value.findings} == {"vague", "reasoning_incomplete"}
    assert not DisclosureDecision.objects.exists()
    decision = services.record_disclosure(
        actor=world.users["manager"],
        incident=world.objects["incident"],
        draft=weak,
        quality_acknowledged=True,
    )
    assert decision.quality_acknowledged
    assert sorted(
        QualityFinding.objects.filter(decision=decision).values_list("code", flat=True)
    ) == ["reasoning_incomplete", "vague"]


def test_a_clean_record_saves_without_acknowledging(world: Any) -> None:
    decision = services.record_disclosure(
        actor=world.users["manager"], incident=world.objects["incident"], draft=good_draft()
    )
    assert not decision.quality_acknowledged
    assert not decision.quality_findings.exists()

"""Each rule pinned to its source: when it is required and its deadline.

Pure tests of the table (notifications/rules.py), no database."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.rules import BY_CODE, RULES, Facts

LONDON = ZoneInfo("Europe/London")
# Wednesday 10 June 2026, 10:00: an ordinary working day.
AWARE = datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)


def facts(**kw: object) -> Facts:
    values: dict[str, object] = {"categories": frozenset({"neglect"}), "aware_at": AWARE}
    values.update(kw)
    return Facts(**values)


def due(code: str, f: Facts) -> datetime:
    rule = BY_CODE[code]
    start = rule.starts(f)
    assert start is not None
    return rule.due(start)


def test_table_cites_a_source_for_every_rule() -> None:
    assert {r.code for r in RULES} == {
        "la_referral",
        "cqc",
        "police",
        "commissioner",
        "pipot",
        "dbs",
    }
    for rule in RULES:
        assert rule.source and rule.basis and rule.recipient


def test_la_referral_care_act_s42_same_working_day() -> None:
    """Care Act 2014 s42 / local multi-agency procedures: every safeguarding
    concern, one working day (8 working hours) from becoming aware."""
    rule = BY_CODE["la_referral"]
    assert "Care Act 2014 s42" in rule.source
    assert rule.requires(facts()) and rule.working
    assert due("la_referral", facts()) == datetime(2026, 6, 11, 10, 0, tzinfo=LONDON)
    assert rule.overridable.max_hours == 8  # local procedures: shorter, never longer


def test_cqc_regulation_18_2_e_abuse_or_allegation_of_abuse() -> None:
    """CQC (Registration) Regulations 2009 reg 18(2)(e): abuse or an allegation
    of abuse concerning a service user, without delay (24 calendar hours)."""
    rule = BY_CODE["cqc"]
    assert "18(2)(e)" in rule.source
    assert rule.requires(facts(categories=frozenset({"psychological"})))
    # Self-neglect is not abuse by another person...
    assert not rule.requires(facts(categories=frozenset({"self_neglect"})))
    # ...unless a member of staff is alleged to have abused the person.
    assert rule.requires(
        facts(categories=frozenset({"self_neglect"}), allegation_categories=frozenset({"neglect"}))
    )
    assert due("cqc", facts()) == datetime(2026, 6, 11, 10, 0, tzinfo=LONDON)
    assert not rule.overridable.anything  # set by regulation


def test_police_when_a_crime_may_have_been_committed() -> None:
    """Care and support statutory guidance 14.92–14.94: physical, sexual,
    financial, modern slavery and domestic abuse, or an allegation saying so."""
    rule = BY_CODE["police"]
    for category in ("physical", "sexual", "financial", "modern_slavery", "domestic"):
        assert rule.requires(facts(categories=frozenset({category})))
    for category in ("neglect", "psychological", "discriminatory", "organisational"):
        assert not rule.requires(facts(categories=frozenset({category})))
    raised = datetime(2026, 6, 12, 9, 0, tzinfo=LONDON)
    by_allegation = facts(crime_alleged_at=raised)
    assert rule.requires(by_allegation)
    assert due("police", by_allegation) == datetime(2026, 6, 13, 9, 0, tzinfo=LONDON)
    assert due("police", facts(categories=frozenset({"physical"}))) == datetime(
        2026, 6, 11, 10, 0, tzinfo=LONDON
    )


def test_commissioner_contract_dependent_off_by_default() -> None:
    """The commissioner's contract decides: off until the lead switches it on."""
    rule = BY_CODE["commissioner"]
    assert "contract" in rule.source
    assert rule.required_by_default is False
    assert rule.overridable.required and rule.overridable.hours


def test_pipot_chapter_14_120_to_132_every_allegation_against_staff() -> None:
    """Care and support statutory guidance 14.120–14.132: one working day from
    the allegation being raised."""
    rule = BY_CODE["pipot"]
    assert "14.120" in rule.source and "14.132" in rule.source
    assert not rule.requires(facts())
    raised = datetime(2026, 6, 12, 16, 0, tzinfo=LONDON)  # Friday 16:00
    f = facts(raised_at=raised)
    assert rule.requires(f)
    # 1 h Friday, the weekend skipped, 7 h Monday.
    assert due("pipot", f) == datetime(2026, 6, 15, 16, 0, tzinfo=LONDON)


def test_dbs_svga_2006_s35_on_removal_from_regulated_activity() -> None:
    """Safeguarding Vulnerable Groups Act 2006 s35: once removed from regulated
    activity; 30 days, not changeable."""
    rule = BY_CODE["dbs"]
    assert "section 35" in rule.source
    assert not rule.requires(facts(raised_at=AWARE))
    removed = datetime(2026, 6, 15, 11, 0, tzinfo=LONDON)
    f = facts(raised_at=AWARE, removed_at=removed)
    assert rule.requires(f)
    assert due("dbs", f) == datetime(2026, 7, 15, 11, 0, tzinfo=LONDON)
    assert not rule.overridable.anything

"""Which statutory notifications a record needs, and by when: ONE table.

Each ``Rule`` says when it is required (a predicate over the record's facts),
what starts its clock, how long the clock runs (calendar or working hours,
``notifications.clocks``), where the duty comes from, and which parts an
organisation may change (only where guidance leaves it to local procedures or
to a contract). ``docs/notifications.md`` prints this table; the tests in
``tests/notifications/test_rules.py`` pin each rule to its source.

Deadlines the law states exactly are used as stated. Where the source says
"without delay" or "as soon as possible", the table uses a fixed clock (and
says so in ``basis``) because a clock nobody can miss is no clock at all; the
lead sees and can quote that basis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from notifications.clocks import add_hours, describe

describe_clock = describe

INCIDENT = "incident"
ALLEGATION = "allegation"

# Categories of abuse where a crime may have been committed (police).
CRIME_CATEGORIES = frozenset({"physical", "sexual", "financial", "modern_slavery", "domestic"})
# Interim measures that take the person out of regulated activity (DBS).
REMOVAL_MEASURES = frozenset({"suspension", "redeployment", "restriction"})
# Categories CQC's abuse notification covers: abuse by someone. Self-neglect
# is not abuse or an allegation of abuse by another person.
NOT_ABUSE = frozenset({"self_neglect"})


@dataclass(frozen=True)
class Facts:
    """What the rules read from a record: plain values, no models, so the rules
    are testable as a table. Built by ``notifications.services.facts_for_*``."""

    categories: frozenset[str]
    aware_at: datetime  # the incident's "when we became aware"
    # Allegation-scoped facts (or, for incident rules, the allegations on it).
    allegation_categories: frozenset[str] = frozenset()
    raised_at: datetime | None = None  # allegation recorded as raised
    # Earliest crime-category allegation on the incident (incident police rule).
    crime_alleged_at: datetime | None = None
    removed_at: datetime | None = None  # first interim removal, or substantiated outcome


@dataclass(frozen=True)
class Overridable:
    """What an organisation may change, within bounds."""

    required: bool = False  # may switch the rule on or off
    min_hours: int | None = None  # the deadline, within [min_hours, max_hours]
    max_hours: int | None = None

    @property
    def hours(self) -> bool:
        return self.min_hours is not None

    @property
    def anything(self) -> bool:
        return self.required or self.hours


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    scope: str  # INCIDENT or ALLEGATION
    requires: Callable[[Facts], bool]
    starts: Callable[[Facts], datetime | None]
    start_label: str  # what starts the clock, in words
    hours: int
    working: bool
    source: str  # the citation
    basis: str  # why this clock
    recipient: str  # who it goes to (for the form and the CQC page)
    referral_kind: str = ""  # the allegations Referral kind that carries its reference
    required_by_default: bool = True
    overridable: Overridable = field(default_factory=Overridable)

    @property
    def clock_label(self) -> str:
        return describe(self.hours, working=self.working)

    def due(self, start: datetime, *, hours: int | None = None) -> datetime:
        return add_hours(start, self.hours if hours is None else hours, working=self.working)


def _police_start(f: Facts) -> datetime | None:
    if f.categories & CRIME_CATEGORIES:
        return f.aware_at
    return f.crime_alleged_at


RULES: tuple[Rule, ...] = (
    Rule(
        code="la_referral",
        title="Local-authority safeguarding referral",
        scope=INCIDENT,
        requires=lambda f: True,
        starts=lambda f: f.aware_at,
        start_label="when we became aware",
        hours=8,
        working=True,
        source=(
            "Care Act 2014 s42 (the local authority's enquiry duty) and Care and support "
            "statutory guidance 14.2–14.5; timescale from the local multi-agency "
            "safeguarding adults procedures"
        ),
        basis=(
            "Multi-agency procedures ask providers to refer a concern the same working "
            "day; one working day (8 working hours) from becoming aware. Local procedures "
            "may set a shorter time, never a longer one."
        ),
        recipient="Local authority adult safeguarding team",
        overridable=Overridable(min_hours=1, max_hours=8),
    ),
    Rule(
        code="cqc",
        title="CQC notification of abuse or allegation of abuse",
        scope=INCIDENT,
        requires=lambda f: bool(f.categories - NOT_ABUSE) or bool(f.allegation_categories),
        starts=lambda f: f.aware_at,
        start_label="when we became aware",
        hours=24,
        working=False,
        source=(
            "Care Quality Commission (Registration) Regulations 2009, regulation 18(1) and "
            "18(2)(e): any abuse or allegation of abuse in relation to a service user"
        ),
        basis=(
            'Regulation 18 requires notification "without delay"; 24 calendar hours is '
            "the clock used here. Set by regulation: not changeable."
        ),
        recipient="Care Quality Commission",
    ),
    Rule(
        code="police",
        title="Police notification",
        scope=INCIDENT,
        requires=lambda f: _police_start(f) is not None,
        starts=_police_start,
        start_label="when we became aware (or when an allegation of a possible crime was raised)",
        hours=24,
        working=False,
        source=(
            "Care and support statutory guidance 14.92–14.94 (where a crime may have been "
            "committed, the police are told); categories physical, sexual, financial, "
            "modern slavery and domestic abuse"
        ),
        basis=(
            "No statutory period; 24 calendar hours unless there is immediate danger "
            "(then 999 at once). An organisation may set a shorter time."
        ),
        recipient="Police",
        overridable=Overridable(min_hours=1, max_hours=24),
    ),
    Rule(
        code="commissioner",
        title="Commissioner notification",
        scope=INCIDENT,
        requires=lambda f: True,
        starts=lambda f: f.aware_at,
        start_label="when we became aware",
        hours=72,
        working=False,
        source="The provider's contract with its commissioner (contract-dependent)",
        basis=(
            "Off until the lead switches it on: whether and when depends on the "
            "contract, which the lead states as the override."
        ),
        recipient="Commissioner",
        required_by_default=False,
        overridable=Overridable(required=True, min_hours=1, max_hours=168),
    ),
    Rule(
        code="pipot",
        title="Person in a Position of Trust (PiPoT) referral",
        scope=ALLEGATION,
        requires=lambda f: f.raised_at is not None,
        starts=lambda f: f.raised_at,
        start_label="when the allegation was raised",
        hours=8,
        working=True,
        source=(
            "Care and support statutory guidance, chapter 14, paragraphs 14.120–14.132 "
            "(allegations against people in positions of trust)"
        ),
        basis=(
            "The local authority's PiPoT lead is told the same working day; one working "
            "day (8 working hours). Local procedures may set a shorter time."
        ),
        recipient="Local authority PiPoT lead",
        referral_kind="la_pipot",
        overridable=Overridable(min_hours=1, max_hours=8),
    ),
    Rule(
        code="dbs",
        title="DBS barring referral",
        scope=ALLEGATION,
        requires=lambda f: f.removed_at is not None,
        starts=lambda f: f.removed_at,
        start_label="when the staff member was removed from regulated activity",
        hours=30 * 24,
        working=False,
        source=(
            "Safeguarding Vulnerable Groups Act 2006, section 35 (a regulated activity "
            "provider's duty to refer when it removes a person from regulated activity)"
        ),
        basis=(
            'DBS guidance: refer "as soon as possible" after removal; 30 days is the '
            "clock used here. Set by statute: not changeable."
        ),
        recipient="Disclosure and Barring Service",
        referral_kind="dbs",
    ),
)

BY_CODE = {r.code: r for r in RULES}


def rule(code: str) -> Rule:
    return BY_CODE[code]


def rules_for(scope: str) -> list[Rule]:
    return [r for r in RULES if r.scope == scope]

"""Record-quality checks for disclosure decisions.

The seeds name weak practice that inspectors pick up: vague entries ("reported
to safeguarding"), no detail of what was shared, speculation in facts-only
fields, no reason for the consent position, and no credible review point. These
checks warn without blocking; the author confirms or improves, and the findings
are stored with the decision so audits can sample weak records.

``check`` works on plain values (a form's cleaned data or a service call's
keyword arguments), so it runs before anything is saved.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

VAGUE_PHRASES = [
    "reported to safeguarding",
    "informed relevant parties",
    "relevant parties informed",
    "informed the relevant people",
    "as discussed",
    "as per policy",
    "as appropriate",
    "shared as necessary",
    "passed on to the relevant",
    "all relevant agencies",
    "usual procedure",
    "see above",
    "see notes",
]
SPECULATION = [
    "i think",
    "i believe",
    "i feel",
    "i suspect",
    "probably",
    "possibly",
    "presumably",
    "seems",
    "seemed",
    "must have",
    "no doubt",
    "i assume",
]
# Where a vague phrase hides what really happened.
NARRATIVE_FIELDS = {
    "what_shared": "What was shared",
    "reasoning": "Reasoning",
    "proportionality": "Why this is the minimum necessary",
    "outcome": "Outcome",
    "consent_reason_detail": "Reason for the consent position",
    "what_withheld": "What was withheld",
}
FACTS_ONLY_FIELDS = {"what_shared": "What was shared (facts only)"}
HARM_FIELDS = ("confidentiality_measures", "retaliation_risk", "safe_contact")

MIN_REASONING_WORDS = 25
MIN_PROPORTIONALITY_WORDS = 10
MIN_WHAT_SHARED_WORDS = 8
MIN_CONSENT_REASON_WORDS = 6
# Longest sensible gap to the review point, by incident risk level.
MAX_REVIEW_DAYS = {"critical": 7, "high": 14}
MAX_REVIEW_DAYS_ANY = 90


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    message: str
    excerpt: str = ""


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w])", re.IGNORECASE
    )


_VAGUE = _pattern(VAGUE_PHRASES)
_SPECULATION = _pattern(SPECULATION)


def _words(text: str) -> int:
    return len(re.findall(r"[\w'\u2019£%-]+", text or ""))


def _text(values: Mapping[str, Any], name: str) -> str:
    return str(values.get(name) or "").strip()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


def check(values: Mapping[str, Any], *, risk_level: str = "") -> list[Finding]:
    """Findings for a decision's values (field names as on DisclosureDecision).

    ``risk_level`` is the incident's; it decides how far away a review point
    may reasonably be.
    """
    findings: list[Finding] = []
    decision = _text(values, "decision")
    shares = decision in ("share", "share_part")

    for field, label in NARRATIVE_FIELDS.items():
        match = _VAGUE.search(_text(values, field))
        if match:
            findings.append(
                Finding(
                    "vague",
                    field,
                    f"{label}: “{match.group(0)}” is vague. Say who, what exactly, and when.",
                    match.group(0),
                )
            )
    for field, label in FACTS_ONLY_FIELDS.items():
        match = _SPECULATION.search(_text(values, field))
        if match:
            findings.append(
                Finding(
                    "speculation",
                    field,
                    f"{label} should hold facts only; “{match.group(0)}” reads as opinion "
                    "or speculation. Record what was seen, heard or said.",
                    match.group(0),
                )
            )

    if shares and 0 < _words(_text(values, "what_shared")) < MIN_WHAT_SHARED_WORDS:
        findings.append(
            Finding(
                "thin_what_shared",
                "what_shared",
                "What was shared is too brief to show exactly which facts left the organisation.",
            )
        )
    if _words(_text(values, "reasoning")) < MIN_REASONING_WORDS:
        findings.append(
            Finding(
                "thin_reasoning",
                "reasoning",
                "The reasoning is too thin for a reviewer to follow the judgement. Explain the "
                "risk, why this decision, and why now.",
            )
        )
    if shares and 0 < _words(_text(values, "proportionality")) < MIN_PROPORTIONALITY_WORDS:
        findings.append(
            Finding(
                "thin_proportionality",
                "proportionality",
                "Say why the amount shared was the minimum necessary: what was left out and why.",
            )
        )

    position = _text(values, "consent_position")
    reason_detail = _text(values, "consent_reason_detail")
    if position in ("not_sought", "not_possible"):
        if not _text(values, "consent_reason") or _words(reason_detail) < MIN_CONSENT_REASON_WORDS:
            findings.append(
                Finding(
                    "consent_reason",
                    "consent_reason_detail",
                    "The consent position has no real reason. Explain why consent was not "
                    "sought or not possible for this person, now.",
                )
            )
    elif position == "refused":
        if not _text(values, "consent_discussion") or not _text(values, "understanding_checked"):
            findings.append(
                Finding(
                    "consent_reason",
                    "consent_discussion",
                    "Consent was refused: record what was discussed and how understanding "
                    "was checked, so the refusal can be shown to be informed.",
                )
            )
    elif position == "obtained" and not _text(values, "consent_discussion"):
        findings.append(
            Finding(
                "consent_reason",
                "consent_discussion",
                "Consent is recorded as obtained but not what the person agreed to. Record "
                "what was discussed with them.",
            )
        )

    if shares and not any(_text(values, f) for f in HARM_FIELDS):
        findings.append(
            Finding(
                "no_harm_minimisation",
                "confidentiality_measures",
                "Nothing is recorded about minimising harm: how confidentiality was protected, "
                "the risk of retaliation, or safe contact.",
            )
        )

    review = _as_date(values.get("review_date"))
    decided = _as_date(values.get("decided_at")) or timezone.localdate()
    if review is not None:
        gap = (review - decided).days
        limit = MAX_REVIEW_DAYS.get(risk_level)
        if limit is not None and gap > limit:
            findings.append(
                Finding(
                    "distant_review",
                    "review_date",
                    f"The incident is {risk_level} risk but the review point is {gap} days "
                    f"away. Consider a review within {limit} days.",
                )
            )
        elif gap > MAX_REVIEW_DAYS_ANY:
            findings.append(
                Finding(
                    "distant_review",
                    "review_date",
                    f"The review point is {gap} days away; risks and consent can change "
                    "sooner than that.",
                )
            )
    return findings


def fingerprint(findings: list[Finding]) -> str:
    """Identifies a set of findings, so "save with these warnings" confirms
    exactly the warnings the author saw, not ones raised by later edits."""
    text = "|".join(sorted(f"{f.code}:{f.field}:{f.excerpt}" for f in findings))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_decision(decision: Any) -> list[Finding]:
    """Re-run the checks on a saved decision (for audits)."""
    values = {f.name: getattr(decision, f.name) for f in decision._meta.concrete_fields}
    return check(values, risk_level=decision.incident.risk_level)

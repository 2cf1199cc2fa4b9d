"""Record-quality checks for disclosure decisions.

The seeds name weak practice that inspectors pick up: vague entries ("reported
to safeguarding"), no detail of what was shared, speculation in facts-only
fields, no reason for the consent position, and no credible review point. These
checks warn without blocking; the author confirms or improves, and the findings
are stored with the decision so audits can sample weak records.

``check`` works on plain values (a form's cleaned data or a service call's
keyword arguments), so it runs before anything is saved. The reading of each
text (placeholders, opinion in facts-only fields, reasoning without a risk, a
reason or the person, …) is ``incidents.quality``; this module applies it to a
decision's fields and adds the checks across fields (consent, capacity, harm
minimisation, review point). ``check_decision`` re-runs the same checks for
the record-quality audit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from incidents.quality import (
    CONSENT_REASON,
    FACTS_ONLY,
    NARRATIVE,
    OUTCOME,
    PROPORTIONALITY,
    REASONING,
    Finding,
    excerpt_of,
    harm_minimisation,
    read,
)

__all__ = [
    "Finding",
    "check",
    "check_decision",
    "check_for_incident",
    "check_text",
    "fingerprint",
]

# Each narrative field of a decision, how it is read, and its label in messages.
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "what_shared": ("What was shared (facts only)", FACTS_ONLY),
    "what_withheld": ("What was withheld", NARRATIVE),
    "information_considered": ("Information considered", NARRATIVE),
    "reasoning": ("Reasoning", REASONING),
    "proportionality": ("Why this is the minimum necessary", PROPORTIONALITY),
    "consent_reason_detail": ("Reason for the consent position", CONSENT_REASON),
    "consent_discussion": ("What was discussed with the person", NARRATIVE),
    "understanding_checked": ("How understanding was checked", NARRATIVE),
    "override_reason": ("Why the refusal was overridden", NARRATIVE),
    "outcome": ("Outcome", OUTCOME),
    "review_what": ("What will be reviewed", NARRATIVE),
}
HARM_FIELDS = {
    "confidentiality_measures": "How confidentiality was protected",
    "retaliation_risk": "Retaliation risk",
    "safe_contact": "Safe-contact arrangements",
}
# Longest sensible gap to the review point, by incident risk level.
MAX_REVIEW_DAYS = {"critical": 7, "high": 14}
MAX_REVIEW_DAYS_ANY = 90


def _text(values: Mapping[str, Any], name: str) -> str:
    return str(values.get(name) or "").strip()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    return None


def check_text(field: str, text: str) -> list[Finding]:
    """What the checks say about one narrative field's text, as the form and
    the audit read it (``make quality-report`` measures exactly this)."""
    if field in HARM_FIELDS:
        return harm_minimisation([(field, HARM_FIELDS[field], text)])
    label, kind = TEXT_FIELDS[field]
    return read(field, label, text, kind)


def check(
    values: Mapping[str, Any], *, risk_level: str = "", capacity_considerations: str = ""
) -> list[Finding]:
    """Findings for a decision's values (field names as on DisclosureDecision).

    ``risk_level`` is the incident's; it decides how far away a review point
    may reasonably be. ``capacity_considerations`` is what the incident
    records about mental capacity: consent "not possible" needs a capacity
    consideration there or in the reason.
    """
    findings: list[Finding] = []
    decision = _text(values, "decision")
    shares = decision in ("share", "share_part")

    for field in TEXT_FIELDS:
        findings += check_text(field, _text(values, field))

    position = _text(values, "consent_position")
    reason_detail = _text(values, "consent_reason_detail")
    if position in ("not_sought", "not_possible") and (
        not _text(values, "consent_reason") or not reason_detail
    ):
        findings.append(
            Finding(
                "consent_reason",
                "consent_reason_detail",
                "The consent position has no reason. Explain why consent was not "
                "sought or not possible for this person, now.",
                "(no reason recorded)",
            )
        )
    if position == "not_possible" and not _considers_capacity(
        reason_detail, capacity_considerations
    ):
        findings.append(
            Finding(
                "no_capacity_consideration",
                "consent_reason_detail",
                "Consent is recorded as not possible, but no mental capacity consideration is "
                "recorded, here or on the incident. Say whether the person lacks capacity for "
                "this decision (how it was assessed, the best-interests decision) or, if they "
                "have capacity but could not be asked, say so.",
                excerpt_of(reason_detail) or "(no capacity consideration recorded)",
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
                    "(discussion or understanding not recorded)",
                )
            )
    elif position == "obtained" and not _text(values, "consent_discussion"):
        findings.append(
            Finding(
                "consent_reason",
                "consent_discussion",
                "Consent is recorded as obtained but not what the person agreed to. Record "
                "what was discussed with them.",
                "(nothing recorded)",
            )
        )

    harm = [(f, label, _text(values, f)) for f, label in HARM_FIELDS.items()]
    if shares and not any(text for _, _, text in harm):
        findings.append(
            Finding(
                "no_harm_minimisation",
                "confidentiality_measures",
                "Nothing is recorded about minimising harm: how confidentiality was protected, "
                "the risk of retaliation, or safe contact.",
                "(all three left empty)",
            )
        )
    elif shares:
        findings += harm_minimisation(harm)

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
                    f"{review:%d %b %Y}",
                )
            )
        elif gap > MAX_REVIEW_DAYS_ANY:
            findings.append(
                Finding(
                    "distant_review",
                    "review_date",
                    f"The review point is {gap} days away; risks and consent can change "
                    "sooner than that.",
                    f"{review:%d %b %Y}",
                )
            )
    return findings


_CAPACITY = re.compile(
    r"capacity|best[- ]interests?|assess|understand|retain|weigh|communicat|unconscious|"
    r"sedat|mca\b",
    re.IGNORECASE,
)


def _considers_capacity(reason_detail: str, capacity_considerations: str) -> bool:
    return bool(capacity_considerations.strip()) or bool(_CAPACITY.search(reason_detail))


def fingerprint(findings: list[Finding]) -> str:
    """Identifies a set of findings, so "save with these warnings" confirms
    exactly the warnings the author saw, not ones raised by later edits."""
    text = "|".join(sorted(f"{f.code}:{f.field}:{f.excerpt}" for f in findings))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_for_incident(values: Mapping[str, Any], incident: Any) -> list[Finding]:
    """``check`` with what the incident says (risk level, capacity): the one
    call the form, the export and the audit make."""
    return check(
        values,
        risk_level=incident.risk_level,
        capacity_considerations=incident.capacity_considerations,
    )


def check_decision(decision: Any) -> list[Finding]:
    """Re-run the checks on a saved decision (for audits): the same checks as
    the form, so an audit and the form never disagree."""
    values = {f.name: getattr(decision, f.name) for f in decision._meta.concrete_fields}
    return check_for_incident(values, decision.incident)

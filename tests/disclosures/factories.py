"""A well-written disclosure decision (the seed's coercion example), built
through the service. Tests change one thing at a time from here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from disclosures import services
from disclosures.drafts import DecisionDraft


def good_values(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    values: dict[str, Any] = {
        "decision": "share",
        "decided_at": now - timedelta(hours=1),
        "purpose": "protection_planning",
        "what_shared": (
            "Bruising about 3 cm across the inside of the left wrist seen at the 08:00 call; "
            "her son stays in the room during personal care; she said quietly \"don't tell "
            'anyone"; there is no private space in the home.'
        ),
        "what_withheld": "",
        "recipients": [
            {
                "name": "Sam Ellis",
                "role": "Safeguarding duty social worker",
                "organisation": "Riverside Council Adult Safeguarding",
                "category": "la_safeguarding",
                "channel": "secure_email",
                "shared_at": now - timedelta(minutes=30),
            }
        ],
        "information_considered": (
            "The 08:00 carer's account and body map, her words when her son left the room "
            "and the visit times in her care plan."
        ),
        "reasoning": (
            "The injury, her fear when her son is present and her quiet request point to "
            "coercive control with a risk of serious harm. Partner involvement is needed to "
            "plan her protection, and waiting for a private moment to ask could take weeks "
            "while the risk continues."
        ),
        "lawful_basis": "public_task",
        "special_condition": "sch1_para18",
        "consent_position": "not_sought",
        "consent_reason": "would_prejudice_protection",
        "consent_reason_detail": (
            "Her son is present at every visit; asking openly for consent could alert him "
            "and trigger retaliation."
        ),
        "proportionality": (
            "Only risk indicators, access barriers and immediate safety concerns were shared; "
            "her medical history and finances were left out as not needed for planning."
        ),
        "confidentiality_measures": "Secure email only; the incident is restricted internally.",
        "retaliation_risk": "Staff told not to discuss the concern in the home.",
        "safe_contact": "Varied visit times and a manager-led welfare call when she is alone.",
        "consultations": [
            {
                "name": "Daniel Reyes",
                "role": "Safeguarding lead",
                "advice": "Share the minimum now; do not seek consent while the son is present.",
            }
        ],
        "dissenting_views": "",
        "outcome": (
            "Social worker to arrange a joint visit by Friday; advocacy referral made today."
        ),
        "review_date": timezone.localdate() + timedelta(days=7),
        "review_what": "Whether private contact has been achieved and consent can be sought.",
    }
    values.update(overrides)
    return values


def good_draft(**overrides: Any) -> DecisionDraft:
    """``good_values`` as the draft the service takes."""
    return DecisionDraft.from_values(good_values(**overrides))


def make_decision(
    actor: Any, incident: Any, *, quality_acknowledged: bool = True, **overrides: Any
) -> Any:
    return services.record_disclosure(
        actor=actor,
        incident=incident,
        draft=good_draft(**overrides),
        quality_acknowledged=quality_acknowledged,
    )

"""Audience profiles: who an export is for decides what it may contain.

HR detail (employment actions and outcomes of an allegation against staff) is
included only in the internal full record, and only when the person exporting
may see it. Every external audience gets the safeguarding side alone: seed 003,
"the family received information about safeguarding actions and protection
measures, but not HR details", and the same holds for inspectors and partners.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Profile(models.TextChoices):
    CQC = "cqc", "CQC inspector"
    COMMISSIONER = "commissioner", "Commissioner"
    LOCAL_AUTHORITY = "la", "Local-authority safeguarding team"
    POLICE = "police", "Police"
    INTERNAL = "internal", "Internal full record"


@dataclass(frozen=True)
class ProfileRules:
    includes_hr: bool
    # Recipient category of the disclosure decision this export is recorded as
    # (DESIGN.md recipient categories).
    recipient_category: str
    # Purpose category of that decision.
    purpose_category: str
    description: str


RULES: dict[str, ProfileRules] = {
    Profile.CQC: ProfileRules(
        includes_hr=False,
        recipient_category="cqc",
        purpose_category="regulatory_notification",
        description="Safeguarding record and every disclosure decision. No HR detail.",
    ),
    Profile.COMMISSIONER: ProfileRules(
        includes_hr=False,
        recipient_category="commissioner",
        purpose_category="service_continuity",
        description="Safeguarding record and every disclosure decision. No HR detail.",
    ),
    Profile.LOCAL_AUTHORITY: ProfileRules(
        includes_hr=False,
        recipient_category="la_safeguarding",
        purpose_category="s42_enquiry",
        description="For a section 42 enquiry or protection planning. No HR detail.",
    ),
    Profile.POLICE: ProfileRules(
        includes_hr=False,
        recipient_category="police",
        purpose_category="criminal_investigation",
        description="For a criminal investigation. No HR detail.",
    ),
    Profile.INTERNAL: ProfileRules(
        includes_hr=True,
        recipient_category="internal_lead",
        purpose_category="other",
        description=(
            "Everything you may see, including HR detail if your role allows it. "
            "For internal review only."
        ),
    ),
}


def rules_for(profile: str) -> ProfileRules:
    return RULES[Profile(profile)]

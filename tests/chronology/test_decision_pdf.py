"""The PDF carries every decision-log field of a decision, amendments and reviews."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from disclosures import services as disclosure_services
from disclosures.drafts import ConsultationDraft, DecisionDraft, RecipientDraft
from tests.chronology.factories import export
from tests.chronology.test_export import pdf_text, squash

FIELDS = {
    "what_shared": "Risk indicators: bruising to wrist, fear when son present.",
    "what_withheld": "Her words about her son's temper were withheld as not needed yet.",
    "information_considered": "Carer's account, body map and the visit rota on her file.",
    "reasoning": "Serious harm suspected; partner involvement needed for a safe-contact plan.",
    "consent_reason_detail": "Asking openly could trigger retaliation by her son.",
    "proportionality": "Only risk indicators, access barriers and immediate safety concerns.",
    "confidentiality_measures": "Shared by phone with the named duty social worker only.",
    "retaliation_risk": "Son must not learn of the referral; visits varied.",
    "safe_contact": "Manager-led welfare call Tue/Thu 11:00 when June is alone.",
    "dissenting_views": "Care worker preferred to wait one more visit.",
    "outcome": "Safe-contact plan agreed; advocacy referral made.",
    "review_what": "Whether private contact has increased.",
}


def test_every_decision_log_field_is_in_the_pdf(world: Any) -> None:
    incident = world.objects["incident"]
    # The export (CQC profile) puts the adults' names into initials wherever
    # they appear: fixed names, so a random one ("Morgan") cannot meet the
    # recipient's name below.
    incident.people.update(given_name="Edna", family_name="Blackwood", preferred_name="")
    manager = world.users["manager"]
    now = timezone.now()
    decision = disclosure_services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft.from_values(
            {
                "decision": "share_part",
                "decided_at": now - timedelta(minutes=30),
                "purpose": "protection_planning",
                "consent_position": "not_sought",
                "consent_reason": "would_prejudice_protection",
                "lawful_basis": "public_task",
                "special_condition": "sch1_para18",
                "review_date": (now + timedelta(days=7)).date(),
                "recipients": [
                    RecipientDraft(
                        name="Alex Morgan",
                        role="Duty social worker",
                        organisation="Northshire County Council",
                        category="la_safeguarding",
                        channel="phone",
                        shared_at=now - timedelta(minutes=20),
                    )
                ],
                "consultations": [
                    ConsultationDraft(
                        name="Daniel Reyes", role="Safeguarding lead", advice="Share now, minimum."
                    )
                ],
                **FIELDS,
            }
        ),
        quality_acknowledged=True,
    )
    disclosure_services.amend_decision(
        actor=manager,
        decision=decision,
        field="outcome",
        reason="Advocacy referral date added.",
        new_text="Safe-contact plan agreed; advocacy referral made on 12 Nov.",
    )
    disclosure_services.record_review(
        actor=manager,
        decision=decision,
        reviewed_at=now - timedelta(minutes=5),
        what_changed="Two private welfare calls completed.",
        next_review_date=(now + timedelta(days=14)).date(),
        next_review_what="Advocate's first visit.",
    )
    e = export(world.users["lead"], incident)
    assert e.status == "done", e.failure
    text = squash(pdf_text(bytes(e.pdf)))
    expected = [
        *FIELDS.values(),
        "Disclosure decision 1 · Share part",
        # Who it went to: name, role, organisation, kind of recipient, channel, when.
        "Alex Morgan: Duty social worker, Northshire County Council (Local authority "
        "safeguarding) · Phone, shared",
        "Protection planning",
        "Public task — Art. 6(1)(e)",
        "DPA 2018 Sch. 1 para 18",
        "Consent not sought",
        "Asking would prejudice the person's protection",
        "Daniel Reyes, Safeguarding lead: Share now, minimum.",
        (now + timedelta(days=7)).date().strftime("%-d %b %Y"),
        # The amendment with its original still above it.
        "Advocacy referral date added.",
        "Safe-contact plan agreed; advocacy referral made on 12 Nov.",
        # The review.
        "Review of decision 1",
        "Two private welfare calls completed.",
        "Advocate's first visit.",
    ]
    missing = [s for s in expected if squash(s) not in text]
    assert not missing, missing

"""A synthetic export document of any size, built in memory (no database).

For the benchmark (`make bench`) and for measuring the renderer:

    from chronology.sample import sample_document
    from chronology.pdf import build_export_html, render_pdf
    html, fingerprint = build_export_html(sample_document(1000))
    pdf = render_pdf(html)

It is meant to cost what a real export of that many records costs, so it is
built by the timeline's own item builders (``incident_item``, ``entry_item``,
``decision_item``...) from unsaved model instances, and mixes the kinds the
way a long chronology does (the seed's operational example 1, followed for
months): the incident, status changes, and then, in every 20 records, one
disclosure decision with every decision-log field filled in (recipients,
consent reasoning, proportionality, harm minimisation, consultations and
dissent, outcome and review point; every third one amended), a review of a
decision in every 40, and chronology entries, every tenth one amended. For
1,000 records: 1 incident, 3 status changes, 50 decisions, 25 reviews and 921
entries.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from chronology.services import ExportDocument
from chronology.timeline import TimelineItem

FACTS = [
    "Bruising approx. 3 cm across the inside of the left wrist, purple. She pulled her sleeve "
    "down when I looked.",
    "Her son stayed in the doorway throughout personal care and answered questions for her.",
    'When her son went to the kitchen she said quietly: "don\'t tell anyone".',
    "Structured handover by phone to the on-call manager: injury, quote, no private space.",
    "Cash tin count £45 short against the signed balance sheet after a two-hour visit.",
    "Welfare call made at 11:00 while she was alone; she said she was eating and sleeping well.",
    "Advocacy referral sent through the secure portal; acknowledgement received.",
    "Visit times varied as agreed in the safe-contact plan; no written material left in the home.",
]
KINDS = ["observation", "direct_quote", "conversation", "call", "meeting", "action"]
PEOPLE = [
    "Priya Shah (care worker)",
    "Maya Okafor (on-call manager)",
    "Lee Morgan (support worker)",
]

# Decision-log texts after the seed's operational examples; every field of the
# log is filled in somewhere, most of them in every decision.
DECISIONS: list[dict[str, Any]] = [
    {
        "decision": "share",
        "purpose": "protection_planning",
        "what_shared": "Bruising about 3 cm across the inside of June's left wrist, seen at the "
        "08:00 call. Her son stays in the room during personal care and there is no private "
        'space in the home. When he left the room she said quietly: "don\'t tell anyone".',
        "reasoning": "The injury, June's fear when her son is present and her quiet request not "
        "to tell anyone are indicators of coercive control with a risk of serious harm. The local "
        "authority can plan safe contact and an enquiry that we cannot; waiting for a safe moment "
        "to ask her could take weeks while the risk continues.",
        "lawful_basis": "public_task",
        "special_condition": "sch1_para18",
        "consent_position": "not_sought",
        "consent_reason": "would_prejudice_protection",
        "consent_reason_detail": "Her son is present at every visit. Asking openly could alert "
        "him and trigger retaliation; in a coercive relationship her answer may not be freely "
        "given.",
        "proportionality": "Only the risk indicators, the barriers to private contact and the "
        "immediate safety concerns were shared; her health history and finances were not.",
        "confidentiality_measures": "Shared by phone with the duty worker only, then confirmed "
        "by secure email. No letters to the home address.",
        "retaliation_risk": "Staff told not to discuss the concern in the home or leave written "
        "material the son could find.",
        "safe_contact": "Visit times varied; manager-led welfare call on Tue/Thu at 11:00 when "
        "June is usually alone.",
        "outcome": "Local authority to plan a joint visit this week when the son is out. "
        "Safe-contact plan in place. Advocacy referral made.",
        "review_what": "Whether private contact has been achieved and consent can now be sought.",
        "recipients": [("Sam Ellis", "Duty safeguarding social worker", "la_safeguarding")],
        "consulted": [("Daniel Reyes", "Safeguarding lead", "Share the minimum needed now.")],
    },
    {
        "decision": "share_part",
        "purpose": "s42_enquiry",
        "what_shared": "Pattern of exploitation indicators: money missing on five occasions "
        "after visits, a reported threat, and the steps already taken to support safer choices.",
        "what_withheld": "Health information, family contacts and full financial records: not "
        "needed for the enquiry's first steps.",
        "reasoning": "A threat of harm and a significant loss mean the risk has escalated beyond "
        "what we can manage alone. This is a proportionate step from the earlier decision not to "
        "share, taken when the recorded thresholds were met.",
        "lawful_basis": "public_task",
        "special_condition": "sch1_para18",
        "consent_position": "refused",
        "consent_discussion": "Using the easy-read leaflet, explained who we might tell, why, and "
        "what could happen next; talked about advocacy and safer ways to keep friendships.",
        "understanding_checked": "He explained back in his own words that the council would be "
        "told because of the threat.",
        "override_authorised_by": "Daniel Reyes, safeguarding lead",
        "override_reason": "The thresholds set earlier were met; the risk of serious harm "
        "outweighs the refusal. He was told before the referral was sent.",
        "proportionality": "Only the exploitation indicators, the threat, the impact and the "
        "steps already taken.",
        "confidentiality_measures": "Secure email to the named social worker only.",
        "retaliation_risk": "Visitor access managed in line with the tenancy and safety plan.",
        "safe_contact": "Social worker to meet him at the office, not in his flat.",
        "dissenting_views": "Key worker felt sharing would damage his trust in staff; he was told "
        "first and advocacy support arranged.",
        "outcome": "Section 42 enquiry opened; joint meeting with him and his advocate booked.",
        "review_what": "Losses since the referral, his wellbeing and his view of the enquiry.",
        "recipients": [("Sam Ellis", "Safeguarding social worker", "la_safeguarding")],
        "consulted": [
            ("Daniel Reyes", "Safeguarding lead", "Thresholds met; share the minimum."),
            ("Lee Morgan", "Key worker", "Concerned about trust; tell him first."),
        ],
    },
    {
        "decision": "do_not_share",
        "purpose": "protection_planning",
        "what_withheld": "The pattern of missing money and his anxiety after phone calls were "
        "considered for a referral and not shared.",
        "reasoning": "He has capacity to decide about sharing and has refused. The losses so far "
        "are small and there are no threats, so overriding would not be proportionate yet. "
        "Thresholds for escalation are set: any threat, or a loss over £100 at once.",
        "lawful_basis": "",
        "special_condition": "",
        "consent_position": "refused",
        "consent_discussion": "Explained who we might tell and why. He said: \"I don't want them "
        'to stop coming."',
        "understanding_checked": "He said back that the council could help keep his money safe.",
        "proportionality": "",
        "confidentiality_measures": "Concern recorded on the restricted incident only.",
        "retaliation_risk": "Cash kept in the office safe with his agreement.",
        "safe_contact": "Key worker checks in with him privately after each visit.",
        "outcome": "Not shared. Visitor book started, advocacy offered, thresholds recorded.",
        "review_what": "Whether any threshold has been met; his view on sharing.",
        "recipients": [
            ("Adult Safeguarding duty team", "Safeguarding referrals", "la_safeguarding")
        ],
        "consulted": [("Daniel Reyes", "Safeguarding lead", "Agreed not to share yet.")],
    },
    {
        "decision": "share",
        "purpose": "protection_planning",
        "what_shared": "Her name, the times she is alone (Tue/Thu 11:00) and that she wants "
        "support to stay safe at home; no details of the injury.",
        "reasoning": "She asked for someone independent to help her think about her options. The "
        "advocate needs a safe way to reach her and nothing more for a first contact.",
        "lawful_basis": "consent",
        "special_condition": "art9_2a",
        "consent_position": "obtained",
        "consent_discussion": "During the private welfare call she was told what the referral "
        "would say and that she could stop it at any time.",
        "understanding_checked": "She repeated back who would call and when.",
        "proportionality": "Only her name, safe contact times and her request for support.",
        "confidentiality_measures": "Secure email; the advocate calls only at the agreed times.",
        "retaliation_risk": "No contact by post or at visit times when her son is present.",
        "safe_contact": "Advocate to phone on Tue/Thu at 11:00 only.",
        "outcome": "Advocacy service accepted the referral; first call booked.",
        "review_what": "Whether the advocate has made contact safely.",
        "recipients": [
            ("Advocacy intake team", "Independent advocacy service", "advocate"),
            ("Dr A. Rahman", "GP", "gp_clinical"),
        ],
        "consulted": [],
    },
]

ORGANISATIONS = {
    "la_safeguarding": "Riverside Council Adult Safeguarding",
    "advocate": "Riverside Advocacy",
    "gp_clinical": "Riverside Medical Practice",
}


def _users() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    names = {"priya": ("Priya", "Shah"), "maya": ("Maya", "Okafor"), "lead": ("Daniel", "Reyes")}
    return {key: User(first_name=g, last_name=f) for key, (g, f) in names.items()}


class _Rows(list[Any]):
    """Related rows held in memory, answering ``.all()`` as a related manager does."""

    def all(self) -> _Rows:
        return self


class _Loaded:
    """An unsaved model instance whose reverse relations answer from memory
    (the item builders call ``.all()`` on them): every other attribute is the
    instance's own. Nothing of Django's is set or read beyond its public API."""

    def __init__(self, instance: Any, related: dict[str, list[Any]]) -> None:
        self.__dict__["sample_instance"] = instance
        self.__dict__["sample_related"] = {name: _Rows(rows) for name, rows in related.items()}

    def __getattr__(self, name: str) -> Any:
        related = self.__dict__["sample_related"]
        if name in related:
            return related[name]
        return getattr(self.__dict__["sample_instance"], name)


def _with_related(instance: Any, pk: int, **related: list[Any]) -> Any:
    """``instance`` with primary key ``pk`` and the given reverse relations."""
    instance.pk = pk
    return _Loaded(instance, related)


def _decision(number: int, at: datetime, rng: random.Random, users: dict[str, Any]) -> Any:
    from disclosures.models import Consultation, DecisionAmendment, DisclosureDecision, Recipient

    spec = dict(DECISIONS[(number - 1) % len(DECISIONS)])
    recipients = [
        Recipient(
            name=name,
            role=role,
            recipient_organisation=ORGANISATIONS[category],
            category=category,
            channel=rng.choice(["phone", "secure_email", "portal"]),
            shared_at=None if spec["decision"] == "do_not_share" else at + timedelta(minutes=20),
        )
        for name, role, category in spec.pop("recipients")
    ]
    consultations = [
        Consultation(name=name, role=role, advice=advice)
        for name, role, advice in spec.pop("consulted")
    ]
    amendments = []
    if number % 3 == 0:
        amendments.append(
            DecisionAmendment(
                field="outcome",
                reason="Date of the joint visit added when it was confirmed.",
                new_text=f"{spec['outcome']} Joint visit confirmed for the following Tuesday.",
                author=users["maya"],
                created_at=at + timedelta(days=1),
            )
        )
    decision = DisclosureDecision(
        recorded_number=number,
        decided_by=users["maya"] if number % 2 else users["lead"],
        decided_at=at,
        recorded_by=users["maya"],
        recorded_at=at + timedelta(minutes=40),
        review_date=(at + timedelta(days=7)).date(),
        **spec,
    )
    # The number in its incident, as the manager's annotation gives a saved one
    # (an annotation the type checker knows only on querysets that add it).
    setattr(decision, "number_in_incident", number)  # noqa: B010
    return _with_related(
        decision,
        number,
        recipients=recipients,
        consultations=consultations,
        amendments=amendments,
        escalation_conditions=[],
    )


def _review(number: int, decision: Any, at: datetime, users: dict[str, Any]) -> Any:
    from disclosures.models import DecisionReview

    review = DecisionReview(
        decision=decision.sample_instance,
        review_point_date=decision.review_date,
        reviewed_by=users["maya"],
        reviewed_at=at,
        what_changed="Two private welfare calls achieved. She said she wants help to stay safe at "
        "home but does not want the police involved yet.",
        next_review_date=(at + timedelta(days=14)).date(),
        next_review_what="Outcome of the section 42 planning meeting; her wishes.",
    )
    review.pk = number
    return _with_related(review, number, escalation_checks=[])


def _entry(pk: int, at: datetime, rng: random.Random, users: dict[str, Any]) -> Any:
    from incidents.models import ChronologyAmendment, ChronologyEntry

    facts = " ".join(rng.sample(FACTS, rng.randint(1, 3)))
    amendments = []
    if pk % 10 == 9:
        amendments.append(
            ChronologyAmendment(
                reason="Time corrected from the call log.",
                new_text=facts.replace("approx.", "approximately"),
                author=users["maya"],
                created_at=at + timedelta(hours=3),
            )
        )
    entry = ChronologyEntry(
        kind=rng.choice(KINDS),
        facts=facts,
        present="; ".join(rng.sample(PEOPLE, 2)),
        occurred_at=at,
        recorded_at=at + timedelta(minutes=25),
        recorded_by=users["priya"],
    )
    return _with_related(entry, pk, amendments=amendments)


def _incident(at: datetime, users: dict[str, Any]) -> Any:
    from incidents.models import Incident

    incident = Incident(
        reference="SG-2026-0042",
        categories=["domestic", "physical", "psychological"],
        summary="Suspected coercive control; bruising to left wrist",
        what_happened="During the 08:00 call the care worker saw bruising on June's left wrist. "
        "June appeared fearful while her son was in the room and would not answer questions. "
        'When he left the room she said quietly: "don\'t tell anyone".',
        occurred_at=at - timedelta(minutes=40),
        became_aware_at=at,
        raised_by="Priya Shah, care worker",
        risk_level="high",
        persons_views='"Don\'t tell anyone." June has not said what she wants to happen.',
        desired_outcomes="To be safe at home; June has said she wants to stay in her own home.",
        capacity_considerations="No reason to doubt June's capacity for this decision. Consent "
        "may not be freely given while the suspected coercer is present.",
        created_by=users["maya"],
        created_at=at + timedelta(minutes=30),
    )
    incident.pk = 42
    return incident


def _status(pk: int, at: datetime, to: str, users: dict[str, Any], **extra: Any) -> Any:
    from incidents.models import StatusTransition

    transition = StatusTransition(to_status=to, changed_by=users["lead"], changed_at=at, **extra)
    transition.pk = pk
    return transition


def sample_items(n: int, *, seed: int = 42) -> list[TimelineItem]:
    from chronology.integrations import decision_item, review_item
    from chronology.timeline import entry_item, incident_item, status_item

    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    users = _users()
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    items: list[TimelineItem] = []
    decisions: list[Any] = []
    for i in range(n):
        at = start + timedelta(minutes=37 * i)
        if i == 0:
            items.append(incident_item(_incident(at, users)))
        elif i == 1:
            items.append(status_item(_status(1, at, "open", users, reason="Incident logged.")))
        elif n >= 10 and i == n // 2:
            items.append(
                status_item(
                    _status(
                        2,
                        at,
                        "under_enquiry",
                        users,
                        from_status="open",
                        reason="Local authority opened a section 42 enquiry.",
                    )
                )
            )
        elif n >= 10 and i == n - 1:
            items.append(
                status_item(
                    _status(
                        3,
                        at,
                        "closed",
                        users,
                        from_status="under_enquiry",
                        closure_outcome="risk_reduced",
                        reason="Enquiry concluded; safety plan in place and reviewed monthly.",
                    )
                )
            )
        elif i % 20 == 10:
            decisions.append(_decision(len(decisions) + 1, at, rng, users))
            items.append(decision_item(decisions[-1]))
        elif i % 40 == 25 and decisions:
            items.append(review_item(_review(i, decisions[-1], at, users)))
        else:
            items.append(entry_item(_entry(i, at, rng, users)))
    items.sort(key=lambda item: item.sort_key)
    return items


def sample_document(n: int, *, seed: int = 42) -> ExportDocument:
    from types import SimpleNamespace

    from chronology.profiles import Profile, rules_for
    from chronology.redaction import Redactor, redact_items
    from chronology.timeline import kind_choices

    items = sample_items(n, seed=seed)
    counts = Counter(item.kind for item in items)
    # A CQC export promises initials: the sample pays for keeping that promise too.
    rules = rules_for(Profile.CQC)
    person = SimpleNamespace(
        given_name="June", family_name="Hartley", preferred_name="", initials="J.H."
    )
    redactor = Redactor([person])
    redact_items(redactor, items)
    return ExportDocument(
        reference="SG-2026-0042",
        public_id="EX-SAMPLE01",
        summary="Suspected coercive control; bruising to left wrist",
        initials="J.H.",
        service="Riverside Home Care",
        organisation="Riverside Care Group",
        profile_label="CQC inspector",
        includes_hr=False,
        recipient_name="Sam Inspector",
        recipient_role="Inspector",
        recipient_organisation="Care Quality Commission",
        prepared_by="Daniel Reyes",
        prepared_by_role="Safeguarding lead",
        purpose="Inspection of safeguarding practice.",
        lawful_basis="Art. 6(1)(c); Art. 9(2)(g) with DPA 2018 Sch. 1 para 18.",
        date_range="Whole record",
        generated_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        items=items,
        counts=[(label, counts[k]) for k, label in kind_choices(include_hr=True) if counts[k]],
        adults="J.H.",
        initials_only=rules.initials_only,
        names_statement=rules.redaction_statement,
        redactions=redactor.count,
    )

"""Demo organisation, users and incidents that follow the seed documents'
operational examples. Development only: the passwords are published in README."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import prior, services
from incidents.models import Incident
from organisations.audit import acting_as
from organisations.models import Membership, Organisation, Role, Service

DEMO_ORGANISATION = "Riverside Care Group"
DEMO_PASSWORD = "demo-Safeguard-2026"  # noqa: S105 - published demo credential
# Demo entries describe events days before the demo is built; they say so
# rather than carry a "recorded late without a reason" finding each.
DEMO_LATE_REASON = "Demonstration data, entered after the events it describes."

DEMO_USERS = [
    # username, given, family, role, job title
    ("manager", "Maya", "Okafor", Role.MANAGER, "Registered manager"),
    ("lead", "Daniel", "Reyes", Role.LEAD, "Safeguarding lead"),
    ("hr", "Harriet", "Quinn", Role.HR, "HR business partner"),
    ("auditor", "Aisha", "Patel", Role.AUDITOR, "Quality auditor"),
    ("admin", "Owen", "Walsh", Role.ADMIN, "Organisation admin"),
]


@dataclass
class DemoContext:
    organisation: Organisation
    services: dict[str, Service]
    users: dict[str, Any]
    incidents: dict[str, Incident] = field(default_factory=dict)


def build(stdout: Any = None) -> DemoContext | None:
    """Create the demo organisation once. Returns None when it already exists."""
    if Organisation.objects.filter(name=DEMO_ORGANISATION).exists():
        return None
    User = get_user_model()
    org = Organisation.objects.create(name=DEMO_ORGANISATION, reference_prefix="SG")
    svc = {
        "home": Service.objects.create(
            organisation=org, name="Riverside House", kind=Service.Kind.CARE_HOME
        ),
        "dom": Service.objects.create(
            organisation=org, name="Riverside Home Care", kind=Service.Kind.DOMICILIARY
        ),
        "living": Service.objects.create(
            organisation=org, name="Elm Court", kind=Service.Kind.SUPPORTED_LIVING
        ),
    }
    users: dict[str, Any] = {}
    for username, given, family, role, title in DEMO_USERS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=given,
            last_name=family,
            email=f"{username}@riverside.example",
        )
        membership = Membership.objects.create(
            user=user, organisation=org, role=role, job_title=title
        )
        if role == Role.MANAGER:
            membership.services.set(svc.values())
        users[username] = user
    ctx = DemoContext(organisation=org, services=svc, users=users)
    with acting_as(users["manager"]):
        _incidents(ctx)
        _people(ctx)
    with acting_as(users["lead"]):
        _earlier_concerns(ctx)
    return ctx


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time ``days_ago`` days back, so the story's times read true."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _incidents(ctx: DemoContext) -> None:
    manager = ctx.users["manager"]
    lead = ctx.users["lead"]

    # Seed 000, operational example 1: domestic coercion in domiciliary care.
    june = services.create_person(
        actor=manager, given_name="June", family_name="Hartley", service=ctx.services["dom"]
    )
    t0 = at(12, 8, 0)
    coercion = services.create_incident(
        actor=manager,
        service=ctx.services["dom"],
        people=[june],
        categories=["domestic", "psychological", "physical"],
        summary="Suspected coercive control; bruising to left wrist",
        what_happened=(
            "During the 08:00 call the care worker saw bruising on June's left wrist. June "
            "appeared fearful while her son was in the room and would not answer questions. "
            'When he left the room she said quietly: "don\'t tell anyone".'
        ),
        occurred_at=t0,
        became_aware_at=t0 + timedelta(minutes=40),
        raised_by="Priya Shah, care worker",
        risk_level="high",
        views_status="asked_expressed",
        persons_views='"Don\'t tell anyone." June has not said what she wants to happen.',
        desired_outcomes="To be safe at home; June has said she wants to stay in her own home.",
        capacity_considerations=(
            "No reason to doubt June's capacity for this decision. Consent may not be freely "
            "given while the suspected coercer is present."
        ),
    )
    bruise = services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=coercion,
        kind="observation",
        occurred_at=t0,
        facts=(
            "Bruising approx. 3 cm across the inside of the left wrist, purple. June pulled "
            "her sleeve down when I looked. Her son stayed in the doorway throughout personal care."
        ),
        present="Priya Shah (care worker); June's son in the doorway",
    )
    # Issue 21: the bruise on June's body map.
    services.add_body_mark(
        actor=manager,
        entry=bruise,
        view="front",
        region="left_wrist",
        description="Bruising across the inside of the wrist; June pulled her sleeve down.",
        size="3 cm",
        colour="Purple",
        seen_by="Priya Shah, care worker",
        seen_at=t0,
    )
    services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=coercion,
        kind="direct_quote",
        occurred_at=t0 + timedelta(minutes=15),
        facts='When her son went to the kitchen June said quietly: "don\'t tell anyone".',
        present="Priya Shah (care worker)",
    )
    entry = services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=coercion,
        kind="call",
        occurred_at=t0 + timedelta(minutes=40),
        facts=(
            "Structured handover by phone to on-call manager Maya Okafor: injury, quote, "
            "son present throughout, no private space in the home."
        ),
        present="Priya Shah; Maya Okafor (on-call manager)",
    )
    services.amend_entry(
        actor=manager,
        entry=entry,
        reason="Time corrected from the call log: the call was at 08:40, not 09:40.",
        new_text=(
            "Structured handover by phone at 08:40 to on-call manager Maya Okafor: injury, "
            "quote, son present throughout, no private space in the home."
        ),
    )
    services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=coercion,
        kind="action",
        occurred_at=t0 + timedelta(hours=3),
        facts=(
            "Safe-contact plan agreed: visit times varied, manager-led welfare call when June "
            "is alone (Tue/Thu 11:00), advocacy referral made. Staff told not to discuss the "
            "concern in the home or leave written material there."
        ),
        present="Maya Okafor; Daniel Reyes (safeguarding lead)",
    )
    ctx.incidents["coercion"] = coercion

    # Seed 000, operational example 2: financial exploitation, consent refused.
    tom = services.create_person(
        actor=manager, given_name="Tom", family_name="Baker", service=ctx.services["living"]
    )
    t1 = at(30, 19, 30)
    financial = services.create_incident(
        actor=manager,
        service=ctx.services["living"],
        people=[tom],
        categories=["financial"],
        summary="Repeated missing money and new visitors",
        what_happened=(
            "Over three weeks Tom's cash tin has been £40–£60 short on four occasions after "
            'visits from two new "friends". Tom appears anxious after phone calls.'
        ),
        occurred_at=t1,
        became_aware_at=t1 + timedelta(days=1),
        raised_by="Lee Morgan, support worker",
        risk_level="medium",
        views_status="asked_expressed",
        persons_views=(
            "Tom does not want anyone contacted: \"I need the company, I don't want to be on "
            'my own."'
        ),
        desired_outcomes="Keep his friendships; not lose money; not be alone in the evenings.",
        capacity_considerations=(
            "Tom has capacity to decide about sharing information. Refusal may be influenced "
            "by dependency on the visitors; explored with him on 2 occasions."
        ),
    )
    services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=financial,
        kind="observation",
        occurred_at=t1,
        facts="Cash tin count £45 short against the signed balance sheet after a 2-hour visit.",
        present="Lee Morgan (support worker)",
    )
    services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=financial,
        kind="conversation",
        occurred_at=t1 + timedelta(days=2),
        facts=(
            "Explained to Tom, using the easy-read leaflet, who we might tell and why. Tom "
            "repeated back that the council could help keep his money safe. He said: \"I don't "
            'want them to stop coming."'
        ),
        present="Maya Okafor; Tom Baker",
    )
    ctx.incidents["financial"] = financial

    # Seed 000 example 3 / seed 003: allegation of rough handling by staff.
    edith = services.create_person(
        actor=manager, given_name="Edith", family_name="Clarke", service=ctx.services["home"]
    )
    t2 = at(5, 21, 30)
    allegation = services.create_incident(
        actor=manager,
        service=ctx.services["home"],
        people=[edith],
        categories=["physical"],
        summary="Resident alleges rough handling during personal care",
        what_happened=(
            'At 21:30 Edith told the senior carer: "he grabbed my arm and pulled me up too '
            'hard". She named a member of night staff. Redness noted on the upper right arm.'
        ),
        occurred_at=t2 - timedelta(hours=1),
        became_aware_at=t2,
        raised_by="Grace Lin, senior carer",
        risk_level="high",
        views_status="asked_expressed",
        persons_views="Edith wants the staff member not to look after her again.",
        desired_outcomes="To feel safe at night; to be told what happens next.",
        capacity_considerations="Edith has capacity; she was able to describe events clearly.",
    )
    services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=allegation,
        kind="direct_quote",
        occurred_at=t2,
        facts='Edith said: "he grabbed my arm and pulled me up too hard".',
        present="Grace Lin (senior carer)",
    )
    services.add_entry(
        actor=manager,
        late_reason=DEMO_LATE_REASON,
        incident=allegation,
        kind="action",
        occurred_at=t2 + timedelta(minutes=30),
        facts=(
            "Named staff member removed from Edith's care for the rest of the shift. Body map "
            "completed. Staff on shift instructed to record observations only and not to "
            "discuss the allegation."
        ),
        present="Grace Lin; Maya Okafor (by phone)",
    )
    with acting_as(lead):
        services.set_restricted(
            actor=lead, incident=allegation, restricted=True, expected_version=allegation.version
        )
        services.grant_need_to_know(
            actor=lead,
            incident=allegation,
            user=manager,
            reason="Registered manager leading immediate protection and the internal response.",
            expected_version=allegation.version,
        )
    ctx.incidents["allegation"] = allegation

    # A closed, low-risk incident so lists and filters have variety.
    ruth = services.create_person(
        actor=manager, given_name="Ruth", family_name="Ahmed", service=ctx.services["home"]
    )
    t3 = at(60, 20, 0)
    closed = services.create_incident(
        actor=manager,
        service=ctx.services["home"],
        people=[ruth],
        categories=["neglect"],
        summary="Missed medication round",
        what_happened="Evening medication not given on one occasion; found at 22:15 handover.",
        occurred_at=t3,
        became_aware_at=t3 + timedelta(hours=2, minutes=15),
        raised_by="Night senior carer",
        risk_level="low",
        views_status="asked_none",
    )
    services.change_status(
        actor=manager,
        incident=closed,
        to_status="closed",
        closure_outcome="risk_reduced",
        reason="GP advised no harm; medication procedure retrained with the team.",
        expected_version=closed.version,
    )
    ctx.incidents["closed"] = closed


def _people(ctx: DemoContext) -> None:
    """The people around the seed scenarios (issue 21): June's son, Tom's new
    "friends", and the senior carer who heard Edith's allegation. The staff
    member Edith names is added with the allegation (allegations/demo.py)."""
    manager, lead = ctx.users["manager"], ctx.users["lead"]
    coercion, financial = ctx.incidents["coercion"], ctx.incidents["financial"]
    son = services.link_person(
        actor=manager,
        incident=coercion,
        role="source_of_harm",
        given_name="Gary",
        family_name="Hartley",
        description="June's son",
        source_of_risk="known",
        relationship="Son; lives with June",
        note="Present in the doorway throughout personal care on the morning of the bruising.",
    )
    services.link_person(
        actor=manager,
        incident=coercion,
        person=son.person,
        role="household",
        relationship="Son; lives with June",
    )
    priya = services.link_person(
        actor=manager,
        incident=coercion,
        role="witness",
        given_name="Priya",
        family_name="Shah",
        description="Care worker, Riverside Home Care",
        is_staff=True,
        relationship="Care worker",
        note="Saw the bruising and heard June's words at the 08:00 call.",
    )
    services.link_person(
        actor=manager,
        incident=coercion,
        role="advocate",
        given_name="Westshire",
        family_name="Advocacy",
        description="Independent advocacy service",
        relationship="Advocacy referral made",
    )
    services.add_entry(
        actor=manager,
        incident=coercion,
        kind="observation",
        occurred_at=coercion.became_aware_at + timedelta(days=2),
        facts=(
            "Welfare visit at 11:00, June alone. Bruise fading, yellow. June said her son "
            '"gets cross when money is short" and asked that he is not told about the visit.'
        ),
        present_people=[priya],
    )
    for given, note in (
        ("Kyle", "Visits most evenings; the cash tin is short after his visits."),
        ("Dean", "Comes with Kyle; has asked Tom for his bank card."),
    ):
        services.link_person(
            actor=manager,
            incident=financial,
            role="source_of_harm",
            given_name=given,
            description='One of Tom\'s new "friends"; family name not known',
            source_of_risk="known",
            relationship="New friend",
            note=note,
        )
    services.link_person(
        actor=lead,
        incident=ctx.incidents["allegation"],
        role="witness",
        given_name="Grace",
        family_name="Lin",
        description="Senior carer, Riverside House (night shift)",
        is_staff=True,
        relationship="Senior carer on shift",
        note="Edith told her at 21:30; she saw the redness on the upper right arm.",
    )


def _earlier_concerns(ctx: DemoContext) -> None:
    """Two earlier concerns about June (issue 22, item 5), so she has three in
    the last 90 days and the lead sees a pattern alert. The second was logged
    after reading the first, as the form asks: its acknowledgement shows on
    its page."""
    lead = ctx.users["lead"]
    coercion = ctx.incidents["coercion"]
    june = coercion.people.get()
    common: dict[str, Any] = {
        "service": ctx.services["dom"],
        "raised_by": "Priya Shah, care worker",
        "views_status": "not_asked",
        "views_not_asked_reason": "Asking with her son present could put June at risk.",
    }
    t4 = at(70, 8, 0)
    refused = services.create_incident(
        actor=lead,
        people=[june],
        categories=["neglect"],
        summary="Care worker refused entry at the morning call",
        what_happened=(
            "At the 08:00 call June's son answered the door and said June was asleep and did "
            "not need the call. The care worker did not see June. The office rang at 10:00; "
            "June answered and said she was fine."
        ),
        occurred_at=t4,
        became_aware_at=t4 + timedelta(minutes=20),
        risk_level="medium",
        **common,
    )
    t5 = at(40, 9, 30)
    ctx.incidents["pension"] = prior.log_incident(
        actor=lead,
        submission=None,
        acknowledged=True,
        shown=prior.shown_ids(prior.prior_concerns(lead, [june])),
        people=[june],
        categories=["financial"],
        summary="Pension money short after collection by son",
        what_happened=(
            "June told the care worker her pension was collected by her son on Monday and "
            "she was given £20 of it. The food cupboard was nearly empty at the 09:30 call."
        ),
        occurred_at=t5,
        became_aware_at=t5 + timedelta(minutes=30),
        risk_level="medium",
        **common,
    )
    ctx.incidents["refused_entry"] = refused

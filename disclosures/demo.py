"""The disclosure decisions of the seed's three operational examples
(000_b2cae605e6ba713f), recorded on the demo incidents. Development only.

Dates are relative to now so the "Reviews due" list always has an overdue
review point, one due soon, and one that has been reviewed and moved on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from auditlog.context import set_actor
from django.utils import timezone

from disclosures import services
from disclosures.drafts import ConsultationDraft, DecisionDraft, RecipientDraft
from organisations.models import User


def _day(moment: datetime, days: int = 0) -> Any:
    return timezone.localtime(moment).date() + timedelta(days=days)


def extend(ctx: Any) -> None:
    manager = ctx.users["manager"]
    lead = ctx.users["lead"]
    with set_actor(manager):
        _coercion(ctx.incidents["coercion"], manager, lead)
        _financial(ctx.incidents["financial"], manager, lead)
        _allegation(ctx.incidents["allegation"], manager, lead)


def _coercion(incident: Any, manager: User, lead: User) -> None:
    """Example 1: consent not sought because asking risks retaliation; the
    minimum necessary shared with local-authority safeguarding."""
    t0 = incident.became_aware_at
    first = services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft(
            decision="share",
            decided_at=t0 + timedelta(hours=1),
            purpose="protection_planning",
            what_shared=(
                "Bruising about 3 cm across the inside of June's left wrist, seen at the 08:00 "
                "call. Her son stays in the room during personal care and there is no private "
                'space in the home. When he left the room she said quietly: "don\'t tell anyone". '
                "Visits are at fixed times known to the household."
            ),
            recipients=(
                RecipientDraft(
                    name="Sam Ellis",
                    role="Duty safeguarding social worker",
                    organisation="Riverside Council Adult Safeguarding",
                    category="la_safeguarding",
                    channel="phone",
                    shared_at=t0 + timedelta(hours=1, minutes=20),
                ),
            ),
            information_considered=(
                "The 08:00 carer's account and body map of the wrist, June's words when her son "
                "left the room, the care plan's visit times and the household details on her "
                "file."
            ),
            reasoning=(
                "The injury, June's fear when her son is present and her quiet request not to tell "
                "anyone are indicators of coercive control with a risk of serious harm. Protecting "
                "her needs partners: the local authority can plan safe contact and an enquiry that "
                "we cannot. Waiting for a safe moment to ask her could take weeks while the risk "
                "continues, so the decision was made to share now."
            ),
            lawful_basis="public_task",
            special_condition="sch1_para18",
            consent_position="not_sought",
            consent_reason="would_prejudice_protection",
            consent_reason_detail=(
                "Her son is present at every visit. Asking openly for consent could alert him to "
                "the concern and trigger retaliation against June; in a coercive relationship her "
                "answer may not be freely given."
            ),
            proportionality=(
                "Only the risk indicators, the barriers to private contact and the immediate "
                "safety concerns were shared. Her health history, finances and the wider family's "
                "details were left out because the social worker did not need them to plan safe "
                "contact."
            ),
            confidentiality_measures=(
                "Shared by phone to the duty worker only, then confirmed by secure email. No "
                "letters or leaflets to the home address."
            ),
            retaliation_risk=(
                "Staff instructed not to discuss the concern in the home and not to leave any "
                "written material that the son could find."
            ),
            safe_contact=(
                "Visit times varied; manager-led welfare call on Tue/Thu at 11:00 when June is "
                "usually alone; advocacy referral made."
            ),
            consultations=(
                ConsultationDraft(
                    name="Daniel Reyes",
                    role="Safeguarding lead",
                    advice=(
                        "Agreed the risk of retaliation outweighs asking for consent now; share "
                        "the "
                        "minimum needed for a safe-contact plan and seek June's views privately."
                    ),
                ),
            ),
            outcome=(
                "Local authority to plan a joint visit within 5 working days, at a time the son is "
                "out. Safe-contact plan "
                "in place. Advocacy referral made."
            ),
            review_date=_day(t0, 7),
            review_what=(
                "Whether private contact has been achieved, June's own views, and whether consent "
                "can now safely be sought."
            ),
        ),
    )
    services.record_review(
        actor=manager,
        decision=first,
        reviewed_at=t0 + timedelta(days=7, hours=2),
        what_changed=(
            "Two private welfare calls achieved. June said she wants help to stay safe at home "
            "but does not want the police involved yet. Joint visit with the social worker held "
            "while her son was out."
        ),
        next_review_date=_day(timezone.now(), 3),
        next_review_what="Outcome of the section 42 enquiry planning meeting; June's wishes.",
    )
    services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft(
            decision="share",
            decided_at=t0 + timedelta(days=7, hours=3),
            purpose="protection_planning",
            what_shared=(
                "June's name, her contact times when she is alone (Tue/Thu 11:00), and that she "
                "wants support to stay safe at home. The referral says there are concerns about a "
                "household member without naming the injury."
            ),
            recipients=(
                RecipientDraft(
                    name="Riverside Advocacy intake team",
                    role="Independent advocacy service",
                    organisation="Riverside Advocacy",
                    category="advocate",
                    channel="secure_email",
                    shared_at=t0 + timedelta(days=7, hours=4),
                ),
            ),
            information_considered=(
                "June's request at the private visit on Tuesday, the advocacy service's "
                "referral criteria, and the safe contact times agreed with the duty social "
                "worker."
            ),
            reasoning=(
                "June asked for someone independent to help her think about her options. The "
                "advocate needs a safe way to reach her; nothing more is needed for a first "
                "contact, and the injury details stay with the local authority enquiry."
            ),
            lawful_basis="consent",
            special_condition="art9_2a",
            consent_position="obtained",
            consent_discussion=(
                "During the private welfare call on Thursday June was told what the referral would "
                "say and that she could stop it at any time. She asked for the advocate to call "
                "only when she is alone."
            ),
            understanding_checked="June repeated back who would call and when.",
            proportionality=(
                "Only her name, safe contact times and her request for support; no details of the "
                "injury or the household member."
            ),
            confidentiality_measures=(
                "Secure email; the advocate asked to call only at the agreed times."
            ),
            retaliation_risk="No contact by post or at visit times when her son is present.",
            safe_contact="Advocate to phone on Tue/Thu at 11:00 only.",
            outcome="Advocacy service accepted the referral; first call booked.",
            review_date=_day(timezone.now(), -2),
            review_what="Whether the advocate has made contact safely.",
        ),
        quality_acknowledged=True,
    )


def _financial(incident: Any, manager: User, lead: User) -> None:
    """Example 2: consent refused and a recorded decision not to share, with
    escalation thresholds; later a threshold is met and the minimum is shared
    with the refusal overridden by the safeguarding lead."""
    t1 = incident.became_aware_at
    consent_discussion = (
        "Using the easy-read leaflet, explained to Tom who we might tell (the council's "
        "safeguarding team), why (to help keep his money safe) and what could happen next. "
        "Talked about advocacy and safer ways to keep his friendships, such as meeting "
        'visitors in the communal lounge. Tom said: "I don\'t want them to stop coming."'
    )
    first = services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft(
            decision="do_not_share",
            decided_at=t1 + timedelta(days=2, hours=1),
            purpose="protection_planning",
            what_withheld=(
                "The pattern of missing money (£40 to £60 on four occasions after visits), the two "
                "new visitors and Tom's anxiety after phone calls were considered for a referral "
                "to local-authority safeguarding and not shared."
            ),
            recipients=(
                RecipientDraft(
                    name="Adult Safeguarding duty team",
                    role="Safeguarding referrals",
                    organisation="Riverside Council Adult Safeguarding",
                    category="la_safeguarding",
                    channel="secure_email",
                    shared_at=None,
                ),
            ),
            information_considered=(
                "The finance log of missing money, the visitor book, the carers' notes of Tom's "
                "anxiety after phone calls, and the capacity assessment for decisions about "
                "sharing (he has capacity)."
            ),
            reasoning=(
                "Tom has capacity to decide about sharing his information and has refused. The "
                "losses so far are small and there are no threats, so overriding his refusal would "
                "not be proportionate yet and could cost his trust in staff. We treat the refusal "
                "as a data point: it may be influenced by dependency on the visitors. Thresholds "
                "for escalation are set: any threat to Tom, a loss of more than £100 at once or "
                "£200 in a month, or evidence that he is being coerced."
            ),
            consent_position="refused",
            consent_discussion=consent_discussion,
            understanding_checked=(
                "Tom explained back in his own words that the council could help keep his money "
                "safe and that he could change his mind at any time."
            ),
            confidentiality_measures="Concern recorded on the restricted incident only.",
            retaliation_risk=(
                "Supported Tom to change routines: cash kept in the office safe with his "
                "agreement; "
                "visitor book at reception in line with his tenancy."
            ),
            safe_contact="Key worker checks in with Tom privately after each visit.",
            consultations=(
                ConsultationDraft(
                    name="Daniel Reyes",
                    role="Safeguarding lead",
                    advice="Agreed not to share yet; set clear thresholds and review in a week.",
                ),
            ),
            outcome=(
                "Not shared. Cash kept in the safe with Tom's agreement, visitor book started, "
                "advocacy offered. Thresholds for escalation recorded above."
            ),
            review_date=_day(t1, 9),
            review_what="Whether any threshold has been met; Tom's view on sharing.",
        ),
        quality_acknowledged=True,
    )
    services.record_review(
        actor=manager,
        decision=first,
        reviewed_at=t1 + timedelta(days=9, hours=3),
        what_changed=(
            "£150 missing after a visit on Monday. Tom told his key worker that one visitor "
            'said he would "get hurt" if he told staff. Two thresholds are met (a threat and '
            "a loss over £100)."
        ),
        no_further_review_reason=(
            "Threshold met: superseded by the decision to share minimum information with "
            "local-authority safeguarding (decision 2)."
        ),
    )
    services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft(
            decided_by=lead,
            decision="share_part",
            decided_at=t1 + timedelta(days=9, hours=5),
            purpose="s42_enquiry",
            what_shared=(
                "Pattern of exploitation indicators: money missing on five occasions after visits "
                "by two named visitors, including £150 on Monday; Tom's report that a visitor said "
                'he would "get hurt" if he told staff; his anxiety after phone calls; and the '
                "steps "
                "taken so far (cash in the safe, visitor book, advocacy offered)."
            ),
            what_withheld=(
                "Tom's health information, his family contacts and his full financial records: "
                "not needed for the enquiry's first steps and Tom objected to sharing anything."
            ),
            recipients=(
                RecipientDraft(
                    name="Sam Ellis",
                    role="Safeguarding social worker",
                    organisation="Riverside Council Adult Safeguarding",
                    category="la_safeguarding",
                    channel="secure_email",
                    shared_at=t1 + timedelta(days=9, hours=6),
                ),
            ),
            information_considered=(
                "The visitor's threat reported by Tom, the finance log showing £150 missing on "
                "Monday, and the earlier decision not to share with its thresholds for "
                "sharing."
            ),
            reasoning=(
                "A threat of harm and a significant loss mean the risk to Tom has escalated beyond "
                "what we can manage alone. Protection needs the local authority's enquiry powers. "
                "This is a progressive, proportionate step from the earlier decision not to share, "
                "taken when the thresholds recorded then were met."
            ),
            lawful_basis="public_task",
            special_condition="sch1_para18",
            consent_position="refused",
            consent_discussion=consent_discussion
            + " On day 9 Tom was told of the threat thresholds being met; he still refused.",
            understanding_checked=(
                "Tom said back that the council would be told because of the threat."
            ),
            override_authorised_by="Daniel Reyes, safeguarding lead",
            override_reason=(
                "A threat of harm and a loss over £100 met the thresholds set on day 2. The risk "
                "of "
                "serious harm outweighs Tom's refusal; Tom was told before the referral was sent."
            ),
            proportionality=(
                "Only the exploitation indicators, the threat, the impact on Tom and the steps "
                "already taken. Health, family and full financial details were left out."
            ),
            confidentiality_measures="Secure email to the named social worker only.",
            retaliation_risk=(
                "Visitor access managed in line with the tenancy and safety plan; Tom supported to "
                "change his routine on the days the visitors came."
            ),
            safe_contact="Social worker to meet Tom at the office, not in his flat.",
            consultations=(
                ConsultationDraft(
                    name="Daniel Reyes",
                    role="Safeguarding lead",
                    advice="Thresholds met; authorised sharing the minimum despite the refusal.",
                ),
                ConsultationDraft(
                    name="Lee Morgan",
                    role="Key worker",
                    advice=(
                        "Concerned that sharing will damage Tom's trust; asked to tell Tom first."
                    ),
                ),
            ),
            dissenting_views=(
                "Lee Morgan (key worker) felt sharing would damage Tom's trust in staff. "
                "Considered: "
                "Tom was told first and advocacy support arranged before the social worker's visit."
            ),
            outcome="Section 42 enquiry opened; joint meeting with Tom and his advocate booked.",
            review_date=_day(timezone.now(), 5),
            review_what="Losses since the referral, Tom's wellbeing and his view of the enquiry.",
        ),
        quality_acknowledged=True,
    )


def _allegation(incident: Any, manager: User, lead: User) -> None:
    """Example 3: tightly controlled internal sharing and timely factual
    external sharing with local-authority safeguarding and CQC."""
    t2 = incident.became_aware_at
    services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft(
            decision="share_part",
            decided_at=t2 + timedelta(minutes=45),
            purpose="immediate_safety",
            what_shared=(
                'Edith\'s words "he grabbed my arm and pulled me up too hard", the name of the '
                "night staff member, the redness on her upper right arm and that he has been "
                "removed from her care."
            ),
            what_withheld=(
                "The shift team were told only that the named colleague is not working on the "
                "unit; nothing about the allegation or Edith's account."
            ),
            recipients=(
                RecipientDraft(
                    name="Daniel Reyes",
                    role="Safeguarding lead",
                    organisation="Riverside Care Group",
                    category="internal_lead",
                    channel="phone",
                    shared_at=t2 + timedelta(minutes=50),
                ),
                RecipientDraft(
                    name="Harriet Quinn",
                    role="HR business partner",
                    organisation="Riverside Care Group",
                    category="internal_hr",
                    channel="meeting",
                    shared_at=t2 + timedelta(hours=14),
                ),
            ),
            information_considered=(
                "Edith's account as recorded by the nurse in charge, the body map of her upper "
                "right arm, the night rota and the staff member's current allocation."
            ),
            reasoning=(
                "Rumours were starting on shift. Telling more people than need to know risks "
                "contaminating witness accounts, harms both Edith and the staff member, and could "
                "prejudice a fair process. Only the on-call lead, the safeguarding lead and HR "
                "need "
                "detail to protect Edith and manage the employment side."
            ),
            lawful_basis="legitimate_interests",
            special_condition="art9_2h",
            consent_position="obtained",
            consent_discussion=(
                "Explained to Edith that the safeguarding lead and HR need to know so the staff "
                "member is kept away from her care. She agreed."
            ),
            understanding_checked="Edith said back who would be told and why.",
            proportionality=(
                "Detail only to the three people with a role in protection or the employment "
                "process; the wider team told only what they need to staff the unit safely."
            ),
            confidentiality_measures=(
                "Incident restricted to the need-to-know list. Staff instructed to record factual "
                "observations only and not to discuss the allegation outside formal channels."
            ),
            retaliation_risk="Staff member not rostered near Edith; no contact with her.",
            safe_contact="Edith's named senior carer checks in with her at each shift.",
            outcome=(
                "Immediate protection in place; HR to decide interim measures by the end of "
                "the day."
            ),
            review_date=_day(t2, 2),
            review_what="Whether internal sharing has stayed within the need-to-know list.",
        ),
        quality_acknowledged=True,
    )
    services.record_disclosure(
        actor=manager,
        incident=incident,
        draft=DecisionDraft(
            decision="share_part",
            decided_at=t2 + timedelta(hours=3),
            purpose="s42_enquiry",
            what_shared=(
                "What was alleged (Edith's words and the time), the redness seen on her upper "
                "right "
                "arm, the immediate actions (staff member removed from her care, body map "
                "completed) and the staff member's name and role."
            ),
            what_withheld=(
                "The staff member's address, employment history and HR details; other residents' "
                "information; staff rumours."
            ),
            recipients=(
                RecipientDraft(
                    name="Adult Safeguarding duty team",
                    role="Safeguarding referrals",
                    organisation="Riverside Council Adult Safeguarding",
                    category="la_safeguarding",
                    channel="portal",
                    shared_at=t2 + timedelta(hours=3, minutes=15),
                ),
                RecipientDraft(
                    name="CQC notifications",
                    role="Statutory notification",
                    organisation="Care Quality Commission",
                    category="cqc",
                    channel="portal",
                    shared_at=t2 + timedelta(hours=3, minutes=40),
                ),
            ),
            information_considered=(
                "The nurse in charge's record of Edith's words, the body map, the interim "
                "measures already taken and the provider's CQC notification duty (Regulation "
                "18)."
            ),
            reasoning=(
                "An allegation of physical abuse by a member of staff must be referred to the "
                "local "
                "authority and notified to CQC without delay. Partners need timely facts to decide "
                "on an enquiry; they do not need unnecessary personal data about Edith or the "
                "staff member at this stage."
            ),
            lawful_basis="legal_obligation",
            special_condition="sch1_para18",
            consent_position="obtained",
            consent_discussion=(
                "Told Edith that the council's safeguarding team and CQC would be told what she "
                "said and what we have done. She agreed and asked to be told what happens next."
            ),
            understanding_checked="Edith repeated back who would be told.",
            proportionality=(
                "Facts of the allegation, immediate actions and relevant context only; no HR "
                "details or other residents' information."
            ),
            confidentiality_measures="Portal submissions only; no email attachments.",
            retaliation_risk="Staff member off the rota pending HR's decision on interim measures.",
            safe_contact="Edith told she can speak to the senior carer or the manager at any time.",
            outcome="Local authority acknowledged the referral; CQC notification submitted.",
            review_date=_day(timezone.now(), 2),
            review_what="The local authority's decision on a section 42 enquiry.",
        ),
        quality_acknowledged=True,
    )

"""Demo story for allegations against staff (seed 000 example 3, seed 003).

The care-home rough-handling incident gets its allegation: both records with
entries, key decisions with a dissenting view, and the multi-agency referrals
(local authority PiPoT, police, CQC). The internal record stays restricted to
senior staff; the family-communication example is added with disclosures.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from auditlog.context import set_actor

from allegations import family, services
from incidents import services as incident_services


def extend(ctx: Any) -> None:
    incident = ctx.incidents.get("allegation")
    if incident is None:
        return
    lead, hr = ctx.users["lead"], ctx.users["hr"]
    t0 = incident.became_aware_at

    with set_actor(lead):
        staff = services.create_staff_member(
            actor=lead,
            name="Liam Foster",
            job_title="Night care assistant",
            service=incident.service,
            employee_reference="EMP-0417",
            date_of_birth=date(1991, 6, 14),
        )
        allegation = services.create_allegation(
            actor=lead,
            incident=incident,
            staff_member=staff,
            what_is_alleged=(
                "Edith Clarke alleges that during personal care at about 20:30 the staff member "
                '"grabbed my arm and pulled me up too hard". Redness seen on the upper right arm.'
            ),
            categories=["physical"],
            raised_by="Edith Clarke, resident (told Grace Lin, senior carer)",
            raised_at=t0,
            safeguarding_owner=lead,
            hr_owner=hr,
        )
        # The staff member is also the incident's alleged source of harm (issue 21).
        named = incident_services.link_person(
            actor=lead,
            incident=incident,
            role="source_of_harm",
            given_name="Liam",
            family_name="Foster",
            date_of_birth=date(1991, 6, 14),
            description="Night care assistant, Riverside House",
            source_of_risk="service_provider",
            is_staff=True,
            relationship="Night care assistant",
        )
        services.name_staff_as_source_of_harm(actor=lead, link=named, staff_member=staff)
        services.change_status(
            actor=lead,
            allegation=allegation,
            to_status="under_investigation",
            reason="Strategy discussion with the local authority: section 42 enquiry opened; "
            "police to assess for a criminal investigation.",
        )
        for kind, text, delay in [
            (
                "risk",
                "Risk to Edith and other residents on nights assessed as high until the staff "
                "member is away from direct care. Edith is frightened at night.",
                timedelta(hours=1),
            ),
            (
                "harm",
                "Redness to upper right arm, no bruising at 24 hours. Body map on file. GP "
                "reviewed next morning: no treatment needed.",
                timedelta(hours=14),
            ),
            (
                "protection",
                "Two staff for all night-time personal care for Edith; hourly welfare checks; "
                "Edith offered a call bell she can reach from bed and shown how to use it.",
                timedelta(hours=2),
            ),
            (
                "person",
                "Edith wants to be told what happens next and does not want Liam to care for her. "
                "Advocate (Westshire Advocacy) supports her in the enquiry.",
                timedelta(days=1),
            ),
        ]:
            services.add_entry(
                actor=lead,
                allegation=allegation,
                side_name="safeguarding",
                kind=kind,
                text=text,
                occurred_at=t0 + delay,
            )
        decision = services.add_decision(
            actor=lead,
            allegation=allegation,
            side_name="safeguarding",
            decision="Share the allegation with the local authority (PiPoT) and the police; "
            "restrict the internal record to the safeguarding lead, registered manager and HR.",
            information_considered="Edith's account and direct quote; body map; senior carer's "
            "statement; rota showing who worked the shift; rumours reported on the day shift.",
            consulted="Maya Okafor (registered manager): agreed. Westshire LADO/PiPoT lead: "
            "advised a police referral because the allegation may be ill-treatment (criminal).",
            rationale="Possible criminal conduct and risk to other residents justify sharing with "
            "safeguarding and police via agreed channels. Internal sharing is limited to prevent "
            "contaminating witness accounts and to keep the process fair to the staff member.",
            dissenting_views="Night team leader asked for the whole night team to be briefed so "
            "they could 'keep an eye out'; not accepted — staff are told only what they need "
            "to keep Edith safe.",
            decided_by="Daniel Reyes, safeguarding lead",
            decided_at=t0 + timedelta(hours=3),
        )
        services.amend(
            actor=lead,
            allegation=allegation,
            side_name="safeguarding",
            target=decision,
            field="consulted",
            new_text="Maya Okafor (registered manager): agreed. Westshire Council PiPoT "
            "coordinator: advised a police referral because the allegation may be ill-treatment "
            "(criminal).",
            reason="The adviser was the council's PiPoT coordinator, not the LADO (LADOs deal "
            "with children's services).",
        )
        for kind, body, days, reference, outcome in [
            (
                "la_pipot",
                "Westshire Adult Safeguarding Hub (PiPoT)",
                0,
                "WSH-PIPOT-2291",
                "Accepted; PiPoT strategy discussion arranged.",
            ),
            (
                "police",
                "Westshire Police, Safeguarding Investigation Unit",
                0,
                "WP-26-118804",
                "",
            ),
            (
                "cqc",
                "Care Quality Commission (statutory notification)",
                1,
                "CQC-NOT-550913",
                "Acknowledged by CQC.",
            ),
        ]:
            services.add_referral(
                actor=lead,
                allegation=allegation,
                kind=kind,
                body=body,
                referred_on=(t0 + timedelta(days=days)).date(),
                reference=reference,
                outcome=outcome,
            )

        # Seed 003 example 1: the family asked for full details; they were told about
        # safeguarding actions and protection measures, not HR details, with the
        # advocate making sure Edith's views stayed central.
        shared = list(family.shareable_entries(allegation).filter(kind="protection"))
        family.record_family_communication(
            actor=lead,
            allegation=allegation,
            family_member="Karen Clarke",
            relationship="Daughter (Edith's chosen contact)",
            channel="meeting",
            shared_at=t0 + timedelta(days=2),
            decided_at=t0 + timedelta(days=2),
            entries=shared,
            also_shared="An allegation about a member of night staff is being looked into by "
            "the council's safeguarding team with the police. The staff member is not working "
            "with Edith while this happens. We will tell Karen when the enquiry concludes.",
            what_withheld="The staff member's name and all HR details: interim measures, the "
            "investigation and any disciplinary process. Karen asked for these; we explained "
            "they are confidential to a fair process and do not change Edith's protection.",
            purpose="protection_planning",
            information_considered="Karen's request for full details, Edith's wishes as she "
            "told them with her advocate, and the enquiry's and HR process's need for "
            "confidentiality.",
            reasoning="Karen asked for full details. Edith wants Karen to know she is safe. "
            "Telling Karen what protects Edith supports her; employment details would not "
            "protect Edith and could prejudice the enquiry and the staff member's fair process.",
            lawful_basis="legitimate_interests",
            special_condition="sch1_para18",
            proportionality="Only the protection in place and the process ahead; no staff "
            "identity, no HR detail, no other residents' information.",
            consent_position="obtained",
            consent_discussion="Met Edith with her advocate before the meeting; she chose what "
            "Karen should be told and asked to be present.",
            understanding_checked="Edith explained back, in her words, what Karen would and "
            "would not be told.",
            consultations=[
                {
                    "name": "Rosa Lind",
                    "role": "Independent advocate, Westshire Advocacy",
                    "advice": "Edith wants Karen told she is safe and what happens next; Edith "
                    "to be present and speak first.",
                }
            ],
            dissenting_views="Karen disagreed with withholding the staff member's name; her "
            "view is recorded and she was told how to complain.",
            outcome="Karen reassured; agreed update at the end of the enquiry. Advocate stays "
            "involved.",
            confidentiality_measures="Met in a private room away from the lounge; nothing about "
            "the staff member given in writing; Karen asked not to discuss it with other "
            "families while the enquiry is open.",
            retaliation_risk="The staff member is suspended and not on site; no contact with "
            "Edith or Karen is possible through the home.",
            review_date=(t0 + timedelta(days=12)).date(),
            review_what="Update Karen and Edith on the outcome of the section 42 enquiry.",
        )

    with set_actor(hr):
        services.update_side(
            actor=hr,
            allegation=allegation,
            side_name="hr",
            owner=hr,
            status="active",
            expected_version=1,
        )
        services.add_entry(
            actor=hr,
            allegation=allegation,
            side_name="hr",
            kind="interim",
            interim_measure="suspension",
            text="Liam Foster suspended on full pay pending investigation; told by phone at "
            "09:30 with a colleague present, confirmed in writing. Suspension is a neutral act.",
            occurred_at=t0 + timedelta(hours=12),
        )
        services.add_entry(
            actor=hr,
            allegation=allegation,
            side_name="hr",
            kind="welfare",
            text="Employee assistance programme details given; named HR contact for updates.",
            occurred_at=t0 + timedelta(hours=13),
        )
        services.add_entry(
            actor=hr,
            allegation=allegation,
            side_name="hr",
            kind="investigation",
            text="Investigation on hold at police request until they confirm whether they will "
            "interview under caution.",
            occurred_at=t0 + timedelta(days=1),
        )
        services.add_decision(
            actor=hr,
            allegation=allegation,
            side_name="hr",
            decision="Suspend on full pay rather than redeploy to day shifts.",
            information_considered="Nature of the allegation; police involvement; whether "
            "supervised day-shift work was possible without contact with Edith.",
            consulted="Daniel Reyes (safeguarding lead): status of the police referral only. "
            "Employment solicitor: suspension proportionate while police assess.",
            rationale="Redeployment could not guarantee no contact with witnesses on shift; "
            "suspension protects the investigation and the employee.",
            dissenting_views="Maya Okafor (registered manager) preferred redeployment with "
            "supervised practice to reduce staffing pressure and impact on the employee.",
            decided_by="Harriet Quinn, HR business partner",
            decided_at=t0 + timedelta(hours=11),
        )

"""Each audience profile's rules (chronology/profiles.py), both ways, on the
text extracted from the PDF, over the demo's allegation scenario (seed 000
example 3 / seed 003): referrals with references, a restriction and its
need-to-know list, an HR record, a quality audit that sampled a decision,
and names of the adult at risk everywhere (raised by, free text, amendments,
decisions, recipients)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command

from allegations.models import Allegation
from chronology.profiles import RULES, HRCrossReference, Profile
from incidents import services as incident_services
from incidents.models import Person
from tests.chronology.factories import export
from tests.chronology.test_export import pdf_text, squash
from tests.incidents import evidence as ev

REFERENCES = ["WSH-PIPOT-2291", "WP-26-118804", "CQC-NOT-550913"]


@pytest.fixture
def scenario(db: Any) -> dict[str, Any]:
    call_command("seed_demo", verbosity=0)
    allegation = Allegation.objects.select_related("incident").get()
    incident = allegation.incident
    lead = incident.created_by.membership.organisation.memberships.get(role="lead").user
    manager = incident.created_by
    person = incident.people.get()
    Person.objects.filter(pk=person.pk).update(preferred_name="Edie")
    person.refresh_from_db()
    entry = incident_services.add_entry(
        actor=manager,
        incident=incident,
        kind="conversation",
        facts="edith CLARKE said Edie is what friends call her; Clarke, Edith on the MAR chart.",
        present="Edith Clarke, Karen Clarke (daughter)",
        occurred_at=incident.became_aware_at + timedelta(hours=1),
    )
    incident_services.amend_entry(
        actor=manager,
        entry=entry,
        reason="Edie's daughter asked for the MAR chart wording to be exact.",
        new_text="EDITH Clarke said 'Edie' is what her friends call her.",
    )
    # Issue 21: a scanned letter on the entry (the demo names Grace Lin as the
    # witness and Liam Foster as the alleged source of harm).
    evidence = incident_services.add_evidence(
        actor=manager, entry=entry, upload=ev.upload(ev.pdf(), "letter.pdf", "application/pdf")
    )
    # Issue 21: a bruise marked on the entry's body map.
    incident_services.add_body_mark(
        actor=manager,
        entry=entry,
        view="front",
        region="left_forearm",
        description="Yellowing bruise, oval",
        size="2 cm",
        colour="yellow",
        seen_by="Grace Lin, carer",
        seen_at=incident.became_aware_at + timedelta(minutes=30),
    )
    return {
        "allegation": allegation,
        "incident": incident,
        "lead": lead,
        "person": person,
        "evidence": evidence,
    }


def _names_in(text: str, person: Person) -> list[str]:
    names = [person.given_name, person.family_name, person.preferred_name]
    return [n for n in names if re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE)]


@pytest.mark.parametrize("profile", list(Profile))
def test_each_profile_carries_what_it_allows_and_nothing_it_forbids(
    scenario: dict[str, Any], profile: str
) -> None:
    rules = RULES[profile]
    e = export(scenario["lead"], scenario["incident"], profile=profile)
    assert e.status == "done", e.failure
    text = squash(pdf_text(bytes(e.pdf)))
    person = scenario["person"]

    # Referrals, each with its reference, and the incident's references derived
    # from them (nothing was typed on the incident).
    for ref in REFERENCES:
        assert ref in text, (profile, ref)
    assert "Police reference: WP-26-118804" in text
    assert "Local-authority reference: WSH-PIPOT-2291" in text
    assert "CQC notification reference: CQC-NOT-550913" in text
    assert "Police reference: —" not in text
    assert "Outcome: Accepted; PiPoT strategy discussion arranged." in text
    assert "Outcome: Acknowledged by CQC." in text

    # The fact of restriction: every cover.
    assert "Restricted: within" in text
    # Its history: when, by whom, each grant with its reason.
    history = ["Restricted to a need-to-know list By", "added to the need-to-know list"]
    for fact in history:
        assert (fact in text) is rules.need_to_know_history, (profile, fact)

    # The HR side: a cross-reference at most, never its content.
    owner_status = ["HR record: Exists", "Owner: Harriet Quinn", "Status: In progress"]
    for fact in owner_status:
        assert (fact in text) is (rules.hr_cross_reference == HRCrossReference.OWNER_STATUS), (
            profile,
            fact,
        )
    process = "An employment process is being followed."
    assert (process in text) is (rules.hr_cross_reference == HRCrossReference.PROCESS), profile
    hr = scenario["allegation"].hr_record
    for hr_text in [en.text for en in hr.entries.all()] + [d.rationale for d in hr.decisions.all()]:
        assert squash(hr_text)[:40] not in text, profile

    # Record-quality audits that sampled a decision of this incident.
    audit_facts = [
        "Record-quality audit",
        "Proportionality does not list what HR was not told.",
        "Score: 94%",
    ]
    for fact in audit_facts:
        assert (fact in text) is rules.quality_audits, (profile, fact)

    # People named on the incident (issue 21), as initials where names are.
    assert ("Person named" in text) is rules.linked_people, profile
    assert "Source of risk (Safeguarding Adults Collection): Service provider" in text, profile
    if rules.initials_only:
        assert "Grace Lin" not in text and "G.L.: witness" in text, profile
        assert "Liam Foster" not in text, profile
    else:
        assert "Grace Lin: witness" in text, profile
    # Evidence files listed by name, type, size and SHA-256 where the profile says.
    listed = scenario["evidence"].sha256 in text.replace(" ", "")
    assert listed is rules.evidence_lists, profile
    # Body map marks, as a text list beside the outline, where the profile says.
    marked = "Front, Left forearm: Yellowing bruise, oval; size 2 cm; colour yellow" in text
    assert marked is rules.body_maps, profile

    # Names: a promise of initials is kept in every field; otherwise names in full.
    found = _names_in(text, person)
    if rules.initials_only:
        assert not found, (profile, found)
        assert "(initials only)" in text
        count = int(re.search(r"(\d+) names? replaced in this document", text).group(1))
        assert count > 10
        assert "E.C.'s daughter asked" in text  # the amendment's reason, redacted
    else:
        assert "initials only" not in text
        assert set(found) == {"Edith", "Clarke", "Edie"}, profile


def test_an_incident_without_an_allegation_keeps_its_own_references(world: Any) -> None:
    from tests.factories import make_incident

    incident = make_incident(
        world.users["manager"], world.home, police_reference="NP-26-000417", cqc_reference=""
    )
    text = squash(pdf_text(bytes(export(world.users["lead"], incident, profile="police").pdf)))
    assert "Police reference: NP-26-000417 (recorded before notifications existed)" in text
    # CQC's notification is required and not sent: said, not a dash (a dash hid it).
    assert "CQC notification reference: not recorded as sent; due by" in text
    assert "Not restricted" in text
    assert "Restricted: within" not in text

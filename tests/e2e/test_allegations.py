"""Seed 003, operational example 2 (multi-agency information sharing): an allegation
involving potential criminal conduct is shared with the local authority and the
police via agreed channels, and the internal record is restricted to senior staff.
Every page on the way passes axe."""

from __future__ import annotations

from typing import Any

from allegations.models import Allegation, Referral, SafeguardingDecision
from tests.e2e.conftest import assert_accessible, login


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_multi_agency_allegation_with_restricted_internal_record(
    page: Any, world: Any, password: str
) -> None:
    incident = world.objects["incident"]
    login(page, world.users["lead"], password)
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="Allegations", exact=True).last.click()
    page.get_by_text("No allegations against staff").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Record an allegation against staff").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Liam Foster")
    page.get_by_label("Job title").fill("Night care assistant")
    page.get_by_label("What is alleged").fill(
        'Resident said the staff member "grabbed my arm and pulled me up too hard".'
    )
    page.get_by_label("Physical abuse").check()
    page.get_by_label("HR record owner").select_option(str(world.users["hr"].pk))
    page.get_by_role("button", name="Record allegation").click()
    page.get_by_text("The incident is now restricted").wait_for()
    assert_accessible(page)
    allegation = Allegation.objects.get()
    incident.refresh_from_db()
    assert incident.restricted

    # Police and local authority informed via agreed channels, each with a reference.
    for kind, body, reference in [
        ("police", "Westshire Police, Safeguarding Investigation Unit", "WP-26-118804"),
        ("la_pipot", "Westshire Adult Safeguarding Hub (PiPoT)", "WSH-PIPOT-2291"),
    ]:
        page.get_by_role("link", name="Record a referral").click()
        page.get_by_label("Referral or notification").select_option(kind)
        page.get_by_label("Referred to").fill(body)
        page.get_by_label("Their reference").fill(reference)
        if kind == "police":
            assert_accessible(page)
        page.get_by_role("button", name="Record referral").click()
        # In the referrals table (the notifications panel above shows it too: it is sent).
        page.locator("section[aria-labelledby=referrals-heading]").get_by_text(reference).wait_for()
    assert set(Referral.objects.values_list("kind", flat=True)) == {"police", "la_pipot"}
    assert_accessible(page)

    # The key decision behind it, with who was consulted and a dissenting view.
    page.get_by_role("link", name="Open the safeguarding record").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a key decision").click()
    page.get_by_label("The decision").fill(
        "Share with the local authority and the police; restrict the internal record to "
        "senior staff."
    )
    page.get_by_label("Information considered").fill("Resident's account; body map; rota.")
    page.get_by_label("Who was consulted").fill("Police SIU: asked that staff are not told.")
    page.get_by_label("Rationale").fill("Possible criminal conduct; protect the evidence.")
    page.get_by_label("Dissenting views").fill("Night team leader wanted the team briefed.")
    assert_accessible(page)
    page.get_by_role("button", name="Record key decision").click()
    page.get_by_text("Key decision recorded.").wait_for()
    assert_accessible(page)
    assert SafeguardingDecision.objects.get().dissenting_views.startswith("Night team leader")

    page.goto("/allegations/retention/?show=all")
    assert_accessible(page)

    # Internal record restricted to senior staff: the other manager and the auditor
    # cannot open the incident or the allegation.
    _sign_out(page)
    for role in ("manager_dom", "auditor"):
        login(page, world.users[role], password)
        for url in (f"/incidents/{incident.pk}/", f"/allegations/{allegation.pk}/"):
            assert page.request.get(url).status == 404, (role, url)
        _sign_out(page)

    # HR see their own record and only the existence and status of the safeguarding one.
    login(page, world.users["hr"], password)
    page.goto("/allegations/")
    assert_accessible(page)
    page.get_by_role("link", name=allegation.reference).click()
    assert_accessible(page)
    assert page.get_by_text("This record exists and is kept separately").is_visible()
    assert page.get_by_text("Westshire Police").is_visible()
    assert page.request.get(f"/allegations/{allegation.pk}/safeguarding/").status == 404
    page.get_by_role("link", name="Open the HR record").click()
    page.get_by_role("link", name="Add entry").click()
    page.get_by_label("Kind").select_option("interim")
    page.get_by_label("Interim measure").select_option("suspension")
    page.get_by_label("What was done or found").fill("Suspended on full pay pending enquiry.")
    assert_accessible(page)
    page.get_by_role("button", name="Add entry").click()
    page.get_by_text("Suspended on full pay pending enquiry.").wait_for()
    assert_accessible(page)
    assert "Night team leader" not in page.content()


def test_controlled_family_communication(page: Any, world: Any, password: str) -> None:
    """Seed 003, operational example 1: the family asked for full details; they were
    told about safeguarding actions and protection measures but not HR details, with
    an advocate keeping the person's views central. Recorded as a disclosure decision."""
    import re

    from disclosures.models import DisclosureDecision
    from tests.allegations import factories as f

    allegation = f.with_content(world)
    login(page, world.users["lead"], password)
    page.goto(f"/allegations/{allegation.pk}/")
    page.get_by_role("link", name="Record communication with the family").click()
    assert_accessible(page)
    assert "HRSECRET" not in page.content()
    page.get_by_label("Family member's name").fill("Karen Clarke")
    page.get_by_label("Relationship to the person").fill("Daughter")
    page.get_by_label("How it was shared").select_option("meeting")
    page.get_by_label(re.compile("Protection measure")).check()
    page.get_by_label("Anything else said (facts only)").fill(
        "The council's safeguarding team is looking into what happened, with the police."
    )
    page.get_by_label("Reasoning").fill(
        "Karen asked for full details. Her mother wants Karen to know she is safe; telling "
        "her what protects her mother supports her, while employment details would not "
        "protect anyone and could prejudice a fair process for the staff member."
    )
    page.get_by_label("Lawful basis (UK GDPR Art. 6)").select_option("legitimate_interests")
    page.get_by_label("Proportionality").fill(
        "Only the protection in place and the next steps; no staff identity, no HR detail "
        "and nothing about other residents."
    )
    page.get_by_label("How confidentiality was protected").fill("Private room; nothing in writing.")
    page.get_by_label("The person's consent").select_option("obtained")
    page.get_by_label("What was discussed with the person").fill(
        "What Karen would and would not be told."
    )
    page.get_by_label("How their understanding was checked").fill("She explained it back.")
    page.get_by_label("Advocate's name").fill("Rosa Lind")
    page.get_by_label("Advocate's role").fill("Independent advocate")
    page.get_by_label("The person's views, as put by the advocate").fill(
        "She wants Karen told she is safe, and to be there herself."
    )
    page.get_by_label("Actions agreed").fill(
        "The manager will update Karen by phone by 20 December, when the enquiry concludes."
    )
    page.get_by_role("button", name="Record family communication").click()
    page.get_by_text("Family communication recorded").wait_for()
    assert_accessible(page)

    decision = DisclosureDecision.objects.get(incident=allegation.incident)
    assert decision.recipients.get().category == "family"
    assert f.SG_SECRET in decision.what_shared and "HRSECRET" not in decision.what_shared
    page.get_by_role("link", name=f"Disclosure decision {decision.number}").click()
    page.get_by_text("Karen Clarke").first.wait_for()
    assert_accessible(page)
    assert "HRSECRET" not in page.content()

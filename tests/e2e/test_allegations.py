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
        page.get_by_text(reference).wait_for()
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

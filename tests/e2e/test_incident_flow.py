"""A manager logs in, logs an incident, adds two chronology entries and amends
one; every page on the way passes axe."""

from __future__ import annotations

from typing import Any

from incidents.models import ChronologyAmendment, ChronologyEntry, Incident
from tests.e2e.conftest import assert_accessible, login


def test_manager_logs_incident_entries_and_amendment(page: Any, world: Any, password: str) -> None:
    manager = world.users["manager"]
    login(page, manager, password)
    page.goto("/accounts/login/")  # already signed in → redirected home
    page.goto("/incidents/")
    assert_accessible(page)

    page.get_by_role("link", name="Log an incident").click()
    assert_accessible(page)
    page.get_by_label("Given name").fill("Edna")
    page.get_by_label("Family name").fill("Whitlock")
    page.get_by_label("Summary").fill("Unexplained bruise on left forearm")
    page.get_by_label("Physical abuse").check()
    page.get_by_label("What happened (facts only)").fill(
        'At 08:10 I saw a 3 cm bruise on Edna\'s left forearm. She said "I bumped it".'
    )
    page.get_by_label("Who raised it").fill("P. Shah, care worker")
    page.get_by_label("Risk level").select_option("medium")
    page.get_by_role("button", name="Log incident").click()

    heading = page.get_by_role("heading", level=1)
    assert "Unexplained bruise" in heading.inner_text()
    assert_accessible(page)
    incident = Incident.objects.get(summary="Unexplained bruise on left forearm")
    assert incident.reference.startswith("SG-")

    for kind, facts in [
        ("observation", "Bruise photographed with consent at 08:20; body map completed."),
        ("call", "Called on-call manager at 08:40 and handed over the facts."),
    ]:
        page.get_by_role("link", name="Add entry").click()
        assert_accessible(page)
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("Facts").fill(facts)
        page.get_by_label("Who was present").fill("P. Shah")
        page.get_by_role("button", name="Add entry").click()
        page.get_by_text(facts).wait_for()

    assert ChronologyEntry.objects.filter(incident=incident).count() == 2

    page.get_by_role("link", name="Amend").last.click()
    page.get_by_label("Corrected text").wait_for()
    assert_accessible(page)
    page.get_by_label("Corrected text").fill(
        "Called on-call manager at 08:45 and handed over the facts."
    )
    page.get_by_label("Reason for the amendment").fill("Time checked against the phone log.")
    page.get_by_role("button", name="Save amendment").click()
    page.get_by_text("Time checked against the phone log.").wait_for()
    # The original stays visible beneath the correction.
    assert page.get_by_text("Called on-call manager at 08:40").is_visible()
    assert_accessible(page)
    assert ChronologyAmendment.objects.filter(entry__incident=incident).count() == 1


def test_form_errors_are_announced_and_nothing_is_saved(
    page: Any, world: Any, password: str
) -> None:
    login(page, world.users["manager"], password)
    before = Incident.objects.count()
    page.goto("/incidents/new/")
    page.get_by_label("Summary").fill("Partial form")
    page.get_by_role("button", name="Log incident").click()
    page.get_by_role("alert").first.wait_for()
    assert "Nothing has been saved" in page.get_by_role("alert").first.inner_text()
    assert_accessible(page)
    assert Incident.objects.count() == before
    # What was typed is still there.
    assert page.get_by_label("Summary").input_value() == "Partial form"

"""A safeguarding lead reads the timeline, exports it for the local authority,
downloads the PDF and checks it on the verification page; every page passes axe."""

from __future__ import annotations

import re
from typing import Any

from chronology.models import ChronologyExport
from incidents import services as incident_services
from tests.e2e.conftest import assert_accessible, login


def test_lead_exports_and_verifies(page: Any, world: Any, password: str, tmp_path: Any) -> None:
    incident = world.objects["incident"]
    incident_services.add_entry(
        actor=world.users["manager"],
        incident=incident,
        kind="observation",
        facts="Bruise 3 cm on the left forearm.",
        occurred_at=incident.became_aware_at,
    )
    login(page, world.users["lead"], password)
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="Timeline and export").click()
    page.get_by_text("Bruise 3 cm on the left forearm.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Export", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Create PDF")).click()
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page)  # with errors shown
    page.get_by_role("radio", name=re.compile("Local-authority")).check()
    page.get_by_label("Recipient's name").fill("Alex Morgan")
    page.get_by_label("Recipient's role").fill("Social worker")
    page.get_by_label("Recipient's organisation").fill("Northshire County Council")
    page.get_by_label("Why are you sending it?").fill("Section 42 enquiry.")
    page.locator("#id_purpose_category").select_option("s42_enquiry")
    page.get_by_label("Consent position").select_option("not_sought")
    page.get_by_label("Why consent was not sought / not possible").select_option(
        "would_prejudice_enquiry"
    )
    page.get_by_label("The reason, in this case").fill("Asking would alert the suspect.")
    page.get_by_label("Why is this the minimum necessary?").fill("Only this incident.")
    page.get_by_role("button", name=re.compile("Create PDF")).click()
    # The export's own decision is quality-checked before anything is saved:
    # the short answers above draw warnings, shown before the file is made.
    confirm = page.get_by_role("button", name="Export with these warnings")
    confirm.wait_for()
    assert_accessible(page)  # with the warnings shown
    # Enter in a text box while warnings show re-checks; it never means
    # "Export with these warnings".
    with page.expect_navigation():
        page.get_by_label("Recipient's organisation").press("Enter")
    confirm.wait_for()
    assert not ChronologyExport.objects.exists()
    confirm.click()
    page.get_by_role("link", name=re.compile("Download PDF")).wait_for()
    assert_accessible(page)

    export = ChronologyExport.objects.get()
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Download PDF")).click()
    path = tmp_path / "export.pdf"
    info.value.save_as(path)

    page.goto("/chronology/exports/")
    page.get_by_role("link", name=export.public_id).wait_for()
    assert_accessible(page)

    page.goto("/chronology/verify/")
    assert_accessible(page)
    page.get_by_label("PDF to check").set_input_files(str(path))
    page.get_by_role("button", name="Check this file").click()
    page.get_by_text("Match.", exact=True).wait_for()
    assert export.public_id in page.content()
    assert_accessible(page)

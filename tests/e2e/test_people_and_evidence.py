"""Issue 21 in the browser: a manager names the household member as alleged
source of harm, names them as present on an entry, attaches a photograph, and
sees both on the timeline; every new page passes axe."""

from __future__ import annotations

from typing import Any

from incidents.models import EntryPresence, EvidenceFile, PersonLink
from tests.e2e.conftest import assert_accessible, login
from tests.incidents import evidence as ev


def test_manager_names_source_of_harm_and_attaches_a_photograph(
    page: Any, world: Any, password: str
) -> None:
    incident = world.objects["incident"]
    login(page, world.users["manager"], password)
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="People").click()
    assert_accessible(page)

    page.get_by_role("link", name="Add a person").click()
    assert_accessible(page)
    page.get_by_label("Given name").fill("Gary")
    page.get_by_label("Family name").fill("Hartley")
    page.get_by_label("Role on this incident").select_option("source_of_harm")
    page.get_by_label("Source of risk (Safeguarding Adults Collection)").select_option("known")
    page.get_by_label("Relationship to the adult at risk").fill("Son; lives with her")
    page.get_by_role("button", name="Add person").click()
    page.get_by_text("Gary Hartley added as alleged source of harm.").wait_for()
    assert_accessible(page)
    link = PersonLink.objects.get(incident=incident)
    assert (link.role, link.source_of_risk) == ("source_of_harm", "known")

    # The same name again is offered, not duplicated.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Given name").fill("gary")
    page.get_by_label("Family name").fill("HARTLEY")
    page.get_by_label("Role on this incident").select_option("household")
    page.get_by_role("button", name="Add person").click()
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Someone already recorded").select_option(str(link.person_id))
    page.get_by_label("Given name").fill("")
    page.get_by_label("Family name").fill("")
    page.get_by_role("button", name="Add person").click()
    page.get_by_text("Gary Hartley added as household member.").wait_for()
    assert PersonLink.objects.filter(person=link.person).count() == 2

    page.get_by_role("link", name="Gary Hartley").first.click()
    page.get_by_role("heading", level=1, name="Gary Hartley").wait_for()
    assert_accessible(page)

    page.goto(f"/incidents/{incident.pk}/entries/new/")
    page.get_by_label("Kind").select_option("observation")
    page.get_by_label("Facts").fill("Bruise on the left wrist; her son stayed in the doorway.")
    page.get_by_label("Gary Hartley (alleged source of harm)").check()
    page.get_by_role("button", name="Add entry").click()
    page.get_by_text("Bruise on the left wrist").wait_for()
    assert EntryPresence.objects.filter(link=link).count() == 1

    page.get_by_role("link", name="Add a file").last.click()
    assert_accessible(page)
    page.locator("#id_file").set_input_files(
        files=[{"name": "wrist.jpg", "mimeType": "image/jpeg", "buffer": ev.jpeg_with_gps()}]
    )
    page.get_by_label("Description").fill("Left wrist, 08:10")
    page.get_by_role("button", name="Add file").click()
    page.get_by_text("wrist.jpg added to the entry.").wait_for()
    assert_accessible(page)
    stored = EvidenceFile.objects.get()
    assert stored.metadata_removed

    page.get_by_role("link", name="Timeline and export").click()
    page.get_by_text("Gary Hartley: alleged source of harm").first.wait_for()
    assert page.get_by_text(stored.sha256).count() >= 1
    assert_accessible(page)

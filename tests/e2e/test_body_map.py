"""Issue 21 in the browser: a manager marks the bruise on a body map by
keyboard alone (the region chosen from the list by typing), sees it on the
entry and the timeline; clicking the outline picks a region; axe passes."""

from __future__ import annotations

from typing import Any

from incidents.models import BodyMapMark
from tests.e2e.conftest import assert_accessible, login
from tests.incidents import evidence as ev


def test_manager_marks_the_bruise_by_keyboard(page: Any, world: Any, password: str) -> None:
    entry = ev.entry(world)
    login(page, world.users["manager"], password)
    page.goto(f"/incidents/{entry.incident_id}/")
    page.get_by_role("link", name="Body map").last.click()
    page.get_by_role("heading", level=1, name="Body map for an entry").wait_for()
    assert_accessible(page)

    # Progressive enhancement: clicking the outline fills in the list.
    location = page.get_by_label("Part of the body")
    page.locator('[data-region="back:upper_back"]').click()
    assert location.input_value() == "back:upper_back"

    # Keyboard alone: focus the list, type the region's name, Tab on, type, Enter.
    # (Type-ahead searches on from the current choice: Home goes back to the top.)
    location.focus()
    page.keyboard.press("Home")
    page.keyboard.type("Left wrist")
    assert location.input_value() == "front:left_wrist"
    page.keyboard.press("Tab")
    page.keyboard.type("Purple bruise across the inside of the wrist")
    page.keyboard.press("Tab")
    page.keyboard.type("3 cm")
    page.keyboard.press("Tab")
    page.keyboard.type("Purple")
    page.get_by_label("Seen by").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Priya Shah, care worker")
    page.get_by_role("button", name="Add mark").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Mark added: Left wrist.").wait_for()
    assert_accessible(page)
    mark = BodyMapMark.objects.get()
    assert (mark.view, mark.region, mark.size, mark.seen_by) == (
        "front",
        "left_wrist",
        "3 cm",
        "Priya Shah, care worker",
    )

    page.get_by_role("link", name="Timeline and export").click()
    page.get_by_text("Front, Left wrist: Purple bruise across the inside of the wrist").wait_for()
    assert_accessible(page)

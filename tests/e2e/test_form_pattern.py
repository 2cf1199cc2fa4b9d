"""The one form pattern in a browser, on a form other than the decision form:
focus lands on the error summary after a failed submit, an error link moves
focus to its field without leaving a #fragment, the next failed submit lands on
the new summary; adults at risk are chosen from checkboxes with a filter."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import assert_accessible, login
from tests.factories import PersonFactory


def _focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_incident_form_error_summary_takes_focus_and_links_to_fields(
    page: Any, world: Any, password: str
) -> None:
    login(page, world.users["manager"], password)
    page.goto("/incidents/new/")
    page.get_by_role("button", name="Log incident").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert _focused_id(page) == "error-summary"
    assert_accessible(page)

    link = summary.get_by_role("link", name="Summary")
    field_id = link.get_attribute("href").lstrip("#")
    link.click()
    assert _focused_id(page) == field_id == "id_summary"
    assert "#" not in page.url
    page.keyboard.type("Bruise on arm")
    page.get_by_role("button", name="Log incident").click()
    page.locator("#error-summary").wait_for()
    assert _focused_id(page) == "error-summary"
    assert page.locator("#id_summary").input_value() == "Bruise on arm"

    # An address already ending in a #fragment loses it once the summary shows.
    page.goto("/incidents/new/#id_raised_by")
    page.get_by_role("button", name="Log incident").click()
    page.locator("#error-summary").wait_for()
    assert "#" not in page.url
    assert _focused_id(page) == "error-summary"


def test_adults_at_risk_checkboxes_filter_by_name(page: Any, world: Any, password: str) -> None:
    PersonFactory(
        organisation=world.org, service=world.home, given_name="Edith", family_name="Brook"
    )
    PersonFactory(organisation=world.org, service=world.home, given_name="Tom", family_name="Reyes")
    login(page, world.users["manager"], password)
    page.goto("/incidents/new/")
    page.get_by_label("Filter the list by name").fill("edi")
    assert page.get_by_label("Edith Brook").is_visible()
    assert not page.get_by_label("Tom Reyes").is_visible()
    page.get_by_label("Edith Brook").check()
    page.get_by_label("Filter the list by name").fill("tom")
    # A ticked person stays in view whatever the filter says.
    assert page.get_by_label("Edith Brook").is_visible()
    assert page.get_by_label("Tom Reyes").is_visible()
    assert_accessible(page)


def test_too_many_adults_are_found_by_name_with_enter_and_kept_when_ticked(
    page: Any, world: Any, password: str, monkeypatch: Any
) -> None:
    """Above ``SHOW_ALL_UP_TO`` adults the form lists those found by name: Enter
    in the name box finds (forms.js), what was typed stays, a ticked adult stays
    listed through the next search, and Enter in another box still logs the
    incident (the hidden main button comes first)."""
    from incidents import person_choices

    monkeypatch.setattr(person_choices, "SHOW_ALL_UP_TO", 1)
    for given, family in (("Edith", "Brook"), ("Tom", "Reyes"), ("Tomas", "Green")):
        PersonFactory(
            organisation=world.org, service=world.home, given_name=given, family_name=family
        )
    login(page, world.users["manager"], password)
    page.goto("/incidents/new/")
    assert page.locator("#people-choices input[type=checkbox]").count() == 0
    page.get_by_label("Summary").fill("Fall in the garden")
    page.get_by_label("Find an adult by name").fill("edi bro")
    page.get_by_label("Find an adult by name").press("Enter")
    page.get_by_label("Edith Brook", exact=True).check()
    assert page.locator("#error-summary").count() == 0  # found, not submitted
    assert page.get_by_label("Summary").input_value() == "Fall in the garden"
    assert page.locator("#people-offer").inner_text().startswith("Adults matching")
    page.get_by_label("Find an adult by name").fill("tom")
    page.get_by_role("button", name="Find").click()
    assert page.get_by_label("Edith Brook", exact=True).is_checked()
    assert (
        page.get_by_label("Tom Reyes", exact=True).is_visible()
        and page.get_by_label("Tomas Green", exact=True).is_visible()
    )
    assert_accessible(page)
    page.get_by_label("Summary").press("Enter")
    page.locator("#error-summary").wait_for()  # the incident was submitted, and is incomplete
    assert page.get_by_label("Edith Brook", exact=True).is_checked()

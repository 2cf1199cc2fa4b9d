"""The decision form by keyboard: Enter in a text box is the main save (never
"Add another recipient", never "Save with these warnings"), with and without
JavaScript, and a submit after following an error link lands on the new error
summary, not on the field the old link pointed at."""

from __future__ import annotations

from typing import Any

from disclosures.models import DisclosureDecision
from tests.e2e.conftest import login
from tests.e2e.test_disclosure_examples import _fill, _in_days, _open_form, _recipient
from tests.factories import make_incident


def _incident(world: Any) -> Any:
    return make_incident(world.users["manager"], world.home, summary="Missing money")


def _focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_enter_saves_and_a_resubmit_lands_on_the_new_summary(
    page: Any, world: Any, password: str
) -> None:
    incident = _incident(world)
    login(page, world.users["manager"], password)
    _open_form(page, incident, check=False)

    # Enter in a recipient's name: the main save (so: errors), not a new row.
    page.locator("#id_recipients-0-name").fill("Adult Safeguarding duty team")
    page.locator("#id_recipients-0-name").press("Enter")
    page.locator("#error-summary").wait_for()
    assert page.locator("#id_recipients-1-name").count() == 0
    assert page.locator("#id_recipients-0-name").input_value() == "Adult Safeguarding duty team"
    assert _focused_id(page) == "error-summary"

    # Follow an error link: focus goes to the field; then submit again.
    link = page.locator("#error-summary a").first
    field_id = link.get_attribute("href").lstrip("#")
    link.click()
    assert _focused_id(page) == field_id
    page.get_by_role("button", name="Save decision").click()
    page.locator("#error-summary").wait_for()
    assert "#" not in page.url
    assert _focused_id(page) == "error-summary"

    # Even an address that already ends in a #fragment is not submitted to.
    page.goto(f"{page.url}#id_outcome")
    page.locator("#id_recipients-0-role").fill("Referrals")
    page.locator("#id_recipients-0-role").press("Enter")
    page.locator("#error-summary").wait_for()
    assert "#" not in page.url
    assert _focused_id(page) == "error-summary"


def test_enter_while_warnings_show_does_not_save_with_them(
    page: Any, world: Any, password: str
) -> None:
    incident = _incident(world)
    login(page, world.users["manager"], password)
    _open_form(page, incident, check=False)
    page.get_by_label("Do not share").check()
    _fill(
        page,
        {
            "purpose": "protection_planning",
            "what_withheld": "The pattern of missing money after visits and the new visitors, "
            "considered for a referral to local-authority safeguarding.",
        },
    )
    _recipient(
        page,
        0,
        name="Adult Safeguarding duty team",
        role="Referrals",
        organisation="Riverside Council",
        category="la_safeguarding",
        channel="secure_email",
    )
    page.get_by_label("Consent refused").check()
    _fill(
        page,
        {
            "reasoning": "Tom has capacity and refused. Losses are small and there are no threats, "
            "so overriding the refusal is not proportionate yet. Thresholds for escalation: any "
            "threat, a loss over £100 at once, or evidence of coercion.",
            "consent_discussion": "Easy-read leaflet: who we might tell, why, and safer ways to "
            "keep his friendships.",
            "understanding_checked": "He explained it back in his own words.",
            "retaliation_risk": "Cash in the office safe with his agreement; visitor book.",
            "outcome": "As discussed.",  # weak on purpose: a quality warning
            "review_date": _in_days(7),
            "review_what": "Whether a threshold is met; Tom's view on sharing.",
        },
    )
    page.locator("#id_recipients-0-role").press("Enter")
    page.locator("#quality-warnings").wait_for()
    assert page.locator("#id_recipients-1-name").count() == 0

    # Warnings show: Enter must not mean "Save with these warnings".
    page.locator("#id_recipients-0-role").press("Enter")
    page.locator("#quality-warnings").wait_for()
    assert _focused_id(page) == "quality-warnings"
    assert not DisclosureDecision.objects.filter(incident=incident).exists()

    # Choosing to save as it is still works.
    page.get_by_role("button", name="Save with these warnings").first.click()
    page.get_by_role("heading", name="Disclosure decision 1").wait_for()
    assert DisclosureDecision.objects.filter(incident=incident).count() == 1


def test_enter_saves_without_javascript(
    browser: Any, live_server: Any, world: Any, password: str
) -> None:
    incident = _incident(world)
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, world.users["manager"], password)
        page.goto(f"/disclosures/incident/{incident.pk}/new/#id_outcome")
        page.locator("#id_recipients-0-name").fill("Adult Safeguarding duty team")
        page.locator("#id_recipients-0-name").press("Enter")
        page.locator("#error-summary").wait_for()
        assert page.locator("#id_recipients-1-name").count() == 0
        assert "#" not in page.url
    finally:
        context.close()

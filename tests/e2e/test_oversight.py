"""Oversight in the browser: an audit of "consent refused, last quarter" is
created, sampled, scored, closed and reported; home pages and charts pass axe."""

from __future__ import annotations

from typing import Any

import pytest

from audits.quality.models import CRITERION_NAMES, QualityAudit, RecordScore
from tests.e2e.conftest import assert_accessible, login
from tests.oversight.conftest import decisions, last_quarter  # noqa: F401 - fixtures


def test_lead_audits_consent_refused_last_quarter(
    page: Any,
    world: Any,
    password: str,
    decisions: dict[str, Any],  # noqa: F811
) -> None:
    login(page, world.users["lead"], password)
    assert_accessible(page)  # the lead's home
    page.get_by_role("link", name="Charts: trends and timeliness").click()
    page.get_by_text("Show the data as a table").first.click()
    assert_accessible(page)

    page.get_by_text("Oversight", exact=True).click()  # the header's menu
    page.get_by_role("link", name="Quality audits").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Start a quality audit").first.click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Consent refused, last quarter")
    page.get_by_label("Last quarter").check()
    page.get_by_label("Which records").select_option("refused")
    page.get_by_label("Sample size").fill("3")
    page.get_by_role("button", name="Create audit and draw sample").click()
    page.get_by_text("records sampled with seed").wait_for()
    assert_accessible(page)
    audit = QualityAudit.objects.get(title="Consent refused, last quarter")
    assert audit.samples.count() == 3 and audit.population_count == 5

    page.get_by_role("link", name="Decision", exact=False).first.click()
    assert_accessible(page)
    for _ in range(3):
        page.get_by_text("Automatic quality checks").wait_for()
        for name in CRITERION_NAMES:
            page.locator(f'input[name="{name}"][value="met"]').check()
        page.locator('input[name="harm_minimisation"][value="partly"]').check()
        page.get_by_label("Notes").fill("Reason for overriding the refusal is clear.")
        page.get_by_role("button", name="Submit score").click()
        page.get_by_text("scored.").wait_for()
    assert RecordScore.objects.filter(sample__audit=audit).count() == 3
    assert page.get_by_role("heading", name="Close the audit").is_visible()
    assert_accessible(page)

    page.get_by_text("Add a finding and action").click()
    page.get_by_role("textbox", name="Finding").fill("Safe-contact plans are thin in two records.")
    page.get_by_role("textbox", name="Action").fill("Team briefing on safe-contact arrangements.")
    page.get_by_label("Owner").select_option(str(world.users["auditor"].pk))
    page.get_by_label("Due by").fill("2099-01-31")
    page.get_by_role("button", name="Add finding and action").click()
    page.get_by_text("Finding and action recorded.").wait_for()

    page.get_by_label("Summary of the audit").fill(
        "Refusals are respected or overridden with reasons."
    )
    page.get_by_role("button", name="Close the audit").click()
    page.get_by_role("heading", name="Audit report: Consent refused, last quarter").wait_for()
    assert page.get_by_text("Team briefing on safe-contact arrangements.").is_visible()
    assert_accessible(page)
    pdf = page.request.get(page.get_by_role("link", name="Download PDF").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")


@pytest.mark.parametrize("role", ["manager", "hr", "auditor", "admin"])
def test_home_pages_are_accessible(page: Any, world: Any, password: str, role: str) -> None:
    login(page, world.users[role], password)
    page.get_by_role("heading", level=1).wait_for()
    assert "Welcome" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

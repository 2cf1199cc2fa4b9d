"""A lead restricts an incident and names who needs to know; an admin manages
users. Every page passes axe."""

from __future__ import annotations

from typing import Any

from incidents.models import NeedToKnowGrant
from tests.e2e.conftest import assert_accessible, login


def test_lead_restricts_and_grants(page: Any, world: Any, password: str) -> None:
    incident = world.objects["incident"]
    login(page, world.users["lead"], password)
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="Need-to-know").click()
    assert_accessible(page)
    page.get_by_role("button", name="Restrict this incident").click()
    page.get_by_text("Incident restricted").wait_for()
    page.get_by_label("Person").select_option(str(world.users["manager"].pk))
    page.get_by_label("Why they need to know").fill("Registered manager leading the response.")
    page.get_by_role("button", name="Grant access").click()
    page.get_by_text("added to the need-to-know list").wait_for()
    assert_accessible(page)
    grant = NeedToKnowGrant.objects.get(incident=incident)
    assert grant.user == world.users["manager"]

    page.get_by_label("Why remove").fill("Response handed over.")
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("Access revoked.").wait_for()
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_people_pages_are_accessible(page: Any, world: Any, password: str) -> None:
    login(page, world.users["manager"], password)
    page.goto("/incidents/people/")
    assert_accessible(page)
    page.get_by_role("link").filter(
        has_text=world.objects["incident"].people.first().family_name
    ).click()
    assert_accessible(page)


def test_admin_adds_a_user(page: Any, world: Any, password: str) -> None:
    login(page, world.users["admin"], password)
    page.get_by_role("link", name="Users and services").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a user").click()
    assert_accessible(page)
    page.get_by_label("Username").fill("newlead")
    page.get_by_label("Given name").fill("Lena")
    page.get_by_label("Family name").fill("Ford")
    page.get_by_label("Email").fill("lena@example.org")
    page.get_by_label("Role").select_option("lead")
    page.get_by_label("Temporary password").fill("short")
    page.get_by_role("button", name="Add user").click()
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Temporary password").fill("a-much-longer-passphrase-7")
    page.get_by_role("button", name="Add user").click()
    page.get_by_text("Lena Ford added.").wait_for()

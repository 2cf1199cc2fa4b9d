"""A lead restricts an incident and names who needs to know; an admin manages
users. Every page passes axe."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from incidents.models import NeedToKnowGrant
from organisations.models import Membership
from tests.e2e.conftest import assert_accessible, login, new_context
from tests.security.test_mfa import code_for


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
    """The admin hands over a one-time link; the person sets their own password
    and two-step verification with it. The admin never knows the password."""
    login(page, world.users["admin"], password)
    page.get_by_role("link", name="Users and services").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a user").click()
    assert_accessible(page)
    page.get_by_label("Sign-in name").fill("Not Valid")
    page.get_by_label("Given name").fill("Nia")
    page.get_by_label("Family name").fill("Jones")
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_role("combobox", name="Role").select_option("manager")
    page.get_by_label(world.home.name).check()
    page.get_by_role("button", name="Add user").click()
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page)
    page.get_by_label("Sign-in name").fill("nia")
    page.get_by_role("button", name="Add user").click()
    page.get_by_text("Nia Jones added.").wait_for()
    assert_accessible(page)
    link = page.get_by_label("Sign-in link").input_value()
    assert "/accounts/welcome/" in link

    # The new colleague, in their own browser.
    context = new_context(page.context.browser)
    newcomer = context.new_page()
    try:
        newcomer.goto(link)
        assert_accessible(newcomer)
        user = get_user_model().objects.get(username=f"nia@{world.org.sign_in_code}")
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        newcomer.locator("#id_password1").fill("nias-own-passphrase-2026")
        newcomer.get_by_label("New password again").fill("nias-own-passphrase-2026")
        newcomer.get_by_label("Code from your authenticator app").fill(code_for(device))
        newcomer.get_by_role("button", name="Finish setting up").click()
        newcomer.get_by_text("Two-step verification is now on.").wait_for()
        assert_accessible(newcomer)
    finally:
        context.close()
    user.refresh_from_db()
    assert user.check_password("nias-own-passphrase-2026")


def test_admin_asks_for_a_lead_and_a_lead_approves(page: Any, world: Any, password: str) -> None:
    login(page, world.users["admin"], password)
    page.goto("/organisation/members/new/")
    page.get_by_label("Sign-in name").fill("newlead")
    page.get_by_label("Given name").fill("Lena")
    page.get_by_label("Family name").fill("Ford")
    page.get_by_label("Email").fill("lena@example.org")
    page.get_by_role("combobox", name="Role").select_option("lead")
    page.get_by_label("Why they need this role").fill("Deputy safeguarding lead from January.")
    page.get_by_role("button", name="Add user").click()
    page.get_by_text("waits for a safeguarding lead's approval").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    login(page, world.users["lead"], password)
    page.get_by_role("link", name="1 role request waiting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    page.get_by_label("Sign-in link").wait_for()
    assert_accessible(page)
    membership = Membership.objects.get(user__username=f"newlead@{world.org.sign_in_code}")
    assert (membership.role, membership.active) == ("lead", True)

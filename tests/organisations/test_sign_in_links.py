"""One-time sign-in links: the admin never sets or learns a new account's password,
and a new account's authenticator is enrolled only through its link (finding 7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations import services, signin
from organisations.models import Role, SignInLink
from tests.security.test_mfa import code_for

NEW_PASSWORD = "my-own-secret-passphrase-81"


def _add_manager(world: Any, username: str = "nia") -> tuple[Any, str]:
    response = world.client("admin").post(
        reverse("organisations:member_create"),
        {
            "username": username,
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia@example.org",
            "role": "manager",
            "services": [world.home.pk],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    match = re.search(r'value="http://testserver(/accounts/welcome/[^"]+/)"', body)
    assert match, body
    user = get_user_model().objects.get(username=f"{username}@{world.org.sign_in_code}")
    return user, match.group(1)


def _set_up(client: Client, url: str, user: Any, *, code: str | None = None) -> Any:
    page = client.get(url)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(
        url,
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "code": code if code is not None else code_for(device),
        },
    )


def test_the_admin_hands_over_a_link_and_never_a_password(world):
    user, url = _add_manager(world)
    assert not user.has_usable_password()
    assert signin.awaiting_set_up(user)
    # Only a hash of the link's secret is kept.
    link = SignInLink.objects.get(user=user)
    assert link.secret_hash not in url
    assert link.issued_by == world.users["admin"]

    client = Client()
    response = _set_up(client, url, user)
    assert response.status_code == 200
    assert "Your recovery codes" in response.content.decode()
    # Signed in and verified by the link itself.
    assert client.get(reverse("incidents:list")).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not signin.awaiting_set_up(user)
    # Single use: the same link is dead.
    assert Client().get(url).status_code == 404
    assert Client().login(username=user.username, password=NEW_PASSWORD)


def test_a_wrong_code_or_weak_password_saves_nothing(world):
    user, url = _add_manager(world)
    client = Client()
    response = _set_up(client, url, user, code="000000")
    assert "That code is not right" in response.content.decode()
    response = client.post(url, {"password1": "short", "password2": "short", "code": "1"})
    assert "too short" in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert SignInLink.objects.get(user=user).used_at is None
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_reissuing_ends_the_old_link(world):
    user, old_url = _add_manager(world)
    admin = world.client("admin")
    membership = user.membership
    response = admin.post(reverse("organisations:sign_in_link", args=[membership.pk]))
    assert response.status_code == 200
    new_url = re.search(
        r'value="http://testserver(/accounts/welcome/[^"]+/)"', response.content.decode()
    )
    assert new_url and new_url.group(1) != old_url
    assert Client().get(old_url).status_code == 404
    assert Client().get(new_url.group(1)).status_code == 200


def test_expired_and_tampered_links_do_not_work(world, settings):
    user, url = _add_manager(world)
    assert Client().get(url[:-3] + "xx/").status_code == 404
    assert Client().get("/accounts/welcome/not-a-token/").status_code == 404
    settings.SAFEGUARD_SIGN_IN_LINK_HOURS = 0
    issued = signin.issue_link(actor=world.users["admin"], user=user, organisation_id=world.org.pk)
    assert Client().get(reverse("welcome", args=[issued.token])).status_code == 404


def test_enrolment_of_a_new_account_happens_only_through_its_link(world):
    """Whoever gets into a new account some other way cannot bind their phone to it."""
    user, _url = _add_manager(world)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("mfa:enrol"))
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=user).exists()
    response = client.post(reverse("mfa:enrol"), {"code": "123456"})
    assert response.status_code == 403


def test_an_admin_cannot_issue_a_link_into_a_lead_account(world):
    added = services.add_member(
        actor=world.users["admin"],
        username="newhr",
        first_name="H",
        last_name="R",
        email="hr2@example.org",
        role=Role.HR,
        reason="HR cover",
    )
    assert added.link is None
    membership = added.membership
    admin = world.client("admin")
    assert (
        admin.post(reverse("organisations:sign_in_link", args=[membership.pk])).status_code == 404
    )
    services.decide_role_request(
        actor=world.users["lead"], role_request=added.role_request, approve=True
    )
    assert (
        admin.post(reverse("organisations:sign_in_link", args=[membership.pk])).status_code == 404
    )
    # A lead may, once approved (a lost or expired link).
    lead = world.client("lead")
    page = lead.get(reverse("organisations:role_requests")).content.decode()
    assert "Approved accounts not yet set up" in page
    response = lead.post(reverse("organisations:sign_in_link", args=[membership.pk]))
    assert response.status_code == 200
    assert "/accounts/welcome/" in response.content.decode()


def test_an_account_that_is_set_up_gets_no_new_link(world):
    manager = world.users["manager"].membership
    response = world.client("admin").post(reverse("organisations:sign_in_link", args=[manager.pk]))
    assert response.status_code == 302
    assert not SignInLink.objects.filter(user=manager.user).exists()


def test_links_are_append_only(world):
    user, _url = _add_manager(world)
    link = SignInLink.objects.get(user=user)
    with pytest.raises(DatabaseError), transaction.atomic():
        SignInLink.objects.filter(pk=link.pk).update(user=world.users["lead"])
    with pytest.raises(DatabaseError), transaction.atomic():
        SignInLink.objects.filter(pk=link.pk).delete()

"""Two-step verification: enrolment, sign-in, recovery codes and re-authentication."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations import mfa
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client: Client, user: Any) -> tuple[TOTPDevice, list[str]]:
    response = client.get(reverse("mfa:enrol"))
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("mfa:enrol"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def sign_in(username: str, password: str = PASSWORD, next_url: str = "") -> tuple[Client, Any]:
    client = Client()
    data = {"username": username, "password": password}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, data)
    return client, response


def test_enrolment_shows_a_qr_code_and_key_and_confirms_with_a_code(world: Any) -> None:
    user = world.users["lead"]
    client = world.client("lead")
    response = client.get(reverse("mfa:enrol"))
    body = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    device = TOTPDevice.objects.get(user=user)
    assert mfa.base32_secret(device) in body
    # A wrong code leaves the device unconfirmed, with a clear message.
    response = client.post(
        reverse("mfa:enrol"), {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "That code is not right" in response.content.decode()
    assert not mfa.has_second_factor(user)
    device, codes = enrol(client, user)
    assert device.confirmed
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    assert mfa.recovery_codes_left(user) == mfa.RECOVERY_CODE_COUNT


def test_revisiting_set_up_keeps_the_same_secret(world: Any) -> None:
    client = world.client("manager")
    client.get(reverse("mfa:enrol"))
    client.get(reverse("mfa:enrol"))
    assert TOTPDevice.objects.filter(user=world.users["manager"]).count() == 1


def test_required_mfa_sign_in_asks_for_the_code_then_returns_to_the_page(
    world: Any, settings: Any
) -> None:
    settings.SAFEGUARD_REQUIRE_MFA = True
    user = world.users["manager"]
    setup = world.client("manager")
    device, _codes = enrol(setup, user)

    target = reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk})
    client, response = sign_in("manager", next_url=target)
    assert response.status_code == 302 and response["Location"] == target
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:verify"))
    response = client.get(response["Location"])
    assert response.status_code == 200 and "Enter your code" in response.content.decode()

    response = client.post(reverse("mfa:verify"), {"code": "123", "next": target})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(target).status_code == 302
    # django-otp makes the next attempt wait (1 s, doubling); skip the wait.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()

    response = client.post(reverse("mfa:verify"), {"code": code_for(device, 1), "next": target})
    assert response.status_code == 302 and response["Location"] == target
    response = client.get(target)
    assert response.status_code == 200
    assert world.objects["incident"].reference in response.content.decode()


def test_a_recovery_code_works_once(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_REQUIRE_MFA = True
    _device, codes = enrol(world.client("lead"), world.users["lead"])
    client, _ = sign_in("lead")
    response = client.post(reverse("mfa:verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("incidents:list")).status_code == 200

    again, _ = sign_in("lead")
    response = again.post(reverse("mfa:verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert again.get(reverse("incidents:list")).status_code == 302
    assert mfa.recovery_codes_left(world.users["lead"]) == mfa.RECOVERY_CODE_COUNT - 1


def test_new_recovery_codes_replace_the_old_ones(world: Any) -> None:
    client = world.client("lead")
    _device, old = enrol(client, world.users["lead"])
    response = client.post(reverse("mfa:recovery_codes"))
    assert response.status_code == 200
    new = re.findall(r"<li>([a-z0-9]{8})</li>", response.content.decode())
    assert len(new) == mfa.RECOVERY_CODE_COUNT and not set(new) & set(old)
    with pytest.raises(mfa.InvalidCode):
        mfa.verify_second_factor(actor=world.users["lead"], code=old[0])


def test_without_mfa_required_nothing_changes_for_users_without_a_device(world: Any) -> None:
    client = world.client("manager")
    url = reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk})
    assert client.get(url).status_code == 200


def test_a_code_from_a_phone_is_throttled_after_repeated_failures(world: Any) -> None:
    client = world.client("lead")
    enrol(client, world.users["lead"])
    user = world.users["lead"]
    messages = set()
    for _ in range(6):
        try:
            mfa.verify_second_factor(actor=user, code="000001")
        except mfa.InvalidCode as exc:
            messages.add(exc.message)
    assert any("Too many wrong codes" in m for m in messages)


# --- Re-authentication -----------------------------------------------------------------


def _age_reauthentication(client: Client, seconds: int = 3600) -> None:
    session = client.session
    session[mfa.REAUTH_SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_need_to_know_asks_for_the_password_when_stale_and_mfa_optional(world: Any) -> None:
    client = world.client("lead")
    url = reverse("incidents:need_to_know", kwargs={"pk": world.objects["incident"].pk})
    assert client.get(url).status_code == 200  # fresh after signing in
    _age_reauthentication(client)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa:reauth')}?next={url.replace('/', '%2F')}"
    page = client.get(response["Location"])
    assert "Your password" in page.content.decode()
    wrong = client.post(reverse("mfa:reauth"), {"password": "not-it", "next": url})
    assert "That password is not right" in wrong.content.decode()
    assert client.get(url).status_code == 302
    right = client.post(reverse("mfa:reauth"), {"password": PASSWORD, "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code == 200


def test_need_to_know_asks_for_a_code_when_the_user_has_a_device(world: Any) -> None:
    client = world.client("lead")
    device, _ = enrol(client, world.users["lead"])
    url = reverse("incidents:need_to_know", kwargs={"pk": world.objects["incident"].pk})
    _age_reauthentication(client)
    page = client.get(reverse("mfa:reauth") + f"?next={url}")
    assert "authenticator app" in page.content.decode()
    assert client.get(url).status_code == 302
    response = client.post(reverse("mfa:reauth"), {"code": PASSWORD, "next": url})
    assert response.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(reverse("mfa:reauth"), {"code": code_for(device, 1), "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200


def test_a_stale_restrict_post_changes_nothing_and_returns_to_the_page(world: Any) -> None:
    incident = world.objects["incident"]
    client = world.client("lead")
    _age_reauthentication(client)
    page = reverse("incidents:need_to_know", kwargs={"pk": incident.pk})
    response = client.post(
        reverse("incidents:restrict", kwargs={"pk": incident.pk}),
        {"version": incident.version, "restricted": "on"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa:reauth')}?next={page.replace('/', '%2F')}"
    incident.refresh_from_db()
    assert not incident.restricted


def test_decorator_is_on_the_need_to_know_views() -> None:
    from incidents import views

    for view in (views.need_to_know, views.need_to_know_revoke, views.restrict):
        assert getattr(view, "reauthentication_required", False) or getattr(
            getattr(view, "__wrapped__", None), "reauthentication_required", False
        ), view.__name__


def test_reauthentication_window_is_the_setting(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_REAUTH_SECONDS = 60
    client = world.client("lead")
    url = reverse("incidents:need_to_know", kwargs={"pk": world.objects["incident"].pk})
    _age_reauthentication(client, 30)
    assert client.get(url).status_code == 200
    _age_reauthentication(client, 90)
    assert client.get(url).status_code == 302


def test_menus_are_hidden_until_the_second_step_is_done(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_REQUIRE_MFA = True
    client = world.client("lead")
    body = client.get(reverse("mfa:enrol")).content.decode()
    assert reverse("incidents:list") not in body
    assert reverse("logout") in body
    settings.SAFEGUARD_REQUIRE_MFA = False
    body = client.get(reverse("mfa:enrol")).content.decode()
    assert reverse("incidents:list") in body

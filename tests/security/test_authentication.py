"""Passwords, lockout, idle timeout, sign-out everywhere, open redirects."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.middleware import IdleTimeoutMiddleware
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, ip: str = "192.0.2.10", client: Client | None = None):
    client = client or Client()
    return client, client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- Passwords --------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    from safeguard import settings as project_settings

    # The suite swaps in a fast hasher; the project's own setting is Argon2 first.
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

    # (Changing the setting resets Django's hasher cache through setting_changed.)
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password("a-long-enough-passphrase")
    assert encoded.startswith("argon2$")
    assert check_password("a-long-enough-passphrase", encoded)


@pytest.mark.parametrize("weak", ["short1!", "password123456", "123456789012345"])
def test_weak_passwords_are_refused(world: Any, weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak, user=world.users["lead"])


def test_a_good_passphrase_is_accepted(world: Any) -> None:
    validate_password("river-lantern-copper-47", user=world.users["lead"])


# --- Lockout (django-axes) --------------------------------------------------------------


def test_repeated_failures_lock_the_username_on_that_address(world: Any) -> None:
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        _, response = attempt("lead", "wrong-password")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    _, response = attempt("lead", "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert "locked on this network after too many wrong passwords" in body
    assert "Try again in 15 minutes" in body
    # Even the right password is refused now, with the same clear message.
    client, response = attempt("lead", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lockout is for that username from that address only.
    _, response = attempt("lead", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302
    _, response = attempt("manager", PASSWORD)
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(world: Any, settings: Any) -> None:
    from axes.models import AccessAttempt

    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        attempt("lead", "wrong-password")
    assert attempt("lead", PASSWORD)[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt("lead", PASSWORD)[1].status_code == 302


def test_a_successful_sign_in_resets_the_count(world: Any) -> None:
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        attempt("lead", "wrong-password")
    assert attempt("lead", PASSWORD)[1].status_code == 302
    for _ in range(limit - 1):
        _, response = attempt("lead", "wrong-password")
    assert response.status_code == 200


# --- Sessions ---------------------------------------------------------------------------


def _age_session(key: str, minutes: int) -> None:
    """Make the stored session look ``minutes`` old: expiry and refresh stamp both."""
    store = SessionStore(session_key=key)
    store[IdleTimeoutMiddleware.STAMP] = int(time.time()) - minutes * 60
    store.save()
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + timedelta(minutes=30 - minutes)
    )


def test_sessions_end_after_30_idle_minutes(world: Any) -> None:
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    client, response = attempt("manager", PASSWORD)
    assert response.status_code == 302
    url = reverse("incidents:list")
    assert client.get(url).status_code == 200
    key = client.session.session_key
    session = Session.objects.get(session_key=key)
    remaining = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    # Activity keeps the session alive: a request 29 minutes on pushes the expiry on ...
    _age_session(key, 29)
    assert client.get(url).status_code == 200
    session.refresh_from_db()
    assert session.expire_date - timezone.now() > timedelta(minutes=29)
    # ... and 30 minutes without a request ends it.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_idle_timeout_is_not_written_on_every_request(world: Any) -> None:
    """A request within a minute of the last refresh does not write the session;
    one after it does (and slides the expiry)."""
    client, _ = attempt("manager", PASSWORD)
    url = reverse("incidents:list")
    assert client.get(url).status_code == 200
    key = client.session.session_key
    before = Session.objects.get(pk=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries if 'UPDATE "django_session"' in q["sql"]]
    assert Session.objects.get(pk=key).expire_date == before
    _age_session(key, 2)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q for q in queries if 'UPDATE "django_session"' in q["sql"]]
    assert Session.objects.get(pk=key).expire_date > before


def test_cookies_are_http_only_and_same_site(world: Any) -> None:
    client, _ = attempt("manager", PASSWORD)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_changing_the_password_signs_out_every_other_session(world: Any) -> None:
    laptop, _ = attempt("manager", PASSWORD)
    phone, _ = attempt("manager", PASSWORD, ip="198.51.100.8")
    url = reverse("incidents:list")
    assert laptop.get(url).status_code == 200
    assert phone.get(url).status_code == 200
    new = "quiet-harbour-violet-93"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert laptop.get(url).status_code == 200  # the session that changed it stays in
    response = phone.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert attempt("manager", new)[1].status_code == 302


def test_signing_out_ends_the_session(world: Any) -> None:
    client, _ = attempt("manager", PASSWORD)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("incidents:list")).status_code == 302


# --- Open redirects ---------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
    " //evil.example",
]


def _is_local(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_refuses_to_redirect_off_site(world: Any, target: str) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "manager", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert _is_local(response["Location"]), response["Location"]
    assert not urlsplit(response["Location"]).netloc
    page = Client().get(LOGIN, {"next": target})
    assert f'value="{target}"' not in page.content.decode()


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_reauthentication_refuses_to_redirect_off_site(world: Any, target: str) -> None:
    client = world.client("lead")
    response = client.post(reverse("mfa:reauth"), {"password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert _is_local(response["Location"]), response["Location"]
    assert not urlsplit(response["Location"]).netloc


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_verification_refuses_to_redirect_off_site(world: Any, settings: Any, target: str) -> None:
    from tests.security.test_mfa import code_for, enrol

    client = world.client("lead")
    device, _ = enrol(client, world.users["lead"])
    fresh = world.client("lead")
    response = fresh.post(reverse("mfa:verify"), {"code": code_for(device, 1), "next": target})
    assert response.status_code == 302
    assert _is_local(response["Location"]), response["Location"]
    assert not urlsplit(response["Location"]).netloc


def test_a_stale_post_ignores_a_foreign_referer(world: Any) -> None:
    import time

    from organisations import mfa

    incident = world.objects["incident"]
    client = world.client("lead")
    session = client.session
    session[mfa.REAUTH_SESSION_KEY] = int(time.time()) - 3600
    session.save()
    response = client.post(
        reverse("incidents:restrict", kwargs={"pk": incident.pk}),
        {"version": incident.version},
        HTTP_REFERER="https://evil.example/incidents/1/need-to-know/",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa:reauth")

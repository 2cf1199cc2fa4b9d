from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def test_healthz_needs_no_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_ready_when_migrated(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200


def test_pages_require_login(client, db):
    response = client.get(reverse("incidents:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_and_logout(client, world, password):
    response = client.post(
        reverse("login"), {"username": "manager", "password": password}, follow=True
    )
    assert response.status_code == 200
    assert "Incidents" in response.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("incidents:list")).status_code == 302


def test_sessions_expire_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Slid by safeguard.middleware.IdleTimeoutMiddleware (tests/security/test_authentication.py).
    assert "safeguard.middleware.IdleTimeoutMiddleware" in settings.MIDDLEWARE


def test_admin_home_says_no_safeguarding_content(world):
    body = world.client("admin").get("/").content.decode()
    assert "Safeguarding records are not visible" in body


def test_user_without_membership_is_told(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert "not part of an organisation" in response.content.decode()

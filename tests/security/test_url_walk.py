"""Walk the URL resolver: login, second factor and CSRF guard every URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organisations.mfa import OPEN_WITHOUT_SECOND_FACTOR
from tests.matrix import OK
from tests.security.crawl import all_patterns, matrix_cases, placeholder_url

# The only pages a stranger may open. Everything else needs a signed-in user.
# "check": anyone holding an export checks it there (chronology/public.py).
PUBLIC = {"healthz", "readyz", "login", "check"}
# Sign-out works (and does nothing) without a session; Django marks it public.
PUBLIC_HARMLESS = {"logout"}
# A new account's one-time sign-in link: answers only to a valid signed token.
PUBLIC_BY_TOKEN = {"welcome"}

PATTERNS = all_patterns()


def test_every_url_pattern_is_named() -> None:
    unnamed = [str(p.pattern) for name, p in PATTERNS if not name]
    assert not unnamed, f"Unnamed URL patterns cannot be checked: {unnamed}"


def test_only_the_known_public_views_opt_out_of_login() -> None:
    opted_out = {
        name for name, p in PATTERNS if getattr(p.callback, "login_required", True) is False
    }
    allowed = PUBLIC | PUBLIC_HARMLESS | PUBLIC_BY_TOKEN
    assert opted_out <= allowed, opted_out - allowed
    assert opted_out >= PUBLIC | PUBLIC_BY_TOKEN


def test_no_view_is_csrf_exempt() -> None:
    exempt = [name for name, p in PATTERNS if getattr(p.callback, "csrf_exempt", False)]
    assert not exempt, exempt


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_sends_a_stranger_to_login(method: str) -> None:
    client = Client()
    login = reverse("login")
    for name, pattern in PATTERNS:
        if name in PUBLIC | PUBLIC_HARMLESS | PUBLIC_BY_TOKEN:
            continue
        url = placeholder_url(name, pattern)
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
        assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stranger_with_a_made_up_token_gets_nothing(world: Any, method: str) -> None:
    client = Client()
    reference = world.objects["incident"].reference
    for name, pattern in PATTERNS:
        if name not in PUBLIC_BY_TOKEN:
            continue
        url = placeholder_url(name, pattern)
        response = getattr(client, method)(url, {"password1": "x", "password2": "x", "code": "1"})
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
        assert reference.encode() not in response.content
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_public_pages_show_no_record_data(world: Any) -> None:
    client = Client()
    reference = world.objects["incident"].reference
    for name in PUBLIC:
        response = client.get(reverse(name))
        assert response.status_code in (200, 503)
        assert reference.encode() not in response.content


@pytest.mark.django_db
def test_every_post_needs_a_csrf_token(world: Any) -> None:
    """Every URL, whatever the view, refuses a POST without the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["lead"])
    anonymous = Client(enforce_csrf_checks=True)
    for name, pattern in PATTERNS:
        url = placeholder_url(name, pattern)
        who = anonymous if name in PUBLIC | PUBLIC_BY_TOKEN else client
        response = who.post(url, {"version": "1", "reason": "x"})
        assert response.status_code == 403, f"POST {url}: {response.status_code}"


@pytest.mark.django_db
def test_real_record_posts_need_a_csrf_token(world: Any) -> None:
    """The matrix's POST cases with real objects, as a user who may perform them."""
    for case in matrix_cases():
        if case.method != "post":
            continue
        role = next((r for r, e in case.expect.items() if e == OK and r != "outsider"), None)
        if role is None:
            continue
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[role])
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        response = client.post(url, case.data(world))
        assert response.status_code == 403, f"{case.id} as {role}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "manager", "admin"])
def test_without_a_second_factor_nothing_is_reachable_when_required(
    world: Any, settings: Any, role: str
) -> None:
    """Acceptance: MFA required + no verified factor = only the MFA pages."""
    settings.SAFEGUARD_REQUIRE_MFA = True
    client = world.client(role)
    enrol = reverse("mfa:enrol")
    allowed = OPEN_WITHOUT_SECOND_FACTOR
    urls = [(name, placeholder_url(name, p)) for name, p in PATTERNS]
    for case in matrix_cases():
        try:
            urls.append((case.url_name, reverse(case.url_name, kwargs=case.kwargs(world))))
        except Exception:  # noqa: S112 - a builder that cannot run twice
            continue
    for name, url in urls:
        if name in allowed:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
            assert response["Location"].startswith(enrol), f"{url} -> {response['Location']}"
    # The record itself never appears on the way.
    response = client.get(reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk}))
    assert world.objects["incident"].summary.encode() not in response.content

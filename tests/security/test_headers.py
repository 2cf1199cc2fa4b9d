"""Response headers, the strict CSP, and templates that need no inline code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from tests.security.crawl import crawl, page_urls

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _csp(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_record_pages_carry_the_security_headers(world: Any) -> None:
    client = world.client("manager")
    response = client.get(reverse("incidents:detail", kwargs={"pk": world.objects["incident"].pk}))
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == "'none'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["base-uri"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_is_not_cached_and_cannot_be_framed() -> None:
    from django.test import Client

    response = Client().get(reverse("login"))
    assert "no-store" in response["Cache-Control"]
    assert _csp(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("role", ["lead", "manager", "hr", "auditor", "admin"])
def test_no_page_has_inline_script_style_or_handlers(world: Any, role: str) -> None:
    """Crawl every page the role can open: the CSP would block any inline code."""
    client = world.client(role)
    urls = [*page_urls(world, role), reverse("login"), reverse("mfa:enrol")]
    problems = {
        page.url: page.inline_problems for page in crawl(client, urls) if page.inline_problems
    }
    assert not problems, problems


def test_templates_have_no_inline_script_or_style() -> None:
    """Static check of every template, including pages no role reaches in tests."""
    offenders = []
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    for path in [*(ROOT / "templates").rglob("*.html"), *ROOT.glob("*/templates/**/*.html")]:
        text = path.read_text()
        # PDF templates are rendered by WeasyPrint, never served to a browser
        # (so no CSP applies); their running header/footer need an @page rule
        # built per export from CSS-escaped, system-generated values.
        is_pdf = "pdf" in path.relative_to(ROOT).parts
        for pattern, what in (
            (inline_script, "inline <script>"),
            (re.compile(r"(?!)" if is_pdf else r"<style\b", re.I), "<style>"),
            (re.compile(r"\sstyle=", re.I), "style= attribute"),
            (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
            (re.compile(r"\|\s*safe\b"), "|safe filter"),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {what}")
    assert not offenders, offenders


def test_crispy_bootstrap5_templates_we_render_are_inline_free() -> None:
    """The form pack is third-party: check every template it could render."""
    import crispy_bootstrap5

    base = Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5"
    templates = list(base.rglob("*.html"))
    assert len(templates) > 10
    for path in templates:
        text = path.read_text()
        assert not re.search(r"\sstyle=|<style\b|\son[a-z]+=|<script", text), path.name


def _production_env(tmp_path: Path) -> dict[str, str]:
    """A production-like environment with a throwaway signing certificate."""
    from chronology.signing import write_self_signed_pkcs12

    certificate = tmp_path / "signing.p12"
    write_self_signed_pkcs12(certificate, common_name="Check only", passphrase=b"check-only")
    env = {
        **os.environ,
        "SAFEGUARD_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "safeguard.example.org",
        "DEBUG": "",
        "SAFEGUARD_SIGNING_PKCS12": str(certificate),
        "SAFEGUARD_SIGNING_PASSPHRASE": "check-only",
        "SAFEGUARD_PUBLIC_URL": "https://safeguard.example.org",
    }
    env.pop("SAFEGUARD_REQUIRE_MFA", None)
    # The browser tests set this in-process for Playwright; production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
            "'safeguard.settings'); django.setup(); from django.conf import settings as s;"
            "print(s.SAFEGUARD_REQUIRE_MFA, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
            " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT,"
            " s.SESSION_COOKIE_NAME.startswith('__Host-'))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.stdout.split() == ["True"] * 6, shown.stdout + shown.stderr


def test_development_does_not_require_mfa() -> None:
    from safeguard import settings as project_settings

    if os.environ.get("SAFEGUARD_ENV", "development") == "development" and not os.environ.get(
        "SAFEGUARD_REQUIRE_MFA"
    ):
        assert project_settings.SAFEGUARD_REQUIRE_MFA is False


@pytest.mark.parametrize(
    ("signing", "message"),
    [
        ({}, "Set SAFEGUARD_SIGNING_PKCS12"),
        ({"SAFEGUARD_SIGNING_PKCS12": "/nonexistent/signing.p12"}, "could not be read"),
    ],
)
def test_production_refuses_to_start_without_a_signing_certificate(
    signing: dict[str, str], message: str
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SAFEGUARD_SIGNING_")},
        "SAFEGUARD_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "safeguard.example.org",
        "DEBUG": "",
        **signing,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_the_deployment_checks_want_the_public_check_address(tmp_path: Path) -> None:
    """Without SAFEGUARD_PUBLIC_URL a cover made outside a request could give
    only the check page's path, so the deployment check says so."""
    env = _production_env(tmp_path)
    del env["SAFEGUARD_PUBLIC_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "chronology.W002" in result.stdout + result.stderr

"""The form pattern's loose ends: the sign-in page and the role-request
decisions use the one error summary, and every form posts to an explicit
address without a #fragment."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from organisations import services
from organisations.models import Role
from tests.disclosures.factories import make_decision

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    start = html.index("data-error-summary")
    return html[start : html.index("</div>", start)]


def _targets_exist(html: str, summary: str) -> list[str]:
    anchors = re.findall(r'href="#([^"]+)"', summary)
    for anchor in anchors:
        assert re.search(rf'<[^>]*\bid="{re.escape(anchor)}"', html), anchor
    return anchors


def test_a_wrong_password_gets_the_summary_linked_to_the_username_box(world: Any) -> None:
    response = Client().post(
        reverse("login"), {"username": "lead", "password": "wrong"}, REMOTE_ADDR="192.0.2.20"
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert "There is a problem" in summary and "You are not signed in." in summary
    assert "correct username and password" in summary
    assert _targets_exist(html, summary) == ["id_username"]
    assert "alert-danger" not in html.replace('class="alert alert-danger error-summary"', "")


def test_an_empty_sign_in_links_each_missing_field(world: Any) -> None:
    response = Client().post(reverse("login"), {}, REMOTE_ADDR="192.0.2.21")
    html = response.content.decode()
    summary = _summary(html)
    assert _targets_exist(html, summary) == ["id_username", "id_password"]
    # The error is repeated by the field, which is described by it.
    tag = re.search(r'<input[^>]*id="id_username"[^>]*>', html)
    assert tag and 'aria-describedby="error_1_id_username"' in tag.group(0)
    assert 'id="error_1_id_username"' in html


def test_a_locked_account_is_told_in_the_summary(world: Any) -> None:
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = Client().post(
            reverse("login"), {"username": "lead", "password": "x"}, REMOTE_ADDR="192.0.2.22"
        )
    assert response.status_code == 429
    summary = _summary(response.content.decode())
    assert "locked on this network" in summary


def _pending_request(world: Any) -> Any:
    return services.update_member(
        actor=world.users["admin"],
        membership=world.users["manager"].membership,
        role=Role.HR,
        services=[world.home],
        active=True,
        reason="Cover for HR",
    )


def test_refusing_a_role_request_without_a_reason_shows_the_summary(world: Any) -> None:
    request = _pending_request(world)
    response = world.client("lead").post(
        reverse("organisations:role_request_decide", args=[request.pk]),
        {"decision": "refuse", "reason": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert "Nothing has been decided." in summary
    assert "Say why the request is refused." in summary
    assert _targets_exist(html, summary) == [f"reason-{request.pk}"]
    box = re.search(rf'<textarea[^>]*id="reason-{request.pk}"[^>]*>', html)
    assert box and 'aria-invalid="true"' in box.group(0)
    described = re.search(r'aria-describedby="([^"]*)"', box.group(0))
    assert described
    for ref in described.group(1).split():
        assert re.search(rf'id="{ref}"[^>]*>\s*<strong>Say why the request is refused', html)
    request.refresh_from_db()
    assert request.state == "pending"


def test_a_role_request_decision_without_a_choice_links_the_approve_button(world: Any) -> None:
    request = _pending_request(world)
    response = world.client("lead").post(
        reverse("organisations:role_request_decide", args=[request.pk]), {"reason": "x"}
    )
    html = response.content.decode()
    assert _targets_exist(html, _summary(html)) == [f"approve-{request.pk}"]


# --- Every form posts to an explicit address, never one with a #fragment ---------------


def _pages(world: Any) -> list[tuple[str, str]]:
    incident = world.objects["incident"]
    decision = make_decision(world.users["manager"], incident)
    manager = world.users["manager"].membership
    _pending_request(world)
    return [
        ("manager", reverse("incidents:create")),
        ("manager", reverse("incidents:list")),
        ("manager", reverse("incidents:entry_create", args=[incident.pk])),
        ("manager", reverse("disclosures:create", args=[incident.pk])),
        ("manager", reverse("disclosures:review", args=[decision.pk])),
        ("manager", reverse("disclosures:amend", args=[decision.pk])),
        ("lead", reverse("allegations:create", args=[incident.pk])),
        ("lead", reverse("allegations:list")),
        ("lead", reverse("audits:search")),
        ("lead", reverse("organisations:role_requests")),
        ("admin", reverse("organisations:member_create")),
        ("admin", reverse("organisations:member_edit", args=[manager.pk])),
        ("admin", reverse("organisations:service_create")),
    ]


def test_every_form_has_an_action_without_a_fragment(world: Any) -> None:
    pages = _pages(world)
    pages.append(("", reverse("login")))
    for role, url in pages:
        client = world.client(role) if role else Client()
        html = client.get(url).content.decode()
        tags = re.findall(r"<form\b[^>]*>", html)
        assert tags, url
        for tag in tags:
            action = re.search(r'\baction="([^"]*)"', tag)
            assert action and action.group(1), (url, tag)
            assert "#" not in action.group(1), (url, tag)


def test_a_form_crispy_renders_posts_to_the_page_itself(world: Any) -> None:
    url = reverse("incidents:create") + "?from=here"
    html = world.client("manager").get(url).content.decode()
    tags = [t.replace("&amp;", "&") for t in re.findall(r"<form\b[^>]*>", html)]
    assert any('action="/incidents/new/?from=here"' in t for t in tags), tags


APPS = ("organisations", "incidents", "disclosures", "allegations", "chronology", "audits")


def test_no_form_builds_crispys_helper_directly() -> None:
    """Every helper is PatternFormHelper, so a new crispy form cannot lose its action."""
    root = Path(django_settings.BASE_DIR)
    offenders = [
        str(path)
        for app in APPS
        for path in (root / app).rglob("*.py")
        if re.search(r"(?<!Pattern)FormHelper\(", path.read_text())
    ]
    assert offenders == []

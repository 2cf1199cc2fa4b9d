from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from organisations.models import Membership


def test_admin_adds_a_manager_with_services(world):
    client = world.client("admin")
    response = client.post(
        reverse("organisations:member_create"),
        {
            "username": "newmanager",
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia@example.org",
            "role": "manager",
            "services": [world.home.pk],
        },
    )
    # The one-time sign-in link is shown once, in the response itself.
    assert response.status_code == 200
    assert "/accounts/welcome/" in response.content.decode()
    membership = Membership.objects.get(user__username=f"newmanager@{world.org.sign_in_code}")
    assert membership.organisation == world.org
    assert membership.active
    assert list(membership.services.all()) == [world.home]
    assert not membership.user.has_usable_password()


def test_manager_needs_a_service(world):
    response = world.client("admin").post(
        reverse("organisations:member_create"),
        {
            "username": "x1",
            "first_name": "X",
            "last_name": "Y",
            "email": "x@example.org",
            "role": "manager",
        },
    )
    body = response.content.decode()
    assert "A manager needs at least one service." in body
    assert not get_user_model().objects.filter(username__startswith="x1").exists()


def test_removing_access_hides_everything(world):
    membership = world.users["manager"].membership
    world.client("admin").post(
        reverse("organisations:member_edit", args=[membership.pk]),
        {"role": "manager", "services": [world.home.pk], "job_title": ""},
    )
    membership.refresh_from_db()
    assert membership.active is False
    response = world.client("manager").get(
        reverse("incidents:detail", args=[world.objects["incident"].pk])
    )
    assert response.status_code == 404


def test_admin_cannot_remove_own_access(world):
    membership = world.users["admin"].membership
    response = world.client("admin").post(
        reverse("organisations:member_edit", args=[membership.pk]),
        {"role": "manager", "services": [world.home.pk], "active": "on"},
    )
    assert "cannot remove your own admin access" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_admin_cannot_assign_another_organisations_service(world):
    other_service = world.objects["other_incident"].service
    response = world.client("admin").post(
        reverse("organisations:member_create"),
        {
            "username": "x2",
            "first_name": "X",
            "last_name": "Y",
            "email": "x@example.org",
            "role": "manager",
            "services": [other_service.pk],
        },
    )
    assert "Select a valid choice" in response.content.decode()


def _header(html: str) -> str:
    return html.split("<header>", 1)[1].split("</header>", 1)[0]


def test_editing_a_member_keeps_the_admin_signed_in_in_the_header(world):
    """The member's edit page once passed the member's membership under the name
    the header uses for the signed-in user, so the header named the member."""
    admin = world.users["admin"].membership
    lead = world.users["lead"].membership
    html = (
        world.client("admin")
        .get(reverse("organisations:member_edit", args=[lead.pk]))
        .content.decode()
    )
    header = _header(html)
    assert f"{escape(admin.display_name)} · Organisation admin" in header
    assert escape(lead.display_name) not in header
    assert "Users and services" in header
    assert reverse("incidents:list") not in header  # a lead's link, not an admin's
    assert f"Edit {escape(lead.display_name)}" in html

"""Separation of duties: an admin cannot give the lead, HR or auditor role alone.

Finding 3 of issue 17: an admin created a member with the lead role and a
password of their choosing, signed in as it and read every safeguarding record.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from audits.models import AuditEntry
from organisations import services
from organisations.models import Membership, Role, RoleRequest
from tests.audits.conftest import entries_for
from tests.factories import member

CHOSEN = "admin-chosen-passphrase-2026"


def _create(world: Any, username: str, role: str, **extra: Any) -> Any:
    data = {
        "username": username,
        "first_name": "Shadow",
        "last_name": "Lead",
        "email": f"{username}@example.org",
        "role": role,
        # Today's form has a temporary password; it must no longer do anything.
        "password": CHOSEN,
        "reason": "Covering the safeguarding lead's leave.",
    }
    data.update(extra)
    return world.client("admin").post(reverse("organisations:member_create"), data)


# The escalation path itself (create a lead with a chosen password, sign in as
# it) is tests/organisations/test_escalation.py, which also runs on the old code.


def test_a_new_lead_waits_inactive_and_a_lead_approves_it(world):
    response = _create(world, "newlead", "lead")
    assert response.status_code == 302
    membership = Membership.objects.get(user__username__startswith="newlead@")
    assert membership.active is False
    assert not membership.user.has_usable_password()
    request = RoleRequest.objects.get(membership=membership)
    assert request.state == "pending"
    assert request.requested_by == world.users["admin"]
    assert request.previous_role == ""

    lead = world.client("lead")
    home = lead.get("/").content.decode()
    assert "1</strong> role request waiting" in home
    page = lead.get(reverse("organisations:role_requests")).content.decode()
    assert "Covering the safeguarding lead" in page

    response = lead.post(
        reverse("organisations:role_request_decide", args=[request.pk]),
        {"decision": "approve"},
    )
    # The approving lead, not the admin, receives the one-time sign-in link.
    assert response.status_code == 200
    assert "/accounts/welcome/" in response.content.decode()
    membership.refresh_from_db()
    request.refresh_from_db()
    assert (membership.active, membership.role) == (True, Role.LEAD)
    assert (request.state, request.decided_by) == ("approved", world.users["lead"])
    assert request.decided_at is not None
    assert "0 role requests" not in lead.get("/").content.decode()
    assert "No role requests are waiting" in lead.get("/").content.decode()


def test_changing_a_manager_into_a_lead_waits_and_can_be_refused(world):
    manager = world.users["manager"].membership
    admin = world.client("admin")
    response = admin.post(
        reverse("organisations:member_edit", args=[manager.pk]),
        {"role": "lead", "active": "on", "reason": "Deputy lead"},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    # Until a lead decides, they keep exactly what they had.
    assert (manager.role, manager.active) == (Role.MANAGER, True)
    request = RoleRequest.objects.get(membership=manager, state="pending")
    assert request.previous_role == Role.MANAGER

    lead = world.client("lead")
    url = reverse("organisations:role_request_decide", args=[request.pk])
    lead.post(url, {"decision": "refuse", "reason": ""})
    request.refresh_from_db()
    assert request.state == "pending", "a refusal needs a reason"
    lead.post(url, {"decision": "refuse", "reason": "Not agreed by the board."})
    request.refresh_from_db()
    manager.refresh_from_db()
    assert request.state == "refused"
    assert manager.role == Role.MANAGER


def test_a_grant_needs_a_reason(world):
    manager = world.users["manager"].membership
    response = world.client("admin").post(
        reverse("organisations:member_edit", args=[manager.pk]),
        {"role": "hr", "active": "on"},
    )
    assert "Say why they need this role" in response.content.decode()
    assert not RoleRequest.objects.exists()


def test_nobody_decides_their_own_request_or_one_about_themselves(world):
    lead, admin = world.users["lead"], world.users["admin"]
    # A request about the lead's own account (lead -> HR).
    about_lead = services.update_member(
        actor=admin,
        membership=lead.membership,
        role=Role.HR,
        services=[],
        active=True,
        reason="Moving to HR",
    )
    assert about_lead is not None
    with pytest.raises(ValidationError, match="another safeguarding lead"):
        services.decide_role_request(actor=lead, role_request=about_lead, approve=True)
    # The requester, later made a lead themselves, cannot approve what they asked for.
    second_lead = member(world.org, Role.LEAD, username="second_lead")
    request = services.update_member(
        actor=admin,
        membership=world.users["auditor"].membership,
        role=Role.LEAD,
        services=[],
        active=True,
        reason="Second lead",
    )
    assert request is not None
    Membership.objects.filter(user=admin).update(role=Role.LEAD)
    admin = get_user_model().objects.get(pk=admin.pk)  # drop the cached membership
    with pytest.raises(ValidationError, match="another safeguarding lead"):
        services.decide_role_request(actor=admin, role_request=request, approve=True)
    # Neither may anyone but a lead: HR, a manager, the admin role.
    for role in ("hr", "manager"):
        with pytest.raises(PermissionDenied):
            services.decide_role_request(
                actor=world.users[role], role_request=request, approve=True
            )
    decision = services.decide_role_request(actor=second_lead, role_request=request, approve=True)
    assert decision.role_request.state == "approved"
    world.users["auditor"].membership.refresh_from_db()
    assert world.users["auditor"].membership.role == Role.LEAD


def test_the_database_refuses_a_self_decided_request(world):
    request = services.update_member(
        actor=world.users["admin"],
        membership=world.users["manager"].membership,
        role=Role.AUDITOR,
        services=[world.home],
        active=True,
        reason="Audit cover",
    )
    assert request is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleRequest.objects.filter(pk=request.pk).update(
            state="approved", decided_by=world.users["admin"], decided_at=request.requested_at
        )


def test_the_outsider_lead_cannot_decide(world):
    request = services.update_member(
        actor=world.users["admin"],
        membership=world.users["manager"].membership,
        role=Role.LEAD,
        services=[world.home],
        active=True,
        reason="Cover",
    )
    outsider = world.client("outsider")
    assert "Cover" not in outsider.get(reverse("organisations:role_requests")).content.decode()
    response = outsider.post(
        reverse("organisations:role_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.decide_role_request(
            actor=world.users["outsider"], role_request=request, approve=True
        )


def test_taking_a_role_away_needs_no_approval(world):
    """Least privilege goes one way: lowering or removing a role is immediate."""
    admin = world.client("admin")
    lead = world.users["lead"].membership
    admin.post(
        reverse("organisations:member_edit", args=[lead.pk]),
        {"role": "manager", "services": [world.home.pk], "active": "on"},
    )
    lead.refresh_from_db()
    assert lead.role == Role.MANAGER
    auditor = world.users["auditor"].membership
    admin.post(reverse("organisations:member_edit", args=[auditor.pk]), {"role": "auditor"})
    auditor.refresh_from_db()
    assert auditor.active is False
    # Putting the auditor back is a grant again.
    admin.post(
        reverse("organisations:member_edit", args=[auditor.pk]),
        {"role": "auditor", "active": "on", "reason": "Back from leave"},
    )
    auditor.refresh_from_db()
    assert auditor.active is False
    assert RoleRequest.objects.filter(membership=auditor, state="pending").exists()
    assert not RoleRequest.objects.filter(membership=lead).exists()


def test_a_later_change_cancels_the_pending_request(world):
    manager = world.users["manager"].membership
    request = services.update_member(
        actor=world.users["admin"],
        membership=manager,
        role=Role.LEAD,
        services=[world.home],
        active=True,
        reason="Cover",
    )
    services.update_member(
        actor=world.users["admin"],
        membership=manager,
        role=Role.MANAGER,
        services=[world.home],
        active=False,
    )
    request.refresh_from_db()
    assert request.state == "cancelled"
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_role_request(actor=world.users["lead"], role_request=request, approve=True)


def test_role_requests_are_written_once_and_never_deleted(world):
    request = services.update_member(
        actor=world.users["admin"],
        membership=world.users["manager"].membership,
        role=Role.HR,
        services=[world.home],
        active=True,
        reason="HR cover",
    )
    assert request is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleRequest.objects.filter(pk=request.pk).update(role=Role.LEAD)
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleRequest.objects.filter(pk=request.pk).delete()
    services.decide_role_request(
        actor=world.users["lead"], role_request=request, approve=False, reason="No"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleRequest.objects.filter(pk=request.pk).update(state="approved")


def test_requests_and_decisions_are_in_the_audit_trail(world):
    request = services.update_member(
        actor=world.users["admin"],
        membership=world.users["manager"].membership,
        role=Role.LEAD,
        services=[world.home],
        active=True,
        reason="Cover",
    )
    world.client("lead").post(
        reverse("organisations:role_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    created = entries_for(request, action=AuditEntry.Action.CREATE).get()
    assert created.organisation_id == world.org.pk
    decided = entries_for(request, action=AuditEntry.Action.UPDATE).get()
    assert decided.actor == world.users["lead"]
    assert decided.changes["state"] == ["pending", "approved"]
    role_change = entries_for(
        world.users["manager"].membership, action=AuditEntry.Action.UPDATE
    ).last()
    assert role_change.actor == world.users["lead"]
    assert role_change.changes["role"] == ["manager", "lead"]


def test_deciding_needs_a_recent_verification(world, settings):
    request = services.update_member(
        actor=world.users["admin"],
        membership=world.users["manager"].membership,
        role=Role.LEAD,
        services=[world.home],
        active=True,
        reason="Cover",
    )
    settings.SAFEGUARD_REAUTH_SECONDS = 0
    client = world.client("lead")
    session = client.session
    session["safeguard_reauth_at"] = 1
    session.save()
    response = client.post(
        reverse("organisations:role_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:reauth"))
    request.refresh_from_db()
    assert request.state == "pending"

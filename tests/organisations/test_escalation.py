"""Finding 3 of issue 17: an organisation admin gave themselves safeguarding
access by creating a member with the lead role and a password they chose, then
signing in as it. Only imports that exist before the fix, so this file runs
(and fails) on the old code too."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

CHOSEN = "admin-chosen-passphrase-2026"


@pytest.mark.parametrize("role", ["lead", "hr", "auditor"])
def test_admin_cannot_create_a_privileged_member_and_sign_in_as_it(world, role):
    world.client("admin").post(
        reverse("organisations:member_create"),
        {
            "username": "shadow",
            "first_name": "Shadow",
            "last_name": "Lead",
            "email": "shadow@example.org",
            "role": role,
            # The old form's temporary password; it must no longer do anything.
            "password": CHOSEN,
            "reason": "Covering the safeguarding lead's leave.",
        },
    )
    created = list(get_user_model().objects.filter(username__startswith="shadow"))
    assert created, "the account itself may be created"
    incident = world.objects["incident"]
    for user in created:
        assert not Client().login(username=user.username, password=CHOSEN)
        # Even signed in some other way, the account reads nothing until a lead approves.
        client = Client()
        client.force_login(user)
        assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404

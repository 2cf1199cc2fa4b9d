"""NUL bytes never reach PostgreSQL (which refuses them with a 500)."""

from __future__ import annotations

from django.urls import reverse


def test_nul_in_a_search_is_removed_not_a_server_error(world):
    response = world.client("hr").get(reverse("allegations:staff"), {"q": "Jo\x00nes"})
    assert response.status_code == 200
    response = world.client("manager").get(reverse("incidents:list"), {"q": "SG\x00"})
    assert response.status_code == 200


def test_nul_in_a_form_post_is_removed(world):
    from notifications.models import Notification

    incident = world.objects["incident"]
    notification = Notification.objects.get(incident=incident, rule_code="la_referral")
    response = world.client("manager").post(
        reverse("notifications:record", args=[notification.pk]),
        {"status": "not_needed", "reason": "Duty officer\x00 advised no referral."},
    )
    assert response.status_code == 302
    assert notification.outcomes.get().reason == "Duty officer advised no referral."

"""NUL bytes never reach PostgreSQL (which refuses them with a 500)."""

from __future__ import annotations

from django.urls import reverse


def test_nul_in_a_search_is_removed_not_a_server_error(world):
    response = world.client("hr").get(reverse("allegations:staff"), {"q": "Jo\x00nes"})
    assert response.status_code == 200
    response = world.client("manager").get(reverse("incidents:list"), {"q": "SG\x00"})
    assert response.status_code == 200


def test_nul_in_a_form_post_is_removed(world):
    incident = world.objects["incident"]
    response = world.client("manager").post(
        reverse("incidents:references_update", args=[incident.pk]),
        {
            "version": incident.version,
            "la_reference": "LA\x00-42",
            "police_reference": "",
            "cqc_reference": "",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.la_reference == "LA-42"

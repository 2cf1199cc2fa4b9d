"""A need-to-know grant to the subject of an allegation on the incident is
refused with a clear message (finding 7 of issue 17), not accepted silently."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incidents import services
from incidents.models import NeedToKnowGrant
from tests.allegations.factories import make_allegation, make_staff

MESSAGE = "is the subject of an allegation on this incident"


def test_the_service_refuses_a_grant_to_the_subject(world):
    incident = world.objects["restricted"]
    subject = world.users["manager_dom"]
    make_allegation(world.users["lead"], incident, make_staff(world, user=subject))
    incident.refresh_from_db()
    with pytest.raises(ValidationError, match=MESSAGE) as caught:
        services.grant_need_to_know(
            actor=world.users["lead"],
            incident=incident,
            user=subject,
            reason="Covering the rota",
            expected_version=incident.version,
        )
    assert "user" in caught.value.message_dict
    assert not NeedToKnowGrant.objects.filter(incident=incident, user=subject).exists()


def test_the_need_to_know_form_says_why(world):
    incident = world.objects["restricted"]
    subject = world.users["manager_dom"]
    make_allegation(world.users["lead"], incident, make_staff(world, user=subject))
    incident.refresh_from_db()
    response = world.client("lead").post(
        reverse("incidents:need_to_know", args=[incident.pk]),
        {
            "action": "grant",
            "user": subject.pk,
            "reason": "Covering the rota",
            "version": incident.version,
        },
    )
    assert MESSAGE in response.content.decode()
    assert not NeedToKnowGrant.objects.filter(incident=incident, user=subject).exists()
    # Someone else still can be named.
    other = world.users["manager"]
    services.grant_need_to_know(
        actor=world.users["lead"],
        incident=incident,
        user=other,
        reason="Registered manager",
        expected_version=incident.version,
    )

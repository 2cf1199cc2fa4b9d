"""A notification is visible exactly where its parent is."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from notifications.access import visible_notifications
from notifications.models import Notification
from tests.allegations import factories as af
from tests.notifications.factories import at, suspend

pytestmark = pytest.mark.django_db


def _allegation_with_dbs(world: Any) -> Any:
    a = af.allegation(world)
    suspend(world, a, at(2026, 11, 30, 10, 0))
    return a


def codes(user: Any, **filters: Any) -> set[str]:
    return set(visible_notifications(user).filter(**filters).values_list("rule_code", flat=True))


def test_hr_sees_the_dbs_clock_of_their_allegation_and_nothing_safeguarding(world: Any) -> None:
    a = _allegation_with_dbs(world)
    hr = world.users["hr"]
    assert codes(hr) == {"pipot", "dbs"}
    assert codes(world.users["lead"], incident=a.incident) == {
        "la_referral", "cqc", "police", "pipot", "dbs",
    }  # fmt: skip
    page = world.client("hr").get(reverse("allegations:detail", args=[a.pk]))
    html = page.content.decode()
    assert "DBS barring referral" in html and "Person in a Position of Trust" in html
    assert "CQC notification of abuse" not in html
    assert "Local-authority safeguarding referral" not in html
    assert af.SG_SECRET not in html
    # The incident's own notifications are a 404 for HR.
    cqc = Notification.objects.get(incident=a.incident, rule_code="cqc")
    assert world.client("hr").get(reverse("notifications:record", args=[cqc.pk])).status_code == 404
    dbs = Notification.objects.get(allegation=a, rule_code="dbs")
    assert world.client("hr").get(reverse("notifications:record", args=[dbs.pk])).status_code == 200


def test_subject_outsider_admin_and_auditor(world: Any) -> None:
    from tests.allegations.factories import subject_case

    incident = subject_case(world)
    for role in ("subject_manager", "subject_lead", "subject_hr", "subject_auditor"):
        assert not visible_notifications(world.users[role]).filter(incident=incident).exists()
    assert not visible_notifications(world.users["admin"]).exists()
    assert (
        not visible_notifications(world.users["outsider"]).filter(organisation=world.org).exists()
    )
    # The auditor reads unrestricted incidents, so their notifications, never an allegation's.
    _allegation_with_dbs(world)
    auditor = visible_notifications(world.users["auditor"])
    assert auditor.exists() and not auditor.filter(allegation__isnull=False).exists()


def test_manager_off_the_need_to_know_list_sees_nothing_of_a_restricted_incident(
    world: Any,
) -> None:
    a = af.allegation(world)  # the incident is restricted; manager_dom is not on its list
    assert not visible_notifications(world.users["manager_dom"]).filter(incident=a.incident)
    assert visible_notifications(world.users["manager"]).filter(allegation=a).exists()


def test_notifications_and_outcomes_are_append_only_in_the_database(world: Any) -> None:
    n = Notification.objects.filter(incident=world.objects["incident"]).first()
    assert n is not None
    for sql in (
        "UPDATE notifications_notification SET due_at = now() WHERE id = %s",
        "DELETE FROM notifications_notification WHERE id = %s",
    ):
        with pytest.raises(Exception), transaction.atomic(), connection.cursor() as c:  # noqa: B017
            c.execute(sql, [n.pk])
    assert Notification.objects.filter(pk=n.pk, due_at=n.due_at).exists()


def test_a_notification_cannot_belong_to_another_organisation(world: Any) -> None:
    incident = world.objects["incident"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            organisation=world.other_org,
            incident=incident,
            rule_code="commissioner",
            aware_at=incident.became_aware_at,
            due_at=incident.became_aware_at,
            clock="x",
        )


def test_incident_page_panel_offers_recording_only_to_who_may_record(world: Any) -> None:
    incident = world.objects["incident"]
    url = reverse("incidents:detail", args=[incident.pk])
    manager = world.client("manager").get(url).content.decode()
    assert "Statutory notifications" in manager
    assert "Local-authority safeguarding referral" in manager
    assert "Record sent or not needed" in manager and "Prepare CQC notification" in manager
    auditor = world.client("auditor").get(url).content.decode()
    assert "Local-authority safeguarding referral" in auditor
    assert "Record sent or not needed" not in auditor
    assert "Prepare CQC notification" not in auditor

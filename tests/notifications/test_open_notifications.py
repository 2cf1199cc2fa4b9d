"""The open-notification projection: kept by triggers, true to the records,
and what My work's notification list reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from notifications import open_notifications, services
from notifications.models import Notification, OpenNotification
from notifications.work import open_notifications as open_for
from tests.factories import make_incident


def _incident(world: Any) -> Any:
    when = timezone.now() - timedelta(days=2)
    return make_incident(
        world.users["manager"],
        world.home,
        categories=["neglect"],
        occurred_at=when,
        became_aware_at=when,
    )


def _send(world: Any, n: Notification, **kw: Any) -> None:
    services.record_outcome(
        actor=world.users["lead"],
        notification=n,
        status="sent",
        sent_at=n.incident.became_aware_at + timedelta(hours=1),
        sent_to="Hub",
        **kw,
    )


def test_a_notification_is_open_until_its_first_outcome_and_stays_closed(world: Any) -> None:
    incident = _incident(world)
    cqc = Notification.objects.get(incident=incident, rule_code="cqc")
    row = OpenNotification.objects.get(notification=cqc)
    assert (row.due_at, row.organisation_id) == (cqc.due_at, cqc.organisation_id)
    assert cqc in open_for(world.users["lead"])
    _send(world, cqc)
    assert not OpenNotification.objects.filter(notification=cqc).exists()
    assert cqc not in open_for(world.users["lead"])
    _send(world, cqc, correction_reason="Wrong team recorded.")  # a correction
    assert not OpenNotification.objects.filter(notification=cqc).exists()
    assert open_notifications.differences() == 0


def test_a_rolled_back_outcome_leaves_it_open(world: Any) -> None:
    cqc = Notification.objects.get(incident=_incident(world), rule_code="cqc")
    with pytest.raises(RuntimeError), transaction.atomic():
        _send(world, cqc)
        raise RuntimeError
    assert OpenNotification.objects.filter(notification=cqc).exists()


def test_check_and_rebuild_command(world: Any) -> None:
    cqc = Notification.objects.get(incident=_incident(world), rule_code="cqc")
    call_command("rebuild_open_notifications", "--check")
    with connection.cursor() as cur:  # someone deletes a row by hand
        cur.execute(
            f"DELETE FROM {open_notifications.TABLE} WHERE notification_id = %s",
            [cqc.pk],
        )
    assert open_notifications.differences() == 1
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_open_notifications", "--check")
    call_command("rebuild_open_notifications")
    assert OpenNotification.objects.filter(notification=cqc).exists()
    call_command("rebuild_open_notifications", "--check")

"""send_review_reminders: each manager, once a day, their own review points."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audits.quality.models import ReminderSent
from tests.oversight.conftest import make_decision_on


def _run(**kw: Any) -> str:
    out = StringIO()
    call_command("send_review_reminders", stdout=out, **kw)
    return out.getvalue()


def test_reminders_are_sent_once_per_day_per_manager(world: Any) -> None:
    today = timezone.localdate()
    decision = make_decision_on(
        world.users["manager"],
        world.objects["incident"],
        today - timedelta(days=10),
        review_date=today - timedelta(days=2),
    )
    output = _run()
    assert "1 sent" in output
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.users["manager"].email]
    assert decision.incident.reference in message.body
    assert "1 overdue" in message.subject
    # Names of adults at risk and record text stay out of email.
    person = decision.incident.people.first()
    assert person.family_name not in message.body
    assert decision.what_shared[:20] not in message.body

    output = _run()
    assert "0 sent, 1 already sent today" in output
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1

    tomorrow = (today + timedelta(days=1)).isoformat()
    _run(date=tomorrow)
    assert len(mail.outbox) == 2


def test_managers_with_nothing_due_get_nothing(world: Any) -> None:
    today = timezone.localdate()
    make_decision_on(
        world.users["manager"],
        world.objects["incident"],
        today,
        review_date=today + timedelta(days=60),
    )
    output = _run()
    assert "0 sent" in output and not mail.outbox
    assert not ReminderSent.objects.exists()


def test_a_failed_send_keeps_no_row_and_is_retried(world: Any, monkeypatch: Any) -> None:
    today = timezone.localdate()
    make_decision_on(
        world.users["manager"],
        world.objects["incident"],
        today - timedelta(days=3),
        review_date=today,
    )

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", boom)
    with pytest.raises(OSError):
        _run()
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert "1 sent" in _run()

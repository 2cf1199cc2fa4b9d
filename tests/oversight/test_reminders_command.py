"""send_review_reminders: the deprecated alias of send_reminders (review points
are one list of My work; tests/actions/test_my_work.py covers the reminders)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audits.quality.models import ReminderSent
from tests.oversight.conftest import make_decision_on


def test_the_old_command_says_it_is_deprecated_and_sends_the_digest(
    world: Any, settings: Any
) -> None:
    settings.SAFEGUARD_DIGEST_HOUR = 0
    today = timezone.localdate()
    decision = make_decision_on(
        world.users["manager"],
        world.objects["incident"],
        today - timedelta(days=10),
        review_date=today - timedelta(days=2),
    )
    out, err = StringIO(), StringIO()
    call_command("send_review_reminders", stdout=out, stderr=err)
    assert "deprecated" in err.getvalue() and "send_reminders" in err.getvalue()
    to_manager = [m for m in mail.outbox if m.to == [world.users["manager"].email]]
    digest = next(m for m in to_manager if "overdue and" in m.subject)
    assert decision.incident.reference in digest.body
    person = decision.incident.people.first()
    # The whole name (a family name alone may be the recipient's own: factories pick names).
    assert f"{person.given_name} {person.family_name}" not in digest.body
    assert decision.what_shared[:20] not in digest.body
    call_command("send_review_reminders", stdout=StringIO(), stderr=StringIO())
    assert ReminderSent.objects.filter(user=world.users["manager"]).count() == 1

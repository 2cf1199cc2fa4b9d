"""A statutory clock that passes its deadline is overdue on My work, the home
page and in the email within one run of ``send_reminders``, and a second run
sends nothing again (issue 22's acceptance, for notifications themselves)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.notifications import factories as nf

pytestmark = pytest.mark.django_db

CQC = "CQC notification of abuse or allegation of abuse"


def _overdue_part(page: str) -> str:
    start = page.find('id="overdue-heading"')
    end = page.find('id="due-heading"')
    return page[start : end if end > start else len(page)] if start >= 0 else ""


def test_a_passed_clock_is_overdue_everywhere_within_one_run(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_DIGEST_HOUR = 0
    lead = world.users["lead"]
    # Aware 25 hours ago: CQC's 24-hour clock has just run out.
    inc = nf.incident(world, ["physical"], timezone.now() - timedelta(hours=25))
    cqc = Notification.objects.get(incident=inc, rule_code="cqc")
    assert cqc.due_at < timezone.now()

    client = world.client("lead")
    overdue = _overdue_part(client.get(reverse("my_work")).content.decode())
    assert inc.reference in overdue and CQC in overdue
    home = client.get(reverse("home")).content.decode()
    assert 'id="my-work-counts"' in home and "overdue" in home

    call_command("send_reminders", stdout=StringIO())
    to_lead = [m for m in mail.outbox if m.to == [lead.email]]
    warning = next(m for m in to_lead if "now overdue" in m.subject)
    assert CQC in warning.body and inc.reference in warning.body
    digest = next(m for m in to_lead if "overdue and" in m.subject)
    assert digest.body.index(inc.reference) > digest.body.index("OVERDUE:")
    # The person and what happened never leave in an email.
    for message in to_lead:
        assert "Marsh" not in message.body and inc.what_happened[:20] not in message.body

    sent = len(mail.outbox)
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == sent

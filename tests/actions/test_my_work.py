"""My work, the home page's counts and send_reminders read the same lists:
an item past its deadline shows as overdue on all three within one run, the
command never sends the same email twice, and no email carries record text."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audits.quality.models import BreachWarningSent, ReminderSent
from tests.actions import factories as f


def _run(at: datetime | None = None) -> str:
    out = StringIO()
    kw = {"at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")} if at else {}
    call_command("send_reminders", stdout=out, **kw)
    return out.getvalue()


@pytest.fixture
def after_digest_hour(settings: Any) -> None:
    settings.SAFEGUARD_DIGEST_HOUR = 0


def _mail_to(user: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_deadline_passing_shows_overdue_everywhere_within_one_run(
    world: Any, after_digest_hour: None
) -> None:
    manager = world.users["manager"]
    action = f.agree(world, "manager", "decision", f.decision(world), due=timezone.localdate())
    client = world.client("manager")
    page = client.get(reverse("my_work")).content.decode()
    assert action.reference in page and "Overdue</h2>" not in page

    # The next morning, one run of the command: warned, and overdue in the digest.
    tomorrow = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time(9))
    )
    _run(at=tomorrow)
    warning, digest = _mail_to(manager)
    # The world's incidents' notification clocks may have passed by then too (when
    # this runs before 11 am: they were started two hours before the world was
    # built): the emails count what they list, and the action is among them.
    listed = [line for line in warning.body.splitlines() if line.startswith("- due ")]
    assert any(action.reference in line for line in listed)
    items = "1 item" if len(listed) == 1 else f"{len(listed)} items"
    assert f"{items} now overdue" in warning.subject
    assert f"{len(listed)} overdue" in digest.subject
    assert digest.body.index(action.reference) > digest.body.index("OVERDUE:")

    # An action whose date has passed is overdue on the page and the home page.
    overdue = f.overdue(world, "manager", f.decision(world))
    page = client.get(reverse("my_work")).content.decode()
    assert "Overdue</h2>" in page
    assert page.index(overdue.reference) < page.index(action.reference)  # most urgent first
    home = client.get(reverse("home")).content.decode()
    assert 'id="my-work-counts"' in home and "1 overdue" in home


def test_running_twice_sends_nothing_twice(world: Any, after_digest_hour: None) -> None:
    f.overdue(world, "manager", f.decision(world))
    _run()
    sent = len(mail.outbox)
    assert len(_mail_to(world.users["manager"])) == 2  # a warning and a digest
    output = _run()
    assert len(mail.outbox) == sent
    assert "0 items warned overdue, 0 digests sent" in output
    assert BreachWarningSent.objects.filter(user=world.users["manager"]).count() == 1
    assert ReminderSent.objects.filter(user=world.users["manager"]).count() == 1

    # A second item going overdue is warned about alone; no second digest today.
    second = f.overdue(world, "manager", f.meeting(world), kind="meeting", days=1)
    _run()
    new = mail.outbox[sent:]
    to_manager = [m for m in new if m.to == [world.users["manager"].email]]
    assert len(to_manager) == 1 and "1 item now overdue" in to_manager[0].subject
    assert all(second.reference in m.body for m in new)
    assert not any("overdue and" in m.subject for m in new)  # no second digest today


def test_no_record_text_in_any_email(world: Any, after_digest_hour: None) -> None:
    decision = f.decision(world)
    f.overdue(world, "manager", decision)
    f.agree(world, "manager", "decision", decision, owner="lead")
    _run()
    assert mail.outbox
    incident = world.objects["incident"]
    person = incident.people.first()
    for message in mail.outbox:
        text = f"{message.subject} {message.body}"
        assert f.SECRET[:20] not in text
        assert decision.what_shared[:20] not in text and decision.reasoning[:20] not in text
        assert incident.what_happened[:20] not in text
        assert f"{person.given_name} {person.family_name}" not in text


def test_a_failed_send_keeps_no_row_and_is_retried(
    world: Any, after_digest_hour: None, monkeypatch: Any
) -> None:
    f.overdue(world, "manager", f.decision(world))

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", boom)
    with pytest.raises(OSError):
        _run()
    assert not BreachWarningSent.objects.exists() and not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert "0 digests sent" not in _run()
    assert BreachWarningSent.objects.filter(user=world.users["manager"]).exists()


def test_no_digest_before_the_digest_hour(world: Any, settings: Any) -> None:
    settings.SAFEGUARD_DIGEST_HOUR = 7
    f.overdue(world, "manager", f.decision(world))
    early = timezone.make_aware(datetime.combine(timezone.localdate(), time(6, 30)))
    output = _run(at=early)
    assert "0 digests sent" in output
    assert not ReminderSent.objects.exists()
    assert BreachWarningSent.objects.filter(user=world.users["manager"]).exists()  # at once
    _run(at=early.replace(hour=7, minute=5))
    assert ReminderSent.objects.filter(user=world.users["manager"]).count() == 1


def test_a_lead_sees_every_overdue_action_they_may_see_a_manager_only_their_own(
    world: Any,
) -> None:
    theirs = f.overdue(world, "manager", f.decision(world))
    lead_page = world.client("lead").get(reverse("my_work")).content.decode()
    assert theirs.reference in lead_page
    dom_page = world.client("manager_dom").get(reverse("my_work")).content.decode()
    assert theirs.reference not in dom_page and "Nothing is overdue" in dom_page


def test_review_points_are_a_list_of_my_work(world: Any) -> None:
    from tests.oversight.conftest import make_decision_on

    today = timezone.localdate()
    decision = make_decision_on(
        world.users["manager"], world.objects["incident"], today - timedelta(days=10),
        review_date=today - timedelta(days=1),
    )  # fmt: skip
    page = world.client("manager").get(reverse("my_work")).content.decode()
    assert reverse("disclosures:review", args=[decision.pk]) in page
    assert "Review point of disclosure decision" in page


def test_my_work_needs_the_same_queries_at_one_and_at_twenty_records(world: Any) -> None:
    lead = world.users["lead"]
    decision = f.decision(world)
    # One of each: an overdue action of the organisation and one due of the lead's own.
    f.overdue(world, "manager", decision)
    f.agree(world, "lead", "decision", decision)
    client = world.client("lead")
    client.get(reverse("my_work"))  # warm: session, membership

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("my_work"))
    for _ in range(19):
        f.overdue(world, "manager", decision)
        f.agree(world, "lead", "decision", decision)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(reverse("my_work")).status_code == 200
    assert len(twenty) == len(one), (len(one), len(twenty))
    assert lead  # the lead's own and the organisation's overdue actions were both listed


def test_a_capped_due_count_does_not_mark_the_overdue_count_capped(
    world: Any, monkeypatch: Any
) -> None:
    """Each count says "+" only when it stopped at the cap itself."""
    from organisations import work

    monkeypatch.setattr(work, "COUNT_CAP", 1)
    today = timezone.localdate()
    for _ in range(2):
        f.agree(world, "manager", "decision", f.decision(world), due=today)
    page = world.client("manager").get(reverse("my_work")).content.decode()
    assert "0 overdue" in page and "0+ overdue" not in page
    assert "1+ due" in page


def test_a_list_that_is_not_the_users_is_not_shown(world: Any) -> None:
    """Pattern alerts are a lead's: a manager's My work has no box for them."""
    manager_page = world.client("manager").get(reverse("my_work")).content.decode()
    lead_page = world.client("lead").get(reverse("my_work")).content.decode()
    assert "Pattern alerts</strong>" not in manager_page
    assert "Pattern alerts</strong>" in lead_page


def test_lists_a_role_never_has_are_not_shown(world: Any) -> None:
    """An organisation admin has no deadlines here at all; HR and auditors chase
    no review points. Their pages have no box for such a list, as if it were
    merely empty today."""
    pages = {
        role: world.client(role).get(reverse("my_work")).content.decode()
        for role in ("admin", "hr", "auditor", "manager")
    }
    boxes = {
        role: {
            title
            for title in ("Review points", "Statutory notifications", "Agreed actions")
            if f"{title}</strong>" in page
        }
        for role, page in pages.items()
    }
    assert boxes == {
        "admin": set(),
        "hr": {"Statutory notifications", "Agreed actions"},
        "auditor": {"Statutory notifications", "Agreed actions"},
        "manager": {"Review points", "Statutory notifications", "Agreed actions"},
    }
    assert "Nothing is overdue or due" in pages["admin"]

"""Two people changing the same thing at once: one wins, the other is told.
Many people logging incidents at once: every reference is unique."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from incidents import services as incident_services
from incidents.models import Incident, NeedToKnowGrant, StatusTransition
from organisations.models import Role
from tests.factories import make_incident, member
from tests.reliability.support import committed_db

pytestmark = [pytest.mark.reliability, committed_db]

STALE = "Someone else changed this incident while you were working on it."


def run_together(*jobs: Callable[[], Any], timeout: float = 30) -> list[Any]:
    """Run each job in its own thread (own database connection), released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = job()
        except BaseException as exc:  # re-raised below, in the test's thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a concurrent job did not finish"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_concurrent_status_changes_one_wins(world: Any) -> None:
    incident = world.objects["incident"]
    url = reverse("incidents:status_change", args=[incident.pk])
    manager, lead = _client(world.users["manager"]), _client(world.users["lead"])
    seen = {"version": str(incident.version), "reason": "Reviewed with the lead."}

    pages = run_together(
        lambda: manager.post(url, {**seen, "to_status": "under_enquiry"}, follow=True),
        lambda: lead.post(
            url, {**seen, "to_status": "closed", "closure_outcome": "risk_removed"}, follow=True
        ),
    )

    bodies = [page.content.decode() for page in pages]
    assert all(page.status_code == 200 for page in pages)
    assert sum("Status changed to" in body for body in bodies) == 1
    assert sum(STALE in body for body in bodies) == 1
    incident.refresh_from_db()
    assert incident.version == 2
    changes = StatusTransition.objects.filter(incident=incident).exclude(from_status="")
    assert changes.count() == 1
    assert changes.get().to_status == incident.status


def test_a_stale_status_form_is_told_even_when_its_choice_is_now_invalid(world: Any) -> None:
    incident = world.objects["incident"]
    url = reverse("incidents:status_change", args=[incident.pk])
    stale_version = str(incident.version)
    lead = _client(world.users["lead"])
    lead.post(
        url,
        {
            "version": stale_version,
            "to_status": "closed",
            "closure_outcome": "risk_removed",
            "reason": "Resolved.",
        },
    )
    # Under enquiry is no longer a valid choice from closed; the manager's
    # form is out of date, and that is what they need to hear.
    page = _client(world.users["manager"]).post(
        url,
        {"version": stale_version, "to_status": "under_enquiry", "reason": "Escalating."},
        follow=True,
    )
    assert STALE in page.content.decode()
    incident.refresh_from_db()
    assert incident.status == "closed"


def test_two_leads_editing_the_need_to_know_list_at_once(world: Any) -> None:
    incident = world.objects["incident"]
    second_lead = member(world.org, Role.LEAD, username="lead2")
    url = reverse("incidents:need_to_know", args=[incident.pk])
    version = str(incident.version)

    pages = run_together(
        lambda: _client(world.users["lead"]).post(
            url, {"version": version, "user": world.users["manager_dom"].pk, "reason": "Covers."}
        ),
        lambda: _client(second_lead).post(
            url, {"version": version, "user": world.users["auditor"].pk, "reason": "Audit."}
        ),
    )

    assert sorted(page.status_code for page in pages) == [200, 302]
    loser = next(page for page in pages if page.status_code == 200)
    assert STALE in loser.content.decode()
    assert NeedToKnowGrant.objects.filter(incident=incident).count() == 1


def test_a_revoke_and_a_grant_at_once_one_wins_the_other_is_told(world: Any) -> None:
    incident = world.objects["incident"]
    lead, second_lead = world.users["lead"], member(world.org, Role.LEAD, username="lead2")
    grant = incident_services.grant_need_to_know(
        actor=lead,
        incident=incident,
        user=world.users["manager_dom"],
        reason="Covers nights.",
        expected_version=incident.version,
    )
    version = incident.version  # both leads opened the list at this version
    revoke_url = reverse("incidents:need_to_know_revoke", args=[incident.pk, grant.pk])

    revoked, granted = run_together(
        lambda: _client(lead).post(
            revoke_url, {"version": version, "revoke_reason": "Moved to days."}, follow=True
        ),
        lambda: _client(second_lead).post(
            reverse("incidents:need_to_know", args=[incident.pk]),
            {"version": version, "user": world.users["auditor"].pk, "reason": "Audit."},
        ),
    )

    grant.refresh_from_db()
    revoke_won = grant.revoked_at is not None
    grant_won = NeedToKnowGrant.objects.filter(user=world.users["auditor"]).exists()
    assert revoke_won != grant_won, "exactly one change goes through"
    if revoke_won:
        assert "Access revoked." in revoked.content.decode()
        assert granted.status_code == 200 and STALE in granted.content.decode()
    else:
        assert granted.status_code == 302
        assert STALE in revoked.content.decode()
    incident.refresh_from_db()
    assert incident.version == version + 1


def test_concurrent_incident_creation_gives_unique_references(world: Any) -> None:
    managers = [world.users["manager"], world.users["lead"]]
    count = 8
    before = set(Incident.objects.values_list("reference", flat=True))

    created = run_together(
        *[
            (lambda actor=managers[i % 2]: make_incident(actor, world.home).reference)
            for i in range(count)
        ]
    )

    assert len(set(created)) == count
    assert not set(created) & before
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in created)
    highest_before = max(int(ref.rsplit("-", 1)[1]) for ref in before if ref.startswith("SG-"))
    # No gaps and no duplicates: the counter hands out each number once.
    assert numbers == list(range(highest_before + 1, highest_before + 1 + count))
    for incident in Incident.objects.filter(reference__in=created):
        assert incident.transitions.count() == 1


def test_a_refused_need_to_know_grant_shows_the_form_again(world: Any) -> None:
    # Regression: the error page must not query a transaction marked for rollback.
    incident = world.objects["incident"]
    url = reverse("incidents:need_to_know", args=[incident.pk])
    lead = _client(world.users["lead"])
    grant = {"user": world.users["manager_dom"].pk, "reason": "Covers nights."}
    assert lead.post(url, {**grant, "version": incident.version}).status_code == 302
    incident.refresh_from_db()
    again = lead.post(url, {**grant, "version": incident.version})
    assert again.status_code == 200
    assert "already on the need-to-know list" in again.content.decode()


def test_the_same_incident_form_posted_twice_at_once_logs_one_incident(world: Any) -> None:
    """A double click on "Log incident" after confirming earlier concerns: both
    requests are answered with the same incident, and one acknowledgement is
    recorded (incidents/prior.py: the form's one-time key, an advisory lock)."""
    import re
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from incidents.models import PriorConcernAcknowledgement

    earlier = world.objects["incident"]
    person = earlier.people.get()
    data = {
        "service": world.home.pk,
        "people": [person.pk],
        "categories": ["neglect"],
        "summary": "Double-clicked concern",
        "what_happened": "Evening medication not given; found at 22:00.",
        "became_aware_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "raised_by": "B. Night, care worker",
        "risk_level": "medium",
        "submission": str(uuid.uuid4()),
    }
    url = reverse("incidents:create")
    page = _client(world.users["manager"]).post(url, data).content.decode()
    shown = re.search(r'name="prior_shown" value="([^"]*)"', page)
    assert shown is not None
    data |= {"acknowledge_prior": "on", "prior_shown": shown.group(1)}
    clients = [_client(world.users["manager"]) for _ in range(2)]
    replies = run_together(*[(lambda c=c: c.post(url, data)) for c in clients])
    assert [r.status_code for r in replies] == [302, 302]
    assert replies[0]["Location"] == replies[1]["Location"]
    new = Incident.objects.get(summary="Double-clicked concern")
    ack = PriorConcernAcknowledgement.objects.get(incident=new)
    assert list(ack.shown.values_list("pk", flat=True)) == [earlier.pk]

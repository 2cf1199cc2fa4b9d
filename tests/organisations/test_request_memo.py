"""The reader's access lists are read once per request, and a write in the
request makes the next rule read them afresh (organisations/request_memo.py)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import access, services
from incidents.models import ExclusionSource
from organisations.request_memo import remembered, request_scope


def _reads_of(table: str, column: str, queries: list[dict[str, Any]]) -> int:
    """Queries reading only ``column`` of ``table``: the id lists of the rule."""
    return sum(
        q["sql"].startswith(f'SELECT "{table}"."{column}" AS "{column}" FROM "{table}"')
        for q in queries
    )


def test_outside_a_request_nothing_is_kept() -> None:
    calls: list[int] = []
    for _ in range(2):
        remembered("k", lambda: calls.append(1))
    assert len(calls) == 2


def test_inside_a_request_an_answer_is_read_once() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with request_scope():
        for _ in range(3):
            remembered("k", compute)
        assert remembered("k", lambda: 99) == 1
    assert remembered("k", lambda: 99) == 99  # the scope ended with the request


def test_a_page_reads_the_readers_exclusions_once(world: Any) -> None:
    """My work builds the incident rule for each of its lists."""
    client = world.client("lead")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("my_work")).status_code == 200
    assert _reads_of("incidents_incidentexclusion", "incident_id", ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert world.client("manager").get(reverse("my_work")).status_code == 200
    assert _reads_of("incidents_needtoknowgrant", "incident_id", ctx.captured_queries) == 1
    assert _reads_of("organisations_membership_services", "service_id", ctx.captured_queries) == 1


def test_a_write_within_the_request_is_seen_by_the_next_rule(world: Any) -> None:
    """An exclusion written mid-request (an allegation recorded, a login linked)
    takes effect for the rest of that request, not just the next one."""
    manager, lead = world.users["manager"], world.users["lead"]
    incident = world.objects["incident"]
    with request_scope():
        assert access.visible_incidents(manager).filter(pk=incident.pk).exists()
        services.exclude_from_incident(
            actor=lead,
            incident=incident,
            user=manager,
            source=ExclusionSource.ALLEGATION,
            reason="Subject of an allegation.",
        )
        assert not access.visible_incidents(manager).filter(pk=incident.pk).exists()


def test_a_grant_revoked_within_the_request_is_seen_by_the_next_rule(world: Any) -> None:
    restricted = world.objects["restricted"]
    lead, auditor = world.users["lead"], world.users["auditor"]
    grant = services.grant_need_to_know(
        actor=lead,
        incident=restricted,
        user=auditor,
        reason="Audit of this incident.",
        expected_version=restricted.version,
    )
    restricted.refresh_from_db()
    with request_scope():
        assert access.visible_incidents(auditor).filter(pk=restricted.pk).exists()
        services.revoke_need_to_know(
            actor=lead,
            grant=grant,
            reason="Audit finished.",
            expected_version=restricted.version,
        )
        assert not access.visible_incidents(auditor).filter(pk=restricted.pk).exists()


def test_a_service_taken_from_a_manager_within_the_request_is_seen(world: Any) -> None:
    manager = world.users["manager"]
    incident = world.objects["incident"]
    with request_scope():
        assert access.visible_incidents(manager).filter(pk=incident.pk).exists()
        manager.membership.services.clear()  # a many-to-many write
        assert not access.visible_incidents(manager).filter(pk=incident.pk).exists()


def test_a_record_page_logging_its_view_reads_the_readers_lists_once(world: Any) -> None:
    """The incident page writes its access entry before it builds the page: the
    audit trail declares it never narrows access, so the lists are not read again."""
    url = reverse("incidents:detail", args=[world.objects["incident"].pk])
    with CaptureQueriesContext(connection) as ctx:
        assert world.client("manager").get(url).status_code == 200
    assert any(q["sql"].startswith('INSERT INTO "audits_auditentry"') for q in ctx.captured_queries)
    assert _reads_of("incidents_incidentexclusion", "incident_id", ctx.captured_queries) == 1
    assert _reads_of("incidents_needtoknowgrant", "incident_id", ctx.captured_queries) == 1


def test_a_grant_rolled_back_within_the_request_is_not_remembered(world: Any) -> None:
    """A write may be undone (a service failing after it granted access): what
    was read after it must not outlive it in the memo."""
    from django.db import transaction

    restricted = world.objects["restricted"]
    lead, auditor = world.users["lead"], world.users["auditor"]
    with request_scope():
        try:
            with transaction.atomic():
                services.grant_need_to_know(
                    actor=lead,
                    incident=restricted,
                    user=auditor,
                    reason="Audit of this incident.",
                    expected_version=restricted.version,
                )
                assert access.visible_incidents(auditor).filter(pk=restricted.pk).exists()
                raise RuntimeError("the rest of the service failed")
        except RuntimeError:
            pass
        assert not access.visible_incidents(auditor).filter(pk=restricted.pk).exists()

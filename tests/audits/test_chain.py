"""verify_audit_chain: passes on an honest log, names the first entry that fails."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audits.chain import chain_pending, verify_chain
from audits.models import GENESIS_HASH, AuditEntry, ChainLink
from incidents import services
from tests.factories import make_incident


def run_verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def some_history(world):
    incident = world.objects["incident"]
    services.change_status(
        actor=world.users["manager"],
        incident=incident,
        to_status="under_enquiry",
        reason="Enquiry opened.",
        expected_version=incident.version,
    )
    make_incident(world.users["manager"], world.home)
    world.client("lead").get(f"/incidents/{incident.pk}/")
    chain_pending()  # as the commit would
    return list(AuditEntry.objects.order_by("id").values_list("id", flat=True))


def test_verify_passes_and_prints_count_and_head(some_history):
    output = run_verify()
    links = list(ChainLink.objects.order_by("seq"))
    assert len(links) == len(some_history) == AuditEntry.objects.count()
    assert f"Verified {len(links)} audit entries." in output
    assert links[-1].hash in output
    assert links[0].prev_hash == GENESIS_HASH
    # The chain order is the order of insertion within one transaction.
    assert [link.entry_id for link in links] == some_history


def test_altered_entry_is_named(some_history, triggers_off):
    victim = some_history[len(some_history) // 2]
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE audits_auditentry SET view = 'nothing to see' WHERE id = %s", [victim]
        )
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert f"entry #{victim} " in str(exc.value)
    assert "altered" in str(exc.value)


def test_entry_altered_together_with_its_hashes_is_named(some_history, triggers_off):
    """Rewriting the content hash and the link too still breaks the next link."""
    victim = some_history[2]
    entry = AuditEntry.objects.get(pk=victim)
    entry.view = "forged"
    forged = entry.compute_content_hash()
    link = ChainLink.objects.get(entry_id=victim)
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE audits_auditentry SET view = 'forged', content_hash = %s WHERE id = %s",
            [forged, victim],
        )
        cursor.execute(
            "UPDATE audits_chainlink SET entry_hash = %s, hash = %s WHERE seq = %s",
            [forged, ChainLink.link_hash(link.prev_hash, forged), link.seq],
        )
    report = verify_chain()
    assert not report.ok
    assert report.entry_id == some_history[3]
    assert "does not follow" in report.problem


def test_removed_entry_and_link_are_detected_at_the_next_entry(some_history, triggers_off):
    victim, after = some_history[1], some_history[2]
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audits_chainlink WHERE entry_id = %s", [victim])
        cursor.execute("DELETE FROM audits_auditentry WHERE id = %s", [victim])
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert f"entry #{after} " in str(exc.value)
    assert "removed or altered" in str(exc.value)


def test_removed_entry_alone_is_named(some_history, triggers_off):
    victim = some_history[0]
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM audits_auditentry WHERE id = %s", [victim])
    report = verify_chain()
    assert report.entry_id == victim
    assert "removed" in report.problem
    with triggers_off() as cursor:  # let the test's own foreign-key check pass at teardown
        cursor.execute("DELETE FROM audits_chainlink WHERE entry_id = %s", [victim])


def test_entry_slipped_in_without_the_trigger_is_named(some_history, triggers_off):
    template = AuditEntry.objects.get(pk=some_history[0])
    with triggers_off() as cursor:
        cursor.execute(
            """INSERT INTO audits_auditentry (content_type_id, object_pk, object_repr, action,
               changes_text, timestamp, organisation_id, view, content_hash)
               VALUES (%s, '1', 'Incident #1', 3, '', now(), %s, 'forged', '')
               RETURNING id""",
            [template.content_type_id, template.organisation_id],
        )
        (forged_id,) = cursor.fetchone()
    report = verify_chain()
    assert report.entry_id == forged_id
    assert "not in the chain" in report.problem


def test_anchor_must_still_be_in_the_chain(some_history, triggers_off):
    head = verify_chain().head_hash
    assert "Verified" in run_verify("--anchor", head)
    with pytest.raises(CommandError, match="anchor hash"):
        run_verify("--anchor", "f" * 64)


def test_seed_demo_then_verify_passes_and_records_the_command(db):
    call_command("seed_demo", stdout=StringIO())
    output = run_verify()
    assert "Verified" in output
    demo_entries = AuditEntry.objects.filter(view="command:seed_demo")
    # Everything but the demo's page views ("incident") is marked as the command's.
    assert AuditEntry.objects.exclude(view__in=["command:seed_demo", "incident"]).count() == 0
    assert demo_entries.count() > 20
    # Incidents were written as the demo manager, organisation set-up as system.
    assert demo_entries.filter(actor__username="manager").exists()
    assert demo_entries.filter(actor__isnull=True).first().actor_label == "System (seed demo)"


def test_seed_demo_actor_option(db):
    from organisations.models import Organisation
    from tests.factories import UserFactory

    UserFactory(username="operator")
    call_command("seed_demo", "--actor", "operator", stdout=StringIO())
    organisation = Organisation.objects.get()
    created = AuditEntry.objects.get_for_object(organisation).get(action=AuditEntry.Action.CREATE)
    assert created.actor.username == "operator" and created.view == "command:seed_demo"
    with pytest.raises(CommandError, match="No such user"):
        call_command("seed_demo", "--actor", "nobody-here", stdout=StringIO())


def test_acting_as_nests(world):
    """auditlog's set_actor loses the outer actor after a nested block; ours does not."""
    from organisations.audit import acting_as, log_access

    manager, lead = world.users["manager"], world.users["lead"]
    incident = world.objects["incident"]
    with acting_as(manager):
        log_access(incident, view="one")
        with acting_as(lead):
            log_access(incident, view="two")
        log_access(incident, view="three")
    log_access(incident, view="four")
    actors = dict(
        AuditEntry.objects.filter(view__in=["one", "two", "three", "four"]).values_list(
            "view", "actor__username"
        )
    )
    assert actors == {"one": "manager", "two": "lead", "three": "manager", "four": None}

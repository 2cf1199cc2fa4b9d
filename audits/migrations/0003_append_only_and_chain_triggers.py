"""Make the audit trail append-only and chain it at commit, in the database.

- UPDATE and DELETE on entries and chain links raise, always.
- TRUNCATE raises, except in a database named ``test_*`` whose session has set
  ``safeguard.allow_audit_truncate = on``: pytest-django's transactional tests
  empty every table with TRUNCATE between tests, and only the test harness
  (tests/conftest.py) sets that. A production database is never named test_*.
- A deferred constraint trigger appends each new entry to the chain when its
  transaction commits, under an advisory lock, so concurrent processes
  serialise only for that moment and the chain never forks (``seq`` is also
  the primary key).

Rows written before this migration (development databases) are redacted,
hashed and chained first, in id order.
"""

from django.db import migrations

LOCK_KEY = 1526636753  # arbitrary, fixed: "the audit chain" advisory lock

TRIGGERS = f"""
CREATE OR REPLACE FUNCTION audits_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audits_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('safeguard.allow_audit_truncate', true), '') = 'on'
       AND current_database() LIKE 'test\\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: TRUNCATE on % refused.', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audits_chain_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    SELECT seq, hash INTO last_seq, last_hash
        FROM audits_chainlink ORDER BY seq DESC LIMIT 1;
    IF last_seq IS NULL THEN
        last_seq := 0;
        last_hash := repeat('0', 64);
    END IF;
    INSERT INTO audits_chainlink (seq, entry_id, prev_hash, entry_hash, hash)
    VALUES (
        last_seq + 1, NEW.id, last_hash, NEW.content_hash,
        encode(sha256(convert_to(last_hash || NEW.content_hash, 'UTF8')), 'hex')
    );
    RETURN NULL;
END $$;

CREATE TRIGGER audits_entry_append_only BEFORE UPDATE OR DELETE ON audits_auditentry
    FOR EACH ROW EXECUTE FUNCTION audits_refuse_change();
CREATE TRIGGER audits_entry_no_truncate BEFORE TRUNCATE ON audits_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audits_refuse_truncate();
CREATE TRIGGER audits_link_append_only BEFORE UPDATE OR DELETE ON audits_chainlink
    FOR EACH ROW EXECUTE FUNCTION audits_refuse_change();
CREATE TRIGGER audits_link_no_truncate BEFORE TRUNCATE ON audits_chainlink
    FOR EACH STATEMENT EXECUTE FUNCTION audits_refuse_truncate();
CREATE CONSTRAINT TRIGGER audits_chain_on_commit AFTER INSERT ON audits_auditentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audits_chain_entry();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audits_chain_on_commit ON audits_auditentry;
DROP TRIGGER IF EXISTS audits_link_no_truncate ON audits_chainlink;
DROP TRIGGER IF EXISTS audits_link_append_only ON audits_chainlink;
DROP TRIGGER IF EXISTS audits_entry_no_truncate ON audits_auditentry;
DROP TRIGGER IF EXISTS audits_entry_append_only ON audits_auditentry;
DROP FUNCTION IF EXISTS audits_chain_entry();
DROP FUNCTION IF EXISTS audits_refuse_truncate();
DROP FUNCTION IF EXISTS audits_refuse_change();
"""


def seal_legacy_entries(apps, schema_editor):
    # The live models: hashing must be exactly what verify_audit_chain checks.
    from django.apps import apps as live_apps

    from audits import redaction
    from audits.models import GENESIS_HASH, AuditEntry, ChainLink

    prev, seq = GENESIS_HASH, 0
    for entry in AuditEntry.objects.select_related("content_type").order_by("id").iterator():
        ct = entry.content_type
        model = live_apps.get_model(ct.app_label, ct.model, require_ready=False)
        pk = entry.object_pk or None
        entry.object_repr = redaction.label_for(model, pk)
        changes = entry.changes if isinstance(entry.changes, dict) else None
        if changes:
            for name, change in list(changes.items()):
                # auditlog named related objects by __str__ (people's names).
                if isinstance(change, dict) and change.get("type") == "m2m":
                    objects = [redaction.fingerprint(o) for o in change.get("objects", [])]
                    changes[name] = {**change, "objects": objects}
            changes = redaction.redact_changes(model, changes)
        entry.changes = changes
        entry.serialized_data = None
        entry.changes_text = ""
        entry.additional_data = None
        entry.content_hash = entry.compute_content_hash()
        AuditEntry.objects.filter(pk=entry.pk).update(
            object_repr=entry.object_repr,
            changes=entry.changes,
            serialized_data=None,
            changes_text="",
            additional_data=None,
            content_hash=entry.content_hash,
        )
        seq += 1
        link = ChainLink.link_hash(prev, entry.content_hash)
        ChainLink.objects.create(
            seq=seq, entry_id=entry.pk, prev_hash=prev, entry_hash=entry.content_hash, hash=link
        )
        prev = link


class Migration(migrations.Migration):
    dependencies = [("audits", "0002_hash_chain")]

    operations = [
        migrations.RunPython(seal_legacy_entries, migrations.RunPython.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]

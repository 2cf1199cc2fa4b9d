"""Two things, one transaction:

- Every organisation-owned row of this app keeps its parent's organisation
  (organisations/owned.py): existing rows are checked first (the migration
  stops, naming them, if any breaks the rule), then a trigger per table
  refuses new ones.
- The audit log's append-only triggers, hand-written in 0003, are declared
  with the models through ``organisations.append_only`` like every other
  append-only table: the new triggers are added, then 0003's are dropped, so
  UPDATE, DELETE and TRUNCATE are refused throughout. The chaining trigger
  (``audits_chain_on_commit``) stays as it is. Nothing is rewritten.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from organisations.owned import check_existing_rows

# 0003's append-only triggers and their functions (not the chaining trigger).
DROP_HAND_WRITTEN = """
DROP TRIGGER audits_entry_append_only ON audits_auditentry;
DROP TRIGGER audits_entry_no_truncate ON audits_auditentry;
DROP TRIGGER audits_link_append_only ON audits_chainlink;
DROP TRIGGER audits_link_no_truncate ON audits_chainlink;
DROP FUNCTION audits_refuse_change();
DROP FUNCTION audits_refuse_truncate();
"""

RESTORE_HAND_WRITTEN = """
CREATE FUNCTION audits_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION audits_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('safeguard.allow_audit_truncate', true), '') = 'on'
       AND current_database() LIKE 'test\\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: TRUNCATE on % refused.', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audits_entry_append_only BEFORE UPDATE OR DELETE ON audits_auditentry
    FOR EACH ROW EXECUTE FUNCTION audits_refuse_change();
CREATE TRIGGER audits_entry_no_truncate BEFORE TRUNCATE ON audits_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audits_refuse_truncate();
CREATE TRIGGER audits_link_append_only BEFORE UPDATE OR DELETE ON audits_chainlink
    FOR EACH ROW EXECUTE FUNCTION audits_refuse_change();
CREATE TRIGGER audits_link_no_truncate BEFORE TRUNCATE ON audits_chainlink
    FOR EACH STATEMENT EXECUTE FUNCTION audits_refuse_truncate();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0102_incident_history_index'),
    ]

    operations = [
        check_existing_rows("audits", {"AuditAction": ("audit", "sample"), "RecordScore": ("sample",), "SampledRecord": ("audit",)}),
        pgtrigger.migrations.AddTrigger(
            model_name='auditaction',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."audit_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "audits_qualityaudit" p WHERE p."id" = NEW."audit_id")) OR (NEW."sample_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "audits_sampledrecord" p WHERE p."id" = NEW."sample_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='329c741137e2b16e66f944e84e71d3abf4f43b28', operation='INSERT OR UPDATE OF "organisation_id", "audit_id", "sample_id"', pgid='pgtrigger_same_organisation_31fe9', table='audits_auditaction', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditentry',
            trigger=pgtrigger.compiler.Trigger(name='audit_entry_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='8ebd3b4c56a97058908e7eea80966b5ac38007bd', operation='UPDATE OR DELETE', pgid='pgtrigger_audit_entry_append_only_be8ce', table='audits_auditentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditentry',
            trigger=pgtrigger.compiler.Trigger(name='audit_entry_no_truncate', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        IF coalesce(current_setting('safeguard.allow_audit_truncate', true), '') = 'on'\n           AND current_database() LIKE 'test\\_%' THEN\n            RETURN NULL;\n        END IF;\n        RAISE EXCEPTION '% is append-only: TRUNCATE refused.', TG_TABLE_NAME\n            USING ERRCODE = 'insufficient_privilege';\n    ", hash='e467afef8b7b3fda9b695cc5e39c81b8ecfe93e1', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_audit_entry_no_truncate_ab3d4', table='audits_auditentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='chainlink',
            trigger=pgtrigger.compiler.Trigger(name='chain_link_append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='80b2d8b36c027bfde4f9a191e516774efd0a596f', operation='UPDATE OR DELETE', pgid='pgtrigger_chain_link_append_only_665ef', table='audits_chainlink', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='chainlink',
            trigger=pgtrigger.compiler.Trigger(name='chain_link_no_truncate', sql=pgtrigger.compiler.UpsertTriggerSql(func="\n        IF coalesce(current_setting('safeguard.allow_audit_truncate', true), '') = 'on'\n           AND current_database() LIKE 'test\\_%' THEN\n            RETURN NULL;\n        END IF;\n        RAISE EXCEPTION '% is append-only: TRUNCATE refused.', TG_TABLE_NAME\n            USING ERRCODE = 'insufficient_privilege';\n    ", hash='3742da5d06702ac56368f46e4e87da766f09fd48', level='STATEMENT', operation='TRUNCATE', pgid='pgtrigger_chain_link_no_truncate_d9564', table='audits_chainlink', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='recordscore',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."sample_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "audits_sampledrecord" p WHERE p."id" = NEW."sample_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='41873a7d093c7ac3296f0c05cf010db486274af9', operation='INSERT OR UPDATE OF "organisation_id", "sample_id"', pgid='pgtrigger_same_organisation_a2b36', table='audits_recordscore', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sampledrecord',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."audit_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "audits_qualityaudit" p WHERE p."id" = NEW."audit_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='589e3cd3874d3de0fb00f8f75969a72bfe760a14', operation='INSERT OR UPDATE OF "organisation_id", "audit_id"', pgid='pgtrigger_same_organisation_23a1b', table='audits_sampledrecord', when='BEFORE')),
        ),
        migrations.RunSQL(DROP_HAND_WRITTEN, RESTORE_HAND_WRITTEN),
    ]

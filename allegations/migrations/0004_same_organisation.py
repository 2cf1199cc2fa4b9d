"""Every organisation-owned row of this app keeps its parent's organisation
(organisations/owned.py): existing rows are checked first (the migration
stops, naming them, if any breaks the rule), then a trigger per table
refuses new ones."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from organisations.owned import check_existing_rows


class Migration(migrations.Migration):

    dependencies = [
        ('allegations', '0003_referral_outcome'),
    ]

    operations = [
        check_existing_rows("allegations", {"Allegation": ("incident", "staff_member"), "AllegationTransition": ("allegation",), "HRAmendment": ("entry", "decision"), "HRDecision": ("record",), "HREntry": ("record",), "HRRecord": ("allegation",), "Referral": ("allegation", "corrects"), "RetentionReview": ("allegation",), "SafeguardingAmendment": ("entry", "decision"), "SafeguardingDecision": ("record",), "SafeguardingEntry": ("record",), "SafeguardingRecord": ("allegation",), "SideStatusChange": ("allegation",), "StaffMember": ("service",)}),
        pgtrigger.migrations.AddTrigger(
            model_name='allegation',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) OR (NEW."staff_member_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_staffmember" p WHERE p."id" = NEW."staff_member_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='06816f2b4b489eefe87ab435e98bf2338499efc9', operation='INSERT OR UPDATE OF "organisation_id", "incident_id", "staff_member_id"', pgid='pgtrigger_same_organisation_c4a8c', table='allegations_allegation', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='allegationtransition',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."allegation_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_allegation" p WHERE p."id" = NEW."allegation_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='dacb3de00d9da6874e552ec83fcd08cae393d98b', operation='INSERT OR UPDATE OF "organisation_id", "allegation_id"', pgid='pgtrigger_same_organisation_d4c52', table='allegations_allegationtransition', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='hramendment',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."entry_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_hrentry" p WHERE p."id" = NEW."entry_id")) OR (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_hrdecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='1e5b80b0e6494e4f49c4c36e1173623dbe0d3c85', operation='INSERT OR UPDATE OF "organisation_id", "entry_id", "decision_id"', pgid='pgtrigger_same_organisation_ae683', table='allegations_hramendment', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='hrdecision',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."record_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_hrrecord" p WHERE p."id" = NEW."record_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='45bd9af9f749ada46e3ac8bdffde4b1dd0049c99', operation='INSERT OR UPDATE OF "organisation_id", "record_id"', pgid='pgtrigger_same_organisation_69469', table='allegations_hrdecision', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='hrentry',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."record_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_hrrecord" p WHERE p."id" = NEW."record_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='f2eb817b9b411b95e8b591eb200d750eab555f88', operation='INSERT OR UPDATE OF "organisation_id", "record_id"', pgid='pgtrigger_same_organisation_43cad', table='allegations_hrentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='hrrecord',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."allegation_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_allegation" p WHERE p."id" = NEW."allegation_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='249b95f13f47519269d76931edac87f56d0b02da', operation='INSERT OR UPDATE OF "organisation_id", "allegation_id"', pgid='pgtrigger_same_organisation_8faf9', table='allegations_hrrecord', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."allegation_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_allegation" p WHERE p."id" = NEW."allegation_id")) OR (NEW."corrects_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_referral" p WHERE p."id" = NEW."corrects_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='9cc48e7991bb536a694be296aa7764ab778bb731', operation='INSERT OR UPDATE OF "organisation_id", "allegation_id", "corrects_id"', pgid='pgtrigger_same_organisation_83426', table='allegations_referral', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='retentionreview',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."allegation_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_allegation" p WHERE p."id" = NEW."allegation_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='e075aded48bce1dd99f7fa597364e76f8962b52e', operation='INSERT OR UPDATE OF "organisation_id", "allegation_id"', pgid='pgtrigger_same_organisation_3b217', table='allegations_retentionreview', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='safeguardingamendment',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."entry_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_safeguardingentry" p WHERE p."id" = NEW."entry_id")) OR (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_safeguardingdecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='df02cda14cdb72186d837b67dc37d79bc262cb7f', operation='INSERT OR UPDATE OF "organisation_id", "entry_id", "decision_id"', pgid='pgtrigger_same_organisation_b3d2b', table='allegations_safeguardingamendment', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='safeguardingdecision',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."record_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_safeguardingrecord" p WHERE p."id" = NEW."record_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='18ed146a9083d572cda6d140500f60e799bd3a0e', operation='INSERT OR UPDATE OF "organisation_id", "record_id"', pgid='pgtrigger_same_organisation_19f50', table='allegations_safeguardingdecision', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='safeguardingentry',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."record_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_safeguardingrecord" p WHERE p."id" = NEW."record_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='2e1e06a8f529e9679cb4bc32eb7d5c90eaf9b741', operation='INSERT OR UPDATE OF "organisation_id", "record_id"', pgid='pgtrigger_same_organisation_a0871', table='allegations_safeguardingentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='safeguardingrecord',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."allegation_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_allegation" p WHERE p."id" = NEW."allegation_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='8bbcf8f53cab182998263baf62671174cb77281e', operation='INSERT OR UPDATE OF "organisation_id", "allegation_id"', pgid='pgtrigger_same_organisation_eab70', table='allegations_safeguardingrecord', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sidestatuschange',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."allegation_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "allegations_allegation" p WHERE p."id" = NEW."allegation_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='70b0bb52271904791328bf3e875a06c4cc3965cc', operation='INSERT OR UPDATE OF "organisation_id", "allegation_id"', pgid='pgtrigger_same_organisation_928de', table='allegations_sidestatuschange', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='staffmember',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."service_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "organisations_service" p WHERE p."id" = NEW."service_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='01d894bc02a8f0500a52e5b687ae95301e978ed0', operation='INSERT OR UPDATE OF "organisation_id", "service_id"', pgid='pgtrigger_same_organisation_0643e', table='allegations_staffmember', when='BEFORE')),
        ),
    ]

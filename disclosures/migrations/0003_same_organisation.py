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
        ('disclosures', '0002_review_point_projection'),
    ]

    operations = [
        check_existing_rows("disclosures", {"Consultation": ("decision",), "DecisionAmendment": ("decision",), "DecisionReview": ("decision",), "DisclosureDecision": ("incident",), "QualityFinding": ("decision",), "Recipient": ("decision",), "ReviewPoint": ("decision", "incident", "service")}),
        pgtrigger.migrations.AddTrigger(
            model_name='consultation',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='09b4f08a30b4ff0b1c9e9db169985ebbb9df9fbc', operation='INSERT OR UPDATE OF "organisation_id", "decision_id"', pgid='pgtrigger_same_organisation_d4c09', table='disclosures_consultation', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='decisionamendment',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='e448adb8427f5a7a8d232fb7c156b9145500d666', operation='INSERT OR UPDATE OF "organisation_id", "decision_id"', pgid='pgtrigger_same_organisation_0d502', table='disclosures_decisionamendment', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='decisionreview',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='d2a84a0048b07faef16a66330d95b7488bbd278a', operation='INSERT OR UPDATE OF "organisation_id", "decision_id"', pgid='pgtrigger_same_organisation_122f1', table='disclosures_decisionreview', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='disclosuredecision',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='fa63c26403a5f10eda5144a260d763d3a48f5646', operation='INSERT OR UPDATE OF "organisation_id", "incident_id"', pgid='pgtrigger_same_organisation_2dfb0', table='disclosures_disclosuredecision', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='qualityfinding',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='0b49592ecea227ec1885801eb49efb47eb18e1af', operation='INSERT OR UPDATE OF "organisation_id", "decision_id"', pgid='pgtrigger_same_organisation_d1010', table='disclosures_qualityfinding', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='recipient',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='4012b4448492bd96707e24e0520b16d697796c57', operation='INSERT OR UPDATE OF "organisation_id", "decision_id"', pgid='pgtrigger_same_organisation_b58fd', table='disclosures_recipient', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='reviewpoint',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."decision_id")) OR (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) OR (NEW."service_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "organisations_service" p WHERE p."id" = NEW."service_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='3f4772525ef152941f914a770f8e73263434e7ec', operation='INSERT OR UPDATE OF "organisation_id", "decision_id", "incident_id", "service_id"', pgid='pgtrigger_same_organisation_02fac', table='disclosures_reviewpoint', when='BEFORE')),
        ),
    ]

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
        ('incidents', '0006_person_preferred_name'),
    ]

    operations = [
        check_existing_rows("incidents", {"ChronologyAmendment": ("entry",), "ChronologyEntry": ("incident",), "Incident": ("service",), "IncidentExclusion": ("incident",), "NeedToKnowGrant": ("incident",), "Person": ("service",), "StatusTransition": ("incident",)}),
        pgtrigger.migrations.RemoveTrigger(
            model_name='incidentexclusion',
            name='exclusion_same_organisation',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='chronologyamendment',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."entry_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_chronologyentry" p WHERE p."id" = NEW."entry_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='b7dddbea1c835c3b5951dd75effafcb03257134a', operation='INSERT OR UPDATE OF "organisation_id", "entry_id"', pgid='pgtrigger_same_organisation_9b609', table='incidents_chronologyamendment', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='chronologyentry',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='e17aee9806917ee15feff3c40e306684631ff217', operation='INSERT OR UPDATE OF "organisation_id", "incident_id"', pgid='pgtrigger_same_organisation_20431', table='incidents_chronologyentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='incident',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."service_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "organisations_service" p WHERE p."id" = NEW."service_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='ee4f3cf069fd75140df2c3d4a9e8f189cf249112', operation='INSERT OR UPDATE OF "organisation_id", "service_id"', pgid='pgtrigger_same_organisation_9b055', table='incidents_incident', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='incidentexclusion',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='3769c786db35540dca46b34e551b5a897c6bde32', operation='INSERT OR UPDATE OF "organisation_id", "incident_id"', pgid='pgtrigger_same_organisation_2316f', table='incidents_incidentexclusion', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='needtoknowgrant',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='d73dfa11e1e895b6e0d63d24fc5f0c04cb685f90', operation='INSERT OR UPDATE OF "organisation_id", "incident_id"', pgid='pgtrigger_same_organisation_42198', table='incidents_needtoknowgrant', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='person',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."service_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "organisations_service" p WHERE p."id" = NEW."service_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='b17355a178c39880b7266c38cb2e1439b43c0006', operation='INSERT OR UPDATE OF "organisation_id", "service_id"', pgid='pgtrigger_same_organisation_68d50', table='incidents_person', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='statustransition',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='2ab2beab4c02f2f16ba069af52cb64e4e6874ddc', operation='INSERT OR UPDATE OF "organisation_id", "incident_id"', pgid='pgtrigger_same_organisation_0706b', table='incidents_statustransition', when='BEFORE')),
        ),
    ]

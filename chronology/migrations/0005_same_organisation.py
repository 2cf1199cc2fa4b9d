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
        ('chronology', '0004_signatures'),
    ]

    operations = [
        check_existing_rows("chronology", {"ChronologyExport": ("incident", "disclosure_decision"), "VerificationAttempt": ("matched",)}),
        pgtrigger.migrations.AddTrigger(
            model_name='chronologyexport',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."incident_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "incidents_incident" p WHERE p."id" = NEW."incident_id")) OR (NEW."disclosure_decision_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "disclosures_disclosuredecision" p WHERE p."id" = NEW."disclosure_decision_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='2bd01d78ca4968e09df398d440737b530081e8cf', operation='INSERT OR UPDATE OF "organisation_id", "incident_id", "disclosure_decision_id"', pgid='pgtrigger_same_organisation_7bfbb', table='chronology_chronologyexport', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='verificationattempt',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."matched_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "chronology_chronologyexport" p WHERE p."id" = NEW."matched_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='9a465ee1e01010ab4aedbb5a90b166a97416c7cb', operation='INSERT OR UPDATE OF "organisation_id", "matched_id"', pgid='pgtrigger_same_organisation_be419', table='chronology_verificationattempt', when='BEFORE')),
        ),
    ]

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
        ('organisations', '0002_role_requests_and_sign_in_links'),
    ]

    operations = [
        check_existing_rows("organisations", {"RoleRequest": ("membership",)}),
        pgtrigger.migrations.AddTrigger(
            model_name='rolerequest',
            trigger=pgtrigger.compiler.Trigger(name='same_organisation', sql=pgtrigger.compiler.UpsertTriggerSql(func='IF (NEW."membership_id" IS NOT NULL AND NEW."organisation_id" IS DISTINCT FROM (SELECT p."organisation_id" FROM "organisations_membership" p WHERE p."id" = NEW."membership_id")) THEN RAISE EXCEPTION \'organisation of this % row differs from its parent\'\'s\', TG_TABLE_NAME USING ERRCODE = \'check_violation\'; END IF; RETURN NEW;', hash='d24046f3f2e6fa1e42d95ed42085cabee8b9f4f2', operation='INSERT OR UPDATE OF "organisation_id", "membership_id"', pgid='pgtrigger_same_organisation_795ae', table='organisations_rolerequest', when='BEFORE')),
        ),
    ]

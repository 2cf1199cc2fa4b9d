"""Separation of duties for role grants, one-time sign-in links, and a sign-in
code per organisation so that sign-in names are unique per organisation.

Existing organisations get a code derived from their name that no existing
username ends in; existing usernames (the demo users' included) are kept.
"""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


def fill_sign_in_codes(apps, schema_editor):
    from django.utils.text import slugify

    Organisation = apps.get_model("organisations", "Organisation")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    taken = set()
    for org in Organisation.objects.order_by("pk"):
        base = (slugify(org.name)[:24].strip("-") or "org").lower()
        candidate, n = base, 1
        while candidate in taken or User.objects.filter(
            username__iendswith=f"@{candidate}"
        ).exists():
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        org.sign_in_code = candidate
        org.save(update_fields=["sign_in_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='sign_in_code',
            field=models.SlugField(blank=True, max_length=32, default='', db_index=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_sign_in_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='organisation',
            name='sign_in_code',
            field=models.SlugField(blank=True, max_length=32, unique=True),
        ),
        migrations.CreateModel(
            name='SignInLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('secret_hash', models.CharField(max_length=64, unique=True)),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sign_in_links', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-issued_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='RoleRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('manager', 'Manager'), ('lead', 'Safeguarding lead'), ('hr', 'HR'), ('auditor', 'Auditor'), ('admin', 'Organisation admin')], max_length=16)),
                ('previous_role', models.CharField(blank=True, choices=[('manager', 'Manager'), ('lead', 'Safeguarding lead'), ('hr', 'HR'), ('auditor', 'Auditor'), ('admin', 'Organisation admin')], max_length=16)),
                ('reason', models.TextField(verbose_name='Why they need this role')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('state', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', 'Approved'), ('refused', 'Refused'), ('cancelled', 'Cancelled')], default='pending', max_length=16)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_reason', models.TextField(blank=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('membership', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='role_requests', to='organisations.membership')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-requested_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('membership',), name='one_pending_role_request'), models.CheckConstraint(condition=models.Q(('role__in', ['lead', 'hr', 'auditor'])), name='role_request_needs_approval_role'), models.CheckConstraint(condition=models.Q(models.Q(('decided_by', models.F('requested_by')), _negated=True), ('state', 'cancelled'), _connector='OR'), name='role_request_not_self_decided'), models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('state', 'pending')), models.Q(models.Q(('state', 'pending'), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='role_request_decided_at_matches_state')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='rolerequest',
            trigger=pgtrigger.compiler.Trigger(name='role_request_no_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='19725b57d0519c82cf01fdadca7cc7e20111bd23', operation='DELETE', pgid='pgtrigger_role_request_no_delete_3ad93', table='organisations_rolerequest', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='rolerequest',
            trigger=pgtrigger.compiler.Trigger(name='role_request_fields_read_only', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."organisation_id" IS DISTINCT FROM (NEW."organisation_id") OR OLD."membership_id" IS DISTINCT FROM (NEW."membership_id") OR OLD."role" IS DISTINCT FROM (NEW."role") OR OLD."previous_role" IS DISTINCT FROM (NEW."previous_role") OR OLD."reason" IS DISTINCT FROM (NEW."reason") OR OLD."requested_by_id" IS DISTINCT FROM (NEW."requested_by_id") OR OLD."requested_at" IS DISTINCT FROM (NEW."requested_at"))', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='4dcbd109a92ee21db8f754ea241469521cff036f', operation='UPDATE', pgid='pgtrigger_role_request_fields_read_only_bb220', table='organisations_rolerequest', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='rolerequest',
            trigger=pgtrigger.compiler.Trigger(name='role_request_decided_once', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (NOT (OLD."state" = \'pending\'))', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='d7a66107039f0c0b62f442c7f2f5cb7fe8c63b31', operation='UPDATE', pgid='pgtrigger_role_request_decided_once_2abca', table='organisations_rolerequest', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='signinlink',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True), ('used_at__isnull', True)), fields=('user',), name='one_live_sign_in_link'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='signinlink',
            trigger=pgtrigger.compiler.Trigger(name='sign_in_link_no_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='ee668b231c49e809ea4b67d5423e0bb34577630a', operation='DELETE', pgid='pgtrigger_sign_in_link_no_delete_716c9', table='organisations_signinlink', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='signinlink',
            trigger=pgtrigger.compiler.Trigger(name='sign_in_link_fields_read_only', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."organisation_id" IS DISTINCT FROM (NEW."organisation_id") OR OLD."user_id" IS DISTINCT FROM (NEW."user_id") OR OLD."issued_by_id" IS DISTINCT FROM (NEW."issued_by_id") OR OLD."issued_at" IS DISTINCT FROM (NEW."issued_at") OR OLD."expires_at" IS DISTINCT FROM (NEW."expires_at") OR OLD."secret_hash" IS DISTINCT FROM (NEW."secret_hash"))', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='f80b33ca5ad767525b92c3738665b0a9e75c1aa0', operation='UPDATE', pgid='pgtrigger_sign_in_link_fields_read_only_b6fca', table='organisations_signinlink', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='signinlink',
            trigger=pgtrigger.compiler.Trigger(name='sign_in_link_ends_once', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."used_at" IS NOT NULL OR OLD."revoked_at" IS NOT NULL)', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='ccb5491717efbb120c90c47498d3cf46060a8ded', operation='UPDATE', pgid='pgtrigger_sign_in_link_ends_once_96776', table='organisations_signinlink', when='BEFORE')),
        ),
    ]

"""django-auditlog's own migrations create ``auditlog_logentry`` even though we
swap in ``audits.AuditEntry`` (AUDITLOG_LOGENTRY_MODEL), so the table is never
written. Its foreign keys to ``auth_user`` and ``django_content_type`` make
Django's ``flush`` (TRUNCATE without CASCADE, used between transactional tests)
fail. Dropping just those constraints keeps auditlog's migration history intact
while the dead table stops pinning live ones."""

from django.db import migrations

DROP_FOREIGN_KEYS = """
DO $$
DECLARE c record;
BEGIN
  IF to_regclass('auditlog_logentry') IS NULL THEN
    RETURN;
  END IF;
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'
  LOOP
    EXECUTE format('ALTER TABLE auditlog_logentry DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunSQL(DROP_FOREIGN_KEYS, reverse_sql=migrations.RunSQL.noop)]

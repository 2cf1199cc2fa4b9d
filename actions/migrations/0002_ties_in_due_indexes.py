"""The due-date indexes end with the id, the lists' tie-break: "My work" reads
the soonest ten actions ordered by (due date, id), and with hundreds of
actions due on one day PostgreSQL sorted every one of them before the limit;
with the id in the index it reads the first ten in order and stops."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0001_agreed_actions'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='action',
            name='action_owner_due',
        ),
        migrations.RemoveIndex(
            model_name='action',
            name='action_organisation_due',
        ),
        migrations.AddIndex(
            model_name='action',
            index=models.Index(fields=['owner', 'due_date', 'id'], name='action_owner_due'),
        ),
        migrations.AddIndex(
            model_name='action',
            index=models.Index(fields=['organisation', 'due_date', 'id'], name='action_organisation_due'),
        ),
    ]

"""The open review points' due-date indexes end with the decision, the lists'
tie-break: "My work" and the home page's reviews panel read the soonest points
ordered by (due date, decision), and with hundreds of points due on one day
PostgreSQL sorted every one of them before the limit; with the decision in the
index it reads the first rows in order and stops."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disclosures', '0007_escalation_conditions'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='reviewpoint',
            name='review_point_open_due',
        ),
        migrations.RemoveIndex(
            model_name='reviewpoint',
            name='review_point_service_due',
        ),
        migrations.AddIndex(
            model_name='reviewpoint',
            index=models.Index(condition=models.Q(('due_date__isnull', False)), fields=['organisation', 'due_date', 'decision'], name='review_point_open_due'),
        ),
        migrations.AddIndex(
            model_name='reviewpoint',
            index=models.Index(condition=models.Q(('due_date__isnull', False)), fields=['service', 'due_date', 'decision'], name='review_point_service_due'),
        ),
    ]

# Written by hand on 2026-12-06: the export's disclosure decision was a bare id
# (disclosure_decision_id) to keep chronology's migrations free of disclosures';
# with the layers checked (chronology above disclosures) it becomes a real
# foreign key on the same column, so no data moves. The state swaps the field;
# the database only gains the constraint and its index.

from django.db import migrations, models

import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [
        ("chronology", "0002_disclosure_details"),
        ("disclosures", "0002_review_point_projection"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="chronologyexport", name="disclosure_decision_id"),
                migrations.AddField(
                    model_name="chronologyexport",
                    name="disclosure_decision",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="disclosures.disclosuredecision",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        "ALTER TABLE chronology_chronologyexport"
                        " ADD CONSTRAINT chronology_export_disclosure_decision_fk"
                        " FOREIGN KEY (disclosure_decision_id)"
                        " REFERENCES disclosures_disclosuredecision (id)"
                        " DEFERRABLE INITIALLY DEFERRED",
                        "CREATE INDEX chronology_export_disclosure_decision_idx"
                        " ON chronology_chronologyexport (disclosure_decision_id)",
                    ],
                    reverse_sql=[
                        "DROP INDEX chronology_export_disclosure_decision_idx",
                        "ALTER TABLE chronology_chronologyexport"
                        " DROP CONSTRAINT chronology_export_disclosure_decision_fk",
                    ],
                )
            ],
        )
    ]

"""Decision numbers follow decided order (computed: disclosures.models.number_in_incident);
the stored per-incident sequence keeps its column, ``number``, as ``recorded_number``.
Legal choices lead with plain words. No data and no schema change: the index and
the unique constraint keep their names and columns, so only the state moves."""

from django.db import migrations, models

LAWFUL_BASIS = [
    ("public_task", "Public task — Art. 6(1)(e)"),
    ("legal_obligation", "Legal obligation — Art. 6(1)(c)"),
    ("vital_interests", "Vital interests (to protect someone's life) — Art. 6(1)(d)"),
    ("legitimate_interests", "Legitimate interests — Art. 6(1)(f)"),
    ("consent", "Consent — Art. 6(1)(a)"),
    ("contract", "Contract — Art. 6(1)(b)"),
]
SPECIAL_CONDITION = [
    ("sch1_para18", "Safeguarding of children and individuals at risk — DPA 2018 Sch. 1 para 18"),
    ("art9_2h", "Health or social care — Art. 9(2)(h)"),
    ("art9_2c", "Vital interests, the person cannot consent — Art. 9(2)(c)"),
    ("art9_2a", "Explicit consent — Art. 9(2)(a)"),
    ("sch1_para10", "Preventing or detecting unlawful acts — DPA 2018 Sch. 1 para 10"),
    ("sch1_para6", "Statutory purposes — DPA 2018 Sch. 1 para 6"),
    ("art9_2f", "Legal claims — Art. 9(2)(f)"),
    ("none", "No special-category data shared"),
]


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0003_same_organisation")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint("disclosuredecision", "decision_number_unique"),
                migrations.RemoveIndex("disclosuredecision", "disclosures_inciden_9e3c73_idx"),
                migrations.RenameField("disclosuredecision", "number", "recorded_number"),
                migrations.AlterField(
                    model_name="disclosuredecision",
                    name="recorded_number",
                    field=models.PositiveIntegerField(db_column="number", editable=False),
                ),
                migrations.AddIndex(
                    model_name="disclosuredecision",
                    index=models.Index(
                        fields=["incident", "recorded_number"],
                        name="disclosures_inciden_9e3c73_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="disclosuredecision",
                    constraint=models.UniqueConstraint(
                        fields=("incident", "recorded_number"), name="decision_number_unique"
                    ),
                ),
            ]
        ),
        migrations.AlterField(
            model_name="disclosuredecision",
            name="lawful_basis",
            field=models.CharField(
                blank=True,
                choices=LAWFUL_BASIS,
                max_length=32,
                verbose_name="Lawful basis (UK GDPR Art. 6)",
            ),
        ),
        migrations.AlterField(
            model_name="disclosuredecision",
            name="special_condition",
            field=models.CharField(
                blank=True,
                choices=SPECIAL_CONDITION,
                max_length=32,
                verbose_name="Special-category condition (Art. 9 / DPA 2018 Sch. 1)",
            ),
        ),
    ]

# Written by hand on 2026-12-06: every existing allegation whose staff member has
# a login now excludes that login from the allegation's incident, as
# allegations.services does for new ones (incidents.IncidentExclusion).

from typing import Any

from django.db import migrations

REASON = "Subject of an allegation against staff (recorded before exclusions were kept)."


def backfill(apps: Any, schema_editor: Any) -> None:
    Allegation = apps.get_model("allegations", "Allegation")
    IncidentExclusion = apps.get_model("incidents", "IncidentExclusion")
    seen: set[tuple[int, int]] = set(
        IncidentExclusion.objects.values_list("incident_id", "user_id")
    )
    rows = []
    for allegation in (
        Allegation.objects.filter(staff_member__user__isnull=False)
        .values("organisation_id", "incident_id", "staff_member__user_id", "created_at")
        .order_by("pk")
    ):
        key = (allegation["incident_id"], allegation["staff_member__user_id"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            IncidentExclusion(
                organisation_id=allegation["organisation_id"],
                incident_id=key[0],
                user_id=key[1],
                source="allegation",
                reason=REASON,
                created_at=allegation["created_at"],
            )
        )
    IncidentExclusion.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("allegations", "0001_allegations_staff_and_records"),
        ("incidents", "0005_incident_exclusion"),
    ]

    # Exclusions are append-only (a trigger refuses DELETE), so there is no way back.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

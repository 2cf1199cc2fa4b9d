"""Background rendering of large exports (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from chronology.models import ChronologyExport


@task()
def render_export(export_id: int) -> str:
    from chronology import services

    export = (
        ChronologyExport.objects.without_pdf()
        .select_related("incident", "requested_by", "incident__service", "incident__organisation")
        .get(pk=export_id)
    )
    return services.generate(export).status

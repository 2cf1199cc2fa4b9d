"""Audit-trail pages: an incident's history and the organisation-wide search.

Both are themselves logged: who looked at who looked at what is evidence too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audits import access
from audits.display import describe
from audits.forms import AuditSearchForm
from audits.models import AuditEntry
from incidents import access as incident_access
from incidents.pagination import capped_page
from incidents.person_choices import log_found
from organisations.audit import log_access, log_event
from organisations.denials import RoleRequired

PAGE_SIZE = 50
CSV_COLUMNS = [
    "entry id", "time (UTC)", "done by", "actor id", "action", "record type", "record",
    "incident id", "via", "changes", "IP address", "request id", "content hash",
]  # fmt: skip


def _rows(qs: Any) -> Any:
    return qs.select_related("actor", "content_type").order_by("-timestamp", "-id")


def incident_history(request: HttpRequest, pk: int) -> HttpResponse:
    incident, entries = access.incident_history_for(request.user, pk)
    log_access(incident, view="incident_history")
    # Capped: a much-viewed incident gathers thousands of entries.
    page = capped_page(_rows(entries), PAGE_SIZE, request.GET.get("page"))
    page.object_list = describe(page.object_list, request.user)
    return render(request, "audits/incident_history.html", {"incident": incident, "page": page})


def _search_form(request: HttpRequest) -> tuple[AuditSearchForm, Any]:
    if not access.can_read_audit_trail(request.user):
        raise RoleRequired(*access.AUDIT_READERS)
    entries = access.visible_audit_entries(request.user)
    form = AuditSearchForm(request.GET or None, user=request.user, entries=entries)
    if form.is_bound:
        entries = form.apply(entries) if form.is_valid() else entries.none()
    return form, entries


def search(request: HttpRequest) -> HttpResponse:
    form, entries = _search_form(request)
    page = capped_page(_rows(entries), PAGE_SIZE, request.GET.get("page"))
    page.object_list = describe(page.object_list, request.user)
    references = dict(
        incident_access.visible_incidents(request.user)
        .filter(pk__in={e.incident_id for e in page.object_list if e.incident_id})
        .values_list("pk", "reference")
    )
    for entry in page.object_list:
        entry.incident_reference = references.get(entry.incident_id or 0, "")
    log_event("access", target=AuditEntry, view="audit_search", details=form.filters_for_log())
    log_found(form.people_offer)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audits/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def _safe_cell(value: Any) -> str:
    """Stop a spreadsheet from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in _rows(entries).iterator(chunk_size=1000):
        yield writer.writerow(
            _safe_cell(v)
            for v in (
                e.pk,
                e.timestamp.astimezone(UTC).isoformat(timespec="seconds"),
                e.actor_label,
                e.actor_id or "",
                e.action_label,
                e.content_type.model_class()._meta.verbose_name
                if e.content_type.model_class()
                else "",
                e.object_repr,
                e.incident_id or "",
                e.view,
                "; ".join(e.change_summary() + e.listed_summary()),
                e.remote_addr or "",
                e.cid or "",
                e.content_hash,
            )
        )


def search_csv(request: HttpRequest) -> HttpResponseBase:
    form, entries = _search_form(request)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('audits:search')}?{request.GET.urlencode()}")
    rows = entries.count()
    log_event(
        "export",
        target=AuditEntry,
        view="audit_search_csv",
        details={**form.filters_for_log(), "rows": rows},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response

"""The upload page of evidence files on a record other than a chronology entry
(a disclosure decision, an allegation's safeguarding record): one page for
every kind of record, which the record's own view calls after its access check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.forms import EvidenceForm
from incidents.models import EvidenceFile, Incident
from organisations.audit import log_access
from organisations.web import submit_and_redirect


def evidence_upload_page(
    request: HttpRequest,
    *,
    record: Any,
    incident: Incident,
    files: Iterable[EvidenceFile],
    add: Callable[..., EvidenceFile],
    record_label: str,
    back_url: str,
    view: str,
    **service_kwargs: Any,
) -> HttpResponse:
    """The form; on a valid POST ``add(actor=…, upload=…, …, **service_kwargs)``
    and back to ``back_url``. The caller has fetched ``record`` through its
    app's access rules and checked that the user may add to it."""
    form = EvidenceForm(request.POST or None, request.FILES or None, files=files)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit_and_redirect(
            request,
            form,
            add,
            success=lambda f: (
                f"{f.original_name} added to {record_label[:1].lower()}{record_label[1:]}."
            ),
            redirect_to=back_url,
            actor=request.user,
            upload=data["file"],
            description=data["description"],
            replaces=data["replaces"],
            correction_reason=data["correction_reason"],
            **service_kwargs,
        )
        if done is not None:
            return done
    log_access(record, view=view)
    return render(
        request,
        "incidents/record_evidence_form.html",
        {"form": form, "incident": incident, "record_label": record_label, "back_url": back_url},
    )

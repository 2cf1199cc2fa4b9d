from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from chronology import access, services, timeline
from chronology.forms import ExportForm, TimelineFilterForm, VerifyForm
from chronology.models import ExportStatus, VerificationAttempt
from chronology.profiles import rules_for
from disclosures.services import QualityWarnings
from incidents import access as incident_access
from organisations.audit import log_access, log_listed
from organisations.denials import RoleRequired
from organisations.models import Role
from organisations.paging import plain_page
from organisations.reauth import reauthentication_required
from organisations.web import REFUSED, submit

PAGE_SIZE = 50
REGISTER_PAGE_SIZE = 25


def timeline_view(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    log_access(incident, view="timeline")
    include_hr = access.can_see_hr_detail(request.user, incident)
    choices = timeline.kind_choices(include_hr=include_hr)
    form = TimelineFilterForm(request.GET or None, kind_choices=choices)
    kinds = frozenset(k for k, _ in choices)
    date_from = date_to = None
    if form.is_bound and form.is_valid():
        kinds = frozenset(form.cleaned_data["kinds"]) or kinds
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    include_allegations = access.can_see_allegation_safeguarding(request.user, incident)
    can_export = access.can_export(request.user, incident)
    q = timeline.TimelineQuery(
        incident=incident,
        kinds=kinds,
        date_from=date_from,
        date_to=date_to,
        include_hr=include_hr,
        include_allegations=include_allegations,
        # On the page, as in the internal export, for those who manage them.
        need_to_know_history=incident_access.can_manage_need_to_know(request.user, incident),
        hr_cross_reference="owner_status" if include_allegations else "none",
        quality_audits=can_export,
        linked_people=True,
        evidence_lists=True,
        body_maps=True,
    )
    items = timeline.build(q)
    page = plain_page(items, PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "chronology/timeline.html",
        {
            "incident": incident,
            "form": form,
            "page": page,
            "total": len(items),
            "query": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_export": can_export,
            "exports": access.visible_exports(request.user)
            .without_pdf()
            .filter(incident=incident)
            .select_related("requested_by")[:10]
            if can_export
            else [],
        },
    )


# An export is a bulk disclosure: ask for a fresh second factor (or password).
@reauthentication_required
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    if not access.can_export(request.user, incident):
        raise RoleRequired(Role.LEAD)
    # Logged before the form is handled: a refused export rolls the request
    # back (set_rollback below) and the page after it can run no query.
    log_access(incident, view="export_create")
    # Kinds offered: what the most permissive profile could include for this
    # user; the service narrows it to the chosen profile.
    choices = timeline.kind_choices(include_hr=access.can_see_hr_detail(request.user, incident))
    initial = {
        "kinds": request.GET.getlist("kinds") or [k for k, _ in choices],
        "date_from": request.GET.get("date_from") or None,
        "date_to": request.GET.get("date_to") or None,
    }
    form = ExportForm(
        request.POST if request.method == "POST" else None, kind_choices=choices, initial=initial
    )
    warnings: list[tuple[str, str]] = []
    warnings_fingerprint = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # "Export with these warnings" confirms exactly the warnings shown.
        confirmed = request.POST.get("quality_fingerprint", "") if "confirm" in request.POST else ""
        try:
            export = submit(
                form,
                services.request_export,
                rollback=True,
                actor=request.user,
                incident=incident,
                profile=data["profile"],
                recipient_name=data["recipient_name"],
                recipient_role=data["recipient_role"],
                recipient_organisation=data["recipient_organisation"],
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                kinds=data["kinds"],
                decision_log=form.decision_log(),
                date_from=data["date_from"],
                date_to=data["date_to"],
                quality_confirmed=confirmed,
                site_url=request.build_absolute_uri("/"),
                include_images=data["include_images"],
            )
        except QualityWarnings as exc:
            transaction.set_rollback(True)
            # Named as the export form names its fields.
            warnings = [
                (f.message, services.ERROR_FIELDS.get(f.field, f.field)) for f in exc.findings
            ]
            warnings_fingerprint = exc.fingerprint
            export = REFUSED
        if export is not REFUSED:
            if export.status == ExportStatus.DONE:
                messages.success(
                    request,
                    f"Export {export.public_id} is ready and recorded in the export register.",
                )
            elif export.status == ExportStatus.FAILED:
                messages.error(request, export.failure)
            else:
                messages.info(
                    request,
                    f"Export {export.public_id} has {export.item_count} records and is being "
                    "prepared in the background. This page updates by itself.",
                )
            return redirect("chronology:export_detail", pk=export.pk)
    return render(
        request,
        "chronology/export_form.html",
        {
            "incident": incident,
            "form": form,
            "sync_limit": services.sync_limit(),
            "warnings": warnings,
            "warnings_fingerprint": warnings_fingerprint,
        },
    )


def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = access.get_export_for(request.user, pk)
    log_access(export, view="export")
    incident = export.incident
    labels = dict(timeline.kind_choices(include_hr=True))
    response = render(
        request,
        "chronology/export_detail.html",
        {
            "export": export,
            "incident": incident,
            "includes_hr": rules_for(export.profile).includes_hr,
            "included": [labels.get(k, k) for k in export.kinds],
            "verifications": VerificationAttempt.objects.filter(matched=export).select_related(
                "checked_by"
            )[:20],
        },
    )
    if not export.is_finished:
        # Progress without JavaScript: the browser reloads the page.
        response["Refresh"] = "3"
    return response


@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = access.get_export_for(request.user, pk)
    if export.status != ExportStatus.DONE:
        raise Http404("This export has no file.")
    stored = access.visible_exports(request.user).values_list("pdf", flat=True).get(pk=export.pk)
    if stored is None:
        raise Http404("This export has no file.")
    data = bytes(stored)
    log_access(export, view="export_download")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Content-Length"] = str(len(data))
    return response


def export_register(request: HttpRequest) -> HttpResponse:
    if not access.can_verify_exports(request.user):
        raise RoleRequired(Role.LEAD)
    qs = (
        access.visible_exports(request.user)
        .without_pdf()
        .select_related("incident", "requested_by")
        .order_by("-requested_at", "-pk")
    )
    term = request.GET.get("q", "").strip()[:64]
    if term:
        from django.db.models import Q

        qs = qs.filter(
            Q(incident__reference__icontains=term)
            | Q(public_id__iexact=term)
            | Q(recipient_organisation__icontains=term)
            | Q(content_fingerprint__startswith=term.lower())
            | Q(sha256__startswith=term.lower())
        )
    page = plain_page(qs, REGISTER_PAGE_SIZE, request.GET.get("page"))
    log_listed(qs.model, page, view="export_register", query=request.GET)
    return render(
        request,
        "chronology/register.html",
        {"page": page, "q": term, "query": f"q={term}" if term else ""},
    )


def verify(request: HttpRequest) -> HttpResponse:
    if not access.can_verify_exports(request.user):
        raise RoleRequired(Role.LEAD)
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else None, request.FILES if posted else None)
    attempt = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        attempt = services.verify_pdf(actor=request.user, data=upload.read())
        if attempt.matched is not None:
            log_access(attempt.matched, view="export_verified")
    from chronology import signing

    return render(
        request,
        "chronology/verify.html",
        {
            "form": form,
            "attempt": attempt,
            "fingerprint": signing.fingerprint_label(signing.certificate_fingerprint()),
        },
    )

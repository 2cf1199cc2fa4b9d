"""Record-quality audit pages (leads and auditors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audits import access
from audits.quality import report, services, sources
from audits.quality.forms import ActionForm, AuditCreateForm, CloseForm, ScoreForm
from audits.quality.models import ConsentFilter, QualityAudit, RecordScore, Source
from organisations.audit import log_access, log_listed
from organisations.denials import RoleRequired
from organisations.paging import plain_page
from organisations.web import REFUSED, submit, submit_and_redirect

PAGE_SIZE = 25


def _require_auditor(request: HttpRequest) -> None:
    if not access.can_run_quality_audits(request.user):
        raise RoleRequired(*access.QUALITY_AUDITORS)


def _services_label(audit: QualityAudit) -> str:
    if not audit.service_ids:
        return "All services"
    from organisations.models import Service

    names = Service.objects.filter(organisation_id=audit.organisation_id, pk__in=audit.service_ids)
    return ", ".join(s.name for s in names.order_by("name"))


def _rows(request: HttpRequest, audit: QualityAudit) -> list[dict[str, Any]]:
    """Each sampled record with its score and (if readable) the record itself."""
    samples = list(audit.samples.select_related("score", "score__scored_by").order_by("position"))
    records = sources.fetch_records(request.user, audit.source, [s.record_id for s in samples])
    return [
        {"sample": s, "record": records.get(s.record_id), "score": getattr(s, "score", None)}
        for s in samples
    ]


def _context(audit: QualityAudit) -> dict[str, Any]:
    return {
        "audit": audit,
        "services_label": _services_label(audit),
        "filter_label": ConsentFilter(audit.consent_filter).label,
        "source_label": Source(audit.source).label,
    }


def quality_list(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    qs = (
        access.visible_quality_audits(request.user)
        .select_related("created_by")
        .annotate(
            sampled=Count("samples", distinct=True),
            scored=Count("samples", filter=Q(samples__score__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    page = plain_page(qs, PAGE_SIZE, request.GET.get("page"))
    log_listed(QualityAudit, page, view="quality_list", query=request.GET)
    return render(request, "audits/quality/list.html", {"page": page})


def quality_create(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.create_audit,
            success=lambda audit: (
                f"Audit created: {audit.samples.count()} of {audit.population_count} "
                f"records sampled with seed {audit.seed}."
            ),
            redirect_to=lambda audit: reverse("audits:quality_detail", args=[audit.pk]),
            actor=request.user,
            **form.service_kwargs(),
        )
        if saved:
            return saved
    return render(request, "audits/quality/create.html", {"form": form})


def quality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    audit = access.get_quality_audit_for(request.user, pk)
    rows = _rows(request, audit)
    actions = audit.actions.current().select_related(
        "action__owner", "action__completion", "sample"
    )
    context = _context(audit) | {
        "rows": rows,
        "actions": actions,
        "summary": report.overall(audit),
    }
    if not audit.is_closed:
        context["action_form"] = ActionForm(user=request.user, audit=audit)
        context["close_form"] = CloseForm()
    log_access(audit, view="quality_audit")
    return render(request, "audits/quality/detail.html", context)


def quality_sample(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    _require_auditor(request)
    sample = access.get_sample_for(request.user, pk, position)
    audit = sample.audit
    record = sources.fetch_record(request.user, audit.source, sample.record_id)
    score = RecordScore.objects.filter(sample=sample).select_related("scored_by").first()
    form = None
    if record is not None and score is None and not audit.is_closed:
        form = ScoreForm(request.POST or None, source=audit.source)
        if request.method == "POST" and form.is_valid():
            try:
                scored = submit(
                    form,
                    services.score_record,
                    actor=request.user,
                    sample=sample,
                    results=form.results(),
                    notes=form.cleaned_data["notes"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            if scored is not REFUSED:
                messages.success(request, f"Record {sample.position} scored.")
                following = audit.samples.filter(score__isnull=True).order_by("position").first()
                if following is not None:
                    return redirect(
                        "audits:quality_sample", pk=audit.pk, position=following.position
                    )
                return redirect("audits:quality_detail", pk=audit.pk)
    elif request.method == "POST":
        messages.error(request, "This record cannot be scored (already scored or audit closed).")
        return redirect("audits:quality_sample", pk=audit.pk, position=sample.position)
    stored_findings: list[Any] = []
    current_findings: list[Any] = []
    record_findings: list[Any] = []
    if record is not None:
        log_access(record, view="quality_audit")
    if record is not None and audit.source == Source.DECISIONS:
        from disclosures import quality

        stored_findings = list(record.quality_findings.all())
        current_findings = quality.check_decision(record)
        # The incident's timeliness and completeness, as the incident page shows it.
        record_findings = list(record.incident.record_findings.select_related("entry"))
    previous = audit.samples.filter(position__lt=sample.position).order_by("-position").first()
    following = audit.samples.filter(position__gt=sample.position).order_by("position").first()
    return render(
        request,
        "audits/quality/sample.html",
        _context(audit)
        | {
            "sample": sample,
            "record": record,
            "score": score,
            "form": form,
            "stored_findings": stored_findings,
            "current_findings": current_findings,
            "record_findings": record_findings,
            "has_checks": audit.source == Source.DECISIONS,
            "previous": previous,
            "following": following,
        },
    )


@require_POST
def quality_action(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    audit = access.get_quality_audit_for(request.user, pk)
    form = ActionForm(request.POST, user=request.user, audit=audit)
    if form.is_valid():
        data = dict(form.cleaned_data)
        position = data.pop("sample")
        sample = audit.samples.filter(position=position).first() if position else None
        saved = submit_and_redirect(
            request,
            form,
            services.add_action,
            success="Finding and action recorded.",
            redirect_to=reverse("audits:quality_detail", args=[audit.pk]) + "#actions",
            actor=request.user,
            audit=audit,
            sample=sample,
            **data,
        )
        if saved:
            return saved
    messages.error(request, "The finding was not saved: see the form below.")
    return _detail_with(request, audit, action_form=form)


@require_POST
def quality_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    audit = access.get_quality_audit_for(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.close_audit,
            success="Audit closed. Its record is now fixed.",
            redirect_to=reverse("audits:quality_report", args=[audit.pk]),
            actor=request.user,
            audit=audit,
            summary=form.cleaned_data["summary"],
        )
        if saved:
            return saved
    messages.error(request, "The audit was not closed: see the form below.")
    return _detail_with(request, audit, close_form=form)


def _detail_with(request: HttpRequest, audit: QualityAudit, **forms: Any) -> HttpResponse:
    context = _context(audit) | {
        "rows": _rows(request, audit),
        "actions": audit.actions.current().select_related(
            "action__owner", "action__completion", "sample"
        ),
        "summary": report.overall(audit),
    }
    if not audit.is_closed:
        context["action_form"] = forms.get("action_form") or ActionForm(
            user=request.user, audit=audit
        )
        context["close_form"] = forms.get("close_form") or CloseForm()
    return render(request, "audits/quality/detail.html", context, status=400)


def _report_context(request: HttpRequest, audit: QualityAudit) -> dict[str, Any]:
    return _context(audit) | {
        "criteria": report.criterion_summaries(audit),
        "summary": report.overall(audit),
        "rows": _rows(request, audit),
        "actions": audit.actions.current().select_related(
            "action__owner", "action__completion", "sample"
        ),
    }


def quality_report(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    audit = access.get_quality_audit_for(request.user, pk)
    log_access(audit, view="quality_report")
    return render(request, "audits/quality/report.html", _report_context(request, audit))


def quality_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from audits.quality.pdf import render_report

    _require_auditor(request)
    audit = access.get_quality_audit_for(request.user, pk)
    data = render_report(_report_context(request, audit) | {"generated_by": request.user})
    log_access(audit, view="quality_report_pdf")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="quality-audit-{audit.pk}.pdf"'
    return response

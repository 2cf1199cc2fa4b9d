"""Allegation pages. Every fetch goes through ``allegations.access``: a side a
user may not read is a 404 at its own URL, and its content is never put into a
template context anywhere else.

Services are atomic: when one raises, its savepoint is rolled back and the
request's transaction stays usable for re-rendering the form with its errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from allegations import access, family, services
from allegations.forms import (
    AllegationFilterForm,
    AllegationForm,
    AmendmentForm,
    DecisionForm,
    EntryForm,
    ReferralForm,
    RetentionReviewForm,
    SideForm,
    SourceStaffForm,
    StaffMemberForm,
    StatusForm,
)
from allegations.models import Allegation, Referral, RetentionReview, StaffSourceOfHarm
from disclosures import access as decision_access
from disclosures.drafts import RowField
from disclosures.models import DisclosureDecision
from incidents import access as incident_access
from incidents.models import Incident
from incidents.record_files import evidence_upload_page
from incidents.views import attachment
from organisations import access as org_access
from organisations.audit import log_access, log_listed
from organisations.denials import RoleRequired
from organisations.models import Actor, Role
from organisations.paging import plain_page
from organisations.web import submit_and_redirect, submit_or_message

PAGE_SIZE = 25
RETENTION_WINDOW_DAYS = 90


def _require_allegation_role(request: HttpRequest) -> None:
    if not org_access.has_role(request.user, *access.ALLEGATION_ROLES):
        raise RoleRequired(*access.ALLEGATION_ROLES)


def _listing(qs: Any) -> Any:
    return qs.select_related(
        "incident", "staff_member", "safeguarding_record__owner", "hr_record__owner"
    )


def _page(request: HttpRequest, qs: Any) -> tuple[Any, str]:
    page = plain_page(qs, PAGE_SIZE, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def allegation_list(request: HttpRequest) -> HttpResponse:
    _require_allegation_role(request)
    form = AllegationFilterForm(request.GET or None)
    qs = _listing(access.visible_allegations(request.user))
    if form.is_bound and form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            # Search names and references only: never the content of either side.
            qs = qs.filter(
                Q(staff_member__name__icontains=term)
                | Q(staff_member__employee_reference__icontains=term)
                | Q(incident__reference__icontains=term)
            )
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    page, query = _page(request, qs.order_by("-raised_at", "-pk"))
    log_listed(Allegation, page, view="allegation_list", query=request.GET)
    return render(
        request,
        "allegations/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_manage_staff": access.can_manage_staff(request.user),
        },
    )


def for_incident(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    _require_allegation_role(request)
    allegations = _listing(access.visible_allegations(request.user).filter(incident=incident))
    log_access(incident, view="allegations_for_incident")
    return render(
        request,
        "allegations/for_incident.html",
        {
            "incident": incident,
            "allegations": allegations,
            "can_create": access.can_create_allegation(request.user, incident),
        },
    )


def allegation_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    if not access.can_create_allegation(request.user, incident):
        raise RoleRequired(*org_access.INCIDENT_WRITERS)
    form = AllegationForm(request.POST or None, user=request.user, incident=incident)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            _create_allegation,
            success=(
                "Allegation recorded. The incident is now restricted to safeguarding leads "
                "and its need-to-know list."
            ),
            redirect_to=lambda allegation: reverse("allegations:detail", args=[allegation.pk]),
            errors=_map_staff_errors,
            actor=request.user,
            incident=incident,
            data=form.cleaned_data,
        )
        if saved:
            return saved
    log_access(incident, view="allegation_create")
    return render(request, "allegations/form.html", {"form": form, "incident": incident})


def _create_allegation(*, actor: Actor, incident: Incident, data: dict[str, Any]) -> Allegation:
    """The allegation and, when the form names one, a new staff member: both or neither."""
    with transaction.atomic():
        staff = data["staff_member"] or services.create_staff_member(
            actor=actor,
            name=data["new_name"],
            job_title=data["new_job_title"],
            employee_reference=data["new_employee_reference"],
            service=incident.service,
        )
        return services.create_allegation(
            actor=actor,
            incident=incident,
            staff_member=staff,
            what_is_alleged=data["what_is_alleged"],
            categories=data["categories"],
            raised_by=data["raised_by"],
            raised_at=data["raised_at"],
            safeguarding_owner=data["safeguarding_owner"],
            hr_owner=data["hr_owner"],
        )


def _map_staff_errors(exc: ValidationError) -> ValidationError:
    """Errors from creating the new staff member belong on the 'new_' fields."""
    if not hasattr(exc, "error_dict"):
        return exc
    mapping = {"name": "new_name", "job_title": "new_job_title"}
    mapping["employee_reference"] = "new_employee_reference"
    return ValidationError({mapping.get(k, k): v for k, v in exc.message_dict.items()})


def allegation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = access.get_allegation_for(request.user, pk)
    log_access(allegation, view="allegation")
    user = request.user
    referrals = allegation.referrals.select_related("recorded_by", "corrects").order_by(
        "referred_on", "pk"
    )
    return render(
        request,
        "allegations/detail.html",
        {
            "allegation": allegation,
            "sides": _side_summaries(user, allegation),
            "transitions": allegation.transitions.select_related("changed_by"),
            "referrals": referrals,
            "reviews": allegation.retention_reviews.select_related("reviewed_by"),
            "can_see_incident": incident_access.visible_incidents(user)
            .filter(pk=allegation.incident_id)
            .exists(),
            "can_record_outcome": access.can_record_outcome(user, allegation),
            "can_record_referral": access.can_record_referral(user, allegation),
            "can_review_retention": access.can_review_retention(user),
            "family_decisions": family.family_decisions(user, allegation),
            "can_record_family": _can_record_family(user, allegation),
        },
    )


def _can_record_family(user: Actor, allegation: Allegation) -> bool:
    return access.can_read_side(
        user, allegation, "safeguarding"
    ) and decision_access.can_record_decision(user, allegation.incident)


def family_communication(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what the family were told, as a disclosure decision (seed 003 example 1)."""
    from disclosures.services import QualityWarnings

    allegation = access.get_allegation_for(request.user, pk)
    if not _can_record_family(request.user, allegation):
        raise Http404
    form = family.FamilyCommunicationForm(request.POST or None, allegation=allegation)
    warnings: list[Any] = []
    fingerprint = ""
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        confirmed = kwargs.pop("quality_acknowledged") and (
            request.POST.get("quality_fingerprint", "")
        )
        try:
            saved = submit_and_redirect(
                request,
                form,
                _record_family,
                success=lambda decision: (
                    f"Family communication recorded as disclosure decision {decision.number} "
                    f"on {allegation.incident.reference}."
                ),
                redirect_to=reverse("allegations:detail", args=[allegation.pk]),
                errors=_map_disclosure_errors,
                actor=request.user,
                allegation=allegation,
                confirmed=confirmed,
                kwargs=kwargs,
            )
            if saved:
                return saved
        except QualityWarnings as exc:
            warnings, fingerprint = exc.findings, exc.fingerprint
            form = family.FamilyCommunicationForm(
                request.POST, allegation=allegation, warnings=True
            )
            form.is_valid()
    log_access(allegation.safeguarding_record, view="family_communication")
    return render(
        request,
        "allegations/family_form.html",
        {
            "form": form,
            "allegation": allegation,
            "warnings": warnings,
            "fingerprint": fingerprint,
            "has_entries": family.shareable_entries(allegation).exists(),
        },
    )


def _record_family(
    *, actor: Actor, allegation: Allegation, confirmed: str | bool, kwargs: dict[str, Any]
) -> DisclosureDecision:
    """Record without the quality warnings' say-so first; again with it only when
    the author confirmed exactly these warnings (else they are shown)."""
    from disclosures.services import QualityWarnings

    try:
        return family.record_family_communication(
            actor=actor, allegation=allegation, quality_acknowledged=False, **kwargs
        )
    except QualityWarnings as exc:
        if confirmed != exc.fingerprint:
            raise
        return family.record_family_communication(
            actor=actor, allegation=allegation, quality_acknowledged=True, **kwargs
        )


def _map_disclosure_errors(exc: ValidationError) -> ValidationError:
    """record_disclosure keys errors by the draft's fields and rows; show them
    on our fields (the form has one recipient row and one consultation row)."""
    if not hasattr(exc, "error_dict"):
        return exc
    mapping: dict[str | RowField, str] = {
        RowField("recipients", 0, "name"): "family_member",
        RowField("recipients", 0, "role"): "relationship",
        RowField("recipients", 0, "channel"): "channel",
        RowField("recipients", 0, "shared_at"): "shared_at",
        RowField("consultations", 0, "name"): "advocate_name",
        RowField("consultations", 0, "role"): "advocate_role",
        RowField("consultations", 0, "advice"): "advocate_advice",
        "decided_at": "shared_at",
        "what_shared": "entries",
    }
    return ValidationError({mapping.get(k, str(k)): v for k, v in exc.message_dict.items()})


def _side_summaries(user: Actor, allegation: Allegation) -> list[dict[str, Any]]:
    """Existence, owner and status of both sides: all either side may know of the other."""
    return [
        {
            "name": name,
            "label": services.side(name).label,
            "record": services.side(name).record_of(allegation),
            "readable": access.can_read_side(user, allegation, name),
        }
        for name in services.SIDES
    ]


def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = access.get_allegation_for(request.user, pk)
    if not access.can_record_outcome(request.user, allegation):
        raise RoleRequired(Role.LEAD)
    form = StatusForm(
        request.POST or None,
        initial={
            "to_status": allegation.status,
            "outcome": allegation.outcome,
            "outcome_date": allegation.outcome_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.change_status,
            success="Status and outcome saved.",
            redirect_to=reverse("allegations:detail", args=[allegation.pk]),
            actor=request.user,
            allegation=allegation,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(allegation, view="allegation_status")
    return render(request, "allegations/status_form.html", {"form": form, "allegation": allegation})


def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = access.get_allegation_for(request.user, pk)
    if not access.can_record_referral(request.user, allegation):
        raise Http404
    corrects = None
    corrects_pk = request.GET.get("corrects", "")
    if corrects_pk:
        if not corrects_pk.isdigit():
            raise Http404
        # The id as given: an absurd one is "no such referral" in the lookup.
        corrects = access.get_referral_of(allegation, corrects_pk)
    form = ReferralForm(
        request.POST or None,
        correcting=corrects is not None,
        initial=_referral_initial(corrects),
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.add_referral,
            success="Correction recorded." if corrects else "Referral recorded.",
            redirect_to=reverse("allegations:detail", args=[allegation.pk]),
            actor=request.user,
            allegation=allegation,
            corrects=corrects,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(corrects or allegation, view="referral_form")
    return render(
        request,
        "allegations/referral_form.html",
        {"form": form, "allegation": allegation, "corrects": corrects},
    )


def _referral_initial(ref: Referral | None) -> dict[str, Any]:
    if ref is None:
        return {}
    return {
        "kind": ref.kind,
        "body": ref.body,
        "referred_on": ref.referred_on.isoformat(),
        "reference": ref.reference,
        "outcome": ref.outcome,
    }


@require_POST
def retention_review(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = access.get_allegation_for(request.user, pk)
    if not access.can_review_retention(request.user):
        raise RoleRequired(Role.LEAD, Role.HR)
    form = RetentionReviewForm(request.POST)
    if form.is_valid():
        submit_or_message(
            request,
            services.review_retention,
            success="Retention review recorded. Nothing has been deleted.",
            actor=request.user,
            allegation=allegation,
            **form.cleaned_data,
        )
    else:
        messages.error(request, "Retention review not saved: " + _form_errors(form))
    return redirect("allegations:detail", pk=allegation.pk)


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def retention_list(request: HttpRequest) -> HttpResponse:
    if not access.can_review_retention(request.user):
        raise RoleRequired(Role.LEAD, Role.HR)
    today = timezone.localdate()
    show_all = request.GET.get("show") == "all"
    qs = _listing(access.visible_allegations(request.user)).prefetch_related(
        Prefetch(
            "retention_reviews",
            queryset=RetentionReview.objects.select_related("reviewed_by").order_by(
                "-reviewed_at", "-pk"
            ),
        )
    )
    if not show_all:
        qs = qs.filter(review_by__lte=today + timedelta(days=RETENTION_WINDOW_DAYS))
    page, query = _page(request, qs.order_by("review_by", "pk"))
    log_listed(Allegation, page, view="retention", query=request.GET)
    return render(
        request,
        "allegations/retention.html",
        {
            "page": page,
            "query": query,
            "show_all": show_all,
            "today": today,
            "window": RETENTION_WINDOW_DAYS,
            "review_form": RetentionReviewForm(),
        },
    )


def staff_list(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_staff(request.user):
        raise RoleRequired(Role.LEAD, Role.HR)
    q = request.GET.get("q", "").strip()[:100]
    qs = access.visible_staff(request.user).select_related("service", "user")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(employee_reference__icontains=q))
    page, query = _page(request, qs.order_by("name", "pk"))
    return render(request, "allegations/staff_list.html", {"page": page, "q": q, "query": query})


def staff_create(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_staff(request.user):
        raise RoleRequired(Role.LEAD, Role.HR)
    form = StaffMemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.create_staff_member,
            success=lambda staff: f"{staff.name} added.",
            redirect_to=reverse("allegations:staff"),
            actor=request.user,
            **form.cleaned_data,
        )
        if saved:
            return saved
    return render(request, "allegations/staff_form.html", {"form": form})


# --- The two sides ----------------------------------------------------------


def _side_or_404(request: HttpRequest, pk: int, side_name: str) -> tuple[Allegation, Any]:
    allegation = access.get_allegation_for(request.user, pk)
    if not access.can_read_side(request.user, allegation, side_name):
        raise Http404
    return allegation, services.side(side_name)


def side_detail(request: HttpRequest, pk: int, side_name: str) -> HttpResponse:
    allegation, side = _side_or_404(request, pk, side_name)
    record = side.record_of(allegation)
    log_access(record, view=f"{side_name}_record")
    amendments = side.amendment.objects.select_related("author")
    entries = record.entries.select_related("recorded_by").prefetch_related(
        Prefetch("amendments", queryset=amendments)
    )
    decisions = record.decisions.select_related("recorded_by").prefetch_related(
        Prefetch("amendments", queryset=amendments)
    )
    other = "hr" if side_name == "safeguarding" else "safeguarding"
    return render(
        request,
        "allegations/side.html",
        {
            "allegation": allegation,
            "side": side,
            "record": record,
            "entries": entries,
            "decisions": decisions,
            "other": {
                "label": services.side(other).label,
                "record": services.side(other).record_of(allegation),
            },
            "files": safeguarding_files(allegation) if side_name == "safeguarding" else None,
            "add_file_url": reverse("allegations:safeguarding_evidence_upload", args=[pk])
            if side_name == "safeguarding"
            else "",
            "side_form": SideForm(
                user=request.user,
                side_name=side_name,
                initial={
                    "version": record.version,
                    "owner": record.owner_id,
                    "status": record.status,
                },
            ),
        },
    )


@require_POST
def side_update(request: HttpRequest, pk: int, side_name: str) -> HttpResponse:
    allegation, side = _side_or_404(request, pk, side_name)
    form = SideForm(request.POST, user=request.user, side_name=side_name)
    if form.is_valid():
        submit_or_message(
            request,
            services.update_side,
            success=f"{side.label}: owner and status saved.",
            actor=request.user,
            allegation=allegation,
            side_name=side_name,
            owner=form.cleaned_data["owner"],
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"allegations:{side_name}", pk=allegation.pk)


def entry_create(request: HttpRequest, pk: int, side_name: str) -> HttpResponse:
    allegation, side = _side_or_404(request, pk, side_name)
    return _side_write(
        request,
        allegation,
        side,
        EntryForm(request.POST or None, side_name=side_name),
        services.add_entry,
        done="Entry added.",
        view="entry_create",
        title=f"Add an entry to {side.in_sentence}",
    )


def decision_create(request: HttpRequest, pk: int, side_name: str) -> HttpResponse:
    allegation, side = _side_or_404(request, pk, side_name)
    return _side_write(
        request,
        allegation,
        side,
        DecisionForm(request.POST or None, user=request.user),
        services.add_decision,
        done="Key decision recorded.",
        view="decision_create",
        title=f"Record a key decision on {side.in_sentence}",
    )


def _side_write(
    request: HttpRequest,
    allegation: Allegation,
    side: services.Side,
    form: Any,
    service: Callable[..., Any],
    *,
    done: str,
    view: str,
    title: str,
) -> HttpResponse:
    """A page that adds one thing to a side's record: the form, then the service."""
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            service,
            success=done,
            redirect_to=reverse(f"allegations:{side.name}", args=[allegation.pk]),
            actor=request.user,
            allegation=allegation,
            side_name=side.name,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(side.record_of(allegation), view=f"{side.name}_{view}")
    return render(
        request,
        "allegations/side_form.html",
        {"form": form, "allegation": allegation, "side": side, "title": title},
    )


def amend(
    request: HttpRequest, pk: int, item_pk: int, side_name: str, target_kind: str
) -> HttpResponse:
    allegation, side = _side_or_404(request, pk, side_name)
    model = side.entry if target_kind == "entry" else side.decision
    target = access.get_side_item_of(allegation, model, item_pk)
    form = AmendmentForm(request.POST or None, target_kind=target_kind)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.amend,
            success="Amendment saved. The original remains visible.",
            redirect_to=reverse(f"allegations:{side_name}", args=[allegation.pk]),
            actor=request.user,
            allegation=allegation,
            side_name=side_name,
            target=target,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(target, view=f"{side_name}_{target_kind}_amend")
    return render(
        request,
        "allegations/amend_form.html",
        {
            "form": form,
            "allegation": allegation,
            "side": side,
            "target": target,
            "target_kind": target_kind,
        },
    )


def _name_source_staff(*, actor: Actor, link: Any, data: dict[str, Any]) -> Any:
    """The staff record (new or chosen) and its tie to the link: both or neither."""
    with transaction.atomic():
        staff = data["staff_member"] or services.create_staff_member(
            actor=actor,
            name=data["new_name"],
            job_title=data["new_job_title"],
            employee_reference=data["new_employee_reference"],
            service=link.incident.service,
        )
        return services.name_staff_as_source_of_harm(actor=actor, link=link, staff_member=staff)


def source_staff(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """Tie an alleged source of harm who is a member of staff to their staff
    record (issue 21): their login is excluded from the incident at once."""
    incident = incident_access.get_incident_for(request.user, pk)
    if not (
        org_access.has_role(request.user, Role.MANAGER, Role.LEAD)
        and incident_access.can_record_on(request.user, incident)
    ):
        raise RoleRequired(Role.MANAGER, Role.LEAD)
    link = incident_access.get_link_of(incident, link_pk)
    if link.role != "source_of_harm" or not link.is_staff:
        raise Http404
    named = StaffSourceOfHarm.objects.filter(link=link).select_related("staff_member").first()
    form = SourceStaffForm(request.POST or None, user=request.user)
    if named is None and request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            _name_source_staff,
            success=(
                f"{link.person.full_name} linked to their staff record. "
                "Their login, if any, cannot see this incident."
            ),
            redirect_to=reverse("incidents:person_links", args=[incident.pk]),
            actor=request.user,
            link=link,
            data=form.cleaned_data,
        )
        if saved:
            return saved
    log_access(link, view="source_staff")
    return render(
        request,
        "allegations/source_staff.html",
        {"incident": incident, "link": link, "named": named, "form": form},
    )


# --- Evidence files on the safeguarding record (issue 21) -----------------------


def _safeguarding_side(request: HttpRequest, pk: int) -> Allegation:
    """The allegation, only for those who may read its safeguarding side (a 404
    otherwise: HR, auditors, the subject, another organisation)."""
    allegation, _side = _side_or_404(request, pk, "safeguarding")
    return allegation


def safeguarding_files(allegation: Allegation) -> list[tuple[Any, str]]:
    return [
        (f, reverse("allegations:safeguarding_evidence_download", args=[allegation.pk, f.pk]))
        for f in access.safeguarding_evidence(allegation)
    ]


def safeguarding_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = _safeguarding_side(request, pk)
    return evidence_upload_page(
        request,
        record=allegation.safeguarding_record,
        incident=allegation.incident,
        files=access.safeguarding_evidence(allegation),
        add=services.add_safeguarding_evidence,
        record_label="The safeguarding record",
        back_url=reverse("allegations:safeguarding", args=[allegation.pk]),
        view="safeguarding_evidence_upload",
        allegation=allegation,
    )


def safeguarding_evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    allegation = _safeguarding_side(request, pk)
    evidence = access.get_safeguarding_evidence(allegation, evidence_pk)
    return attachment(evidence, view="safeguarding_evidence_download")

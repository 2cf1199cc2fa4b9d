from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from disclosures import access, services
from disclosures.drafts import DecisionDraft, RowField
from disclosures.forms import (
    CONSULTATION_HELPER,
    ESCALATION_HELPER,
    KNOWN_RECIPIENT_HELPER,
    RECIPIENT_HELPER,
    AmendmentForm,
    ConsultationFormSet,
    DecisionForm,
    EscalationFormSet,
    RecipientFormSet,
    RegisterFilterForm,
    ReviewForm,
    ReviewsDueFilterForm,
    quiet,
)
from disclosures.known import KnownRecipient, known_recipients
from disclosures.models import AMENDABLE_FIELDS, DisclosureDecision, EscalationCheck
from incidents import access as incident_access
from incidents.pagination import capped_page
from incidents.record_files import evidence_upload_page
from incidents.views import attachment
from organisations import access as org_access
from organisations.audit import log_access, log_listed
from organisations.denials import RoleRequired
from organisations.paging import COUNT_CAP, capped_count, plain_page
from organisations.web import REFUSED, submit, submit_and_redirect

PAGE_SIZE = 25
ROW_SETS = {
    "recipients": "add_recipient",
    "consultations": "add_consultation",
    "escalations": "add_escalation",
}


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _require_reader(request: HttpRequest) -> None:
    membership = org_access.require_membership(request.user)
    if membership.role not in org_access.INCIDENT_READERS:
        raise RoleRequired(*org_access.INCIDENT_READERS)


# --- Registers ---------------------------------------------------------------


def incident_log(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    log_access(incident, view="disclosure_log")
    decisions = (
        access.visible_decisions(request.user)
        .filter(incident=incident)
        .with_review_point()
        .select_related("decided_by")
        .prefetch_related("recipients", "quality_findings")
        .order_by("-decided_at", "-pk")
    )
    page = plain_page(decisions, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "disclosures/incident_log.html",
        {
            "incident": incident,
            "page": page,
            "query": "",
            "today": timezone.localdate(),
            "can_record": access.can_record_decision(request.user, incident),
        },
    )


def person_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Every decision about one adult at risk, across incidents: who received
    what, when and why. The answer to a subject access request about disclosures."""
    person = incident_access.get_person_for(request.user, pk)
    log_access(person, view="disclosure_register")
    form = RegisterFilterForm(request.GET or None)
    qs = access.visible_decisions(request.user).concerning(person)
    if form.is_bound and form.is_valid():
        qs = form.apply(qs)
    qs = (
        qs.select_related("incident", "decided_by")
        .prefetch_related("recipients")
        .order_by("-decided_at", "-pk")
    )
    page = plain_page(qs, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "disclosures/person_register.html",
        {
            "person": person,
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


def reviews_due(request: HttpRequest) -> HttpResponse:
    membership = org_access.require_membership(request.user)
    if membership.role not in org_access.INCIDENT_WRITERS:
        raise RoleRequired(*org_access.INCIDENT_WRITERS)
    form = ReviewsDueFilterForm(request.GET or None)
    today = timezone.localdate()
    open_points = access.open_review_points(request.user)
    window = form.cleaned_data.get("window") if form.is_valid() else ""
    qs = open_points
    if window == "overdue":
        qs = qs.filter(review_point__due_date__lt=today)
    elif window == "14":
        qs = qs.filter(review_point__due_date__lte=today + timedelta(days=14))
    qs = qs.select_related("incident", "incident__service", "decided_by").order_by(
        "review_point__due_date", "incident__reference", "number_in_incident"
    )
    page = capped_page(qs, PAGE_SIZE, request.GET.get("page"))
    overdue = capped_count(open_points.filter(review_point__due_date__lt=today), COUNT_CAP)
    log_listed(DisclosureDecision, page, view="reviews_due", query=request.GET)
    return render(
        request,
        "disclosures/reviews_due.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "overdue_count": overdue.count,
            "overdue_more": overdue.more,
            "query": _query_without_page(request),
            "scope": "the whole organisation" if membership.is_lead else "your services",
        },
    )


# --- Recording ---------------------------------------------------------------


def _formsets(known: list[KnownRecipient], data: Any = None) -> dict[str, Any]:
    if data is not None and "escalations-TOTAL_FORMS" not in data:
        # The escalation rows are optional: a post without them (an older page,
        # a script) has none, rather than a broken row set.
        data = data.copy()
        data.update({"escalations-TOTAL_FORMS": "0", "escalations-INITIAL_FORMS": "0"})
    return {
        "recipients": RecipientFormSet(data, prefix="recipients", form_kwargs={"known": known}),
        "consultations": ConsultationFormSet(data, prefix="consultations"),
        "escalations": EscalationFormSet(data, prefix="escalations"),
    }


def _apply_errors(
    exc: ValidationError, form: Any, formsets: dict[str, Any], rows: dict[str, list[int]]
) -> None:
    """Put the service's errors on the form, the right row, or the row set.
    ``rows`` maps each draft row's index to its form's index in the row set."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        if isinstance(key, RowField):
            row_form = formsets[key.rows].forms[rows[key.rows][key.index]]
            if key.field not in row_form.errors:
                row_form.add_error(key.field if key.field in row_form.fields else None, errors)
        elif key in formsets:
            formsets[key].non_form_errors().extend(errors)
        elif key not in form.errors:
            form.add_error(key if key in form.fields else None, errors)


def _draft(form: Any, formsets: dict[str, Any]) -> tuple[DecisionDraft, dict[str, list[int]]]:
    """The decision the page describes (as far as it is valid), and for each
    row set the form index of each of the draft's rows."""
    data = dict(getattr(form, "cleaned_data", {}))
    rows = {prefix: fs.rows() for prefix, fs in formsets.items()}
    data.update({prefix: [r for _, r in rows[prefix]] for prefix in formsets})
    return DecisionDraft.from_values(data), {p: [i for i, _ in r] for p, r in rows.items()}


def _add_rule_errors(form: Any, formsets: dict[str, Any]) -> None:
    """The form already has errors: also show the rules of the law that the
    valid part breaks, so the author sees every problem in one go."""
    draft, row_index = _draft(form, formsets)
    submit(
        form,
        services.validate_decision,
        show=lambda exc: _apply_errors(exc, form, formsets, row_index),
        draft=draft,
    )


def _error_summary(form: Any, formsets: dict[str, Any]) -> list[tuple[str, str]]:
    """(message, anchor) for the role=alert summary at the top of the form, in
    the order the fields appear on the page."""
    order = list(form.fields)
    # Row sets sit on the page after these fields.
    place = {
        "recipients": order.index("what_withheld") + 0.5,
        "consultations": order.index("safe_contact") + 0.5,
        "escalations": len(order),
    }
    entries: list[tuple[float, str, str]] = []
    for name, errors in form.errors.items():
        position = order.index(name) if name in form.fields else -1
        anchor = f"#id_{name}" if name in form.fields else "#decision-form"
        if name in ("decision", "consent_position"):
            anchor = f"#id_{name}_0"
        label = form[name].label if name in form.fields else ""
        entries.extend((position, f"{label}: {e}" if label else str(e), anchor) for e in errors)
    for prefix, formset in formsets.items():
        noun = {
            "recipients": "Recipient",
            "consultations": "Person consulted",
            "escalations": "Escalation condition",
        }[prefix]
        entries.extend((place[prefix], str(e), f"#{prefix}") for e in formset.non_form_errors())
        for i, row in enumerate(formset.forms):
            for name, errors in row.errors.items():
                anchor = f"#id_{prefix}-{i}-{name}" if name in row.fields else f"#{prefix}"
                entries.extend((place[prefix], f"{noun} {i + 1}: {e}", anchor) for e in errors)
    entries.sort(key=lambda entry: entry[0])
    return [(message, anchor) for _, message, anchor in entries]


def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    if not access.can_record_decision(request.user, incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    warnings: list[Any] = []
    warnings_fingerprint = ""
    focus_field = ""
    known = known_recipients(request.user, incident)
    if request.method != "POST":
        form = DecisionForm(user=request.user)
        formsets = _formsets(known)
    else:
        data = request.POST.copy()
        added = next((p for p, button in ROW_SETS.items() if button in data), None)
        if added:
            # "Add another …": one more empty row, input kept, no validation yet.
            key = f"{added}-TOTAL_FORMS"
            try:
                data[key] = str(min(int(data.get(key, "1")) + 1, 30))
            except ValueError:
                data[key] = "1"
        form = DecisionForm(data, user=request.user)
        formsets = _formsets(known, data)
        if added:
            quiet(form)
            for formset in formsets.values():
                quiet(formset)
            first = "condition" if added == "escalations" else "name"
            focus_field = f"id_{added}-{len(formsets[added].forms) - 1}-{first}"
        else:
            valid = form.is_valid()
            valid = all([fs.is_valid() for fs in formsets.values()]) and valid
            if not valid:
                _add_rule_errors(form, formsets)
            else:
                decision, warnings, warnings_fingerprint = _save(request, incident, form, formsets)
                if decision is not None:
                    messages.success(
                        request,
                        f"Decision {decision.number} recorded on {incident.reference}.",
                    )
                    return redirect("disclosures:detail", pk=decision.pk)
    log_access(incident, view="disclosure_create")
    return render(
        request,
        "disclosures/form.html",
        {
            "incident": incident,
            "form": form,
            "recipients": formsets["recipients"],
            "consultations": formsets["consultations"],
            "recipient_helper": KNOWN_RECIPIENT_HELPER if known else RECIPIENT_HELPER,
            "consultation_helper": CONSULTATION_HELPER,
            "escalations": formsets["escalations"],
            "escalation_helper": ESCALATION_HELPER,
            "errors": _error_summary(form, formsets) if form.is_bound and not warnings else [],
            "warnings": warnings,
            "warnings_fingerprint": warnings_fingerprint,
            "focus_field": focus_field,
        },
    )


def _save(
    request: HttpRequest, incident: Any, form: Any, formsets: dict[str, Any]
) -> tuple[DisclosureDecision | None, list[Any], str]:
    draft, row_index = _draft(form, formsets)
    confirmed = request.POST.get("quality_fingerprint", "") if "confirm" in request.POST else ""
    try:
        decision = submit(
            form,
            services.record_confirmed,
            show=lambda exc: _apply_errors(exc, form, formsets, row_index),
            actor=request.user,
            incident=incident,
            draft=draft,
            confirmed=confirmed,
        )
    except services.QualityWarnings as exc:
        # Nothing saved: show the warnings; the author improves or confirms.
        return None, exc.findings, exc.fingerprint
    return (None if decision is REFUSED else decision), [], ""


def _amendments_by_field(decision: DisclosureDecision) -> dict[str, list[Any]]:
    by_field: dict[str, list[Any]] = defaultdict(list)
    for amendment in decision.amendments.select_related("author"):
        by_field[amendment.field].append(amendment)
    return dict(by_field)


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for(request.user, pk)
    log_access(decision, view="disclosure_decision")
    annotated: Any = DisclosureDecision.objects.with_review_point().get(pk=decision.pk)
    amendments = _amendments_by_field(decision)
    d = decision

    def text(name: str, label: str, empty: str = "Not recorded.") -> dict[str, Any]:
        return {
            "name": name,
            "label": label,
            "value": getattr(d, name),
            "empty": empty,
            "amendments": amendments.get(name, []),
        }

    def choice(label: str, value: str, empty: str = "Not recorded.") -> dict[str, Any]:
        return {"label": label, "value": value, "empty": empty, "amendments": []}

    sections = [
        (
            "What was shared",
            [
                text("what_shared", "What was shared (facts only)", "Nothing was shared."),
                text("what_withheld", "What was withheld, and why", "Nothing was withheld."),
            ],
        ),
        (
            "Why: reasoning and lawful basis",
            [
                choice("Purpose", d.get_purpose_display()),
                text("information_considered", "Information considered"),
                text("reasoning", "Reasoning"),
                choice("Lawful basis (UK GDPR Art. 6)", d.get_lawful_basis_display()),
                choice(
                    "Special-category condition (Art. 9 / DPA 2018 Sch. 1)",
                    d.get_special_condition_display(),
                ),
                text("proportionality", "Why this is the minimum necessary"),
            ],
        ),
        (
            "Consent",
            [
                choice("Consent position", d.get_consent_position_display()),
                choice("Reason", d.get_consent_reason_display(), "—"),
                text("consent_reason_detail", "The reason, for this person now", "—"),
                text("consent_discussion", "What was discussed with the person"),
                text("understanding_checked", "How understanding was checked"),
                text("override_authorised_by", "Who authorised overriding the refusal", "—"),
                text("override_reason", "Why the refusal was overridden", "—"),
            ],
        ),
        (
            "Minimising harm",
            [
                text("confidentiality_measures", "How confidentiality was protected"),
                text("retaliation_risk", "Retaliation risk and how it is managed"),
                text("safe_contact", "Safe-contact arrangements"),
            ],
        ),
        (
            "Outcome and review point",
            [
                text("outcome", "Outcome: actions agreed"),
                choice("Review point", d.review_date.strftime("%-d %b %Y")),
                text("review_what", "What will be reviewed"),
            ],
        ),
    ]
    can_record = access.can_record_decision(request.user, decision.incident)
    return render(
        request,
        "disclosures/detail.html",
        {
            "decision": decision,
            "incident": decision.incident,
            "sections": sections,
            "recipients": decision.recipients.all(),
            "consultations": decision.consultations.all(),
            "dissent": text("dissenting_views", "Dissenting views", "None recorded."),
            "recipient_amendments": amendments.get("recipients", []),
            "consultation_amendments": amendments.get("consultations", []),
            "reviews": decision.reviews.select_related("reviewed_by").prefetch_related(
                Prefetch(
                    "escalation_checks",
                    queryset=EscalationCheck.objects.select_related("condition"),
                )
            ),
            "escalations": decision.escalation_conditions.all(),
            "findings": decision.quality_findings.all(),
            "current_review_date": annotated.current_review_date,
            "current_review_what": annotated.current_review_what,
            "today": timezone.localdate(),
            "can_record": can_record,
            "files": decision_files(decision),
            "add_file_url": reverse("disclosures:evidence_upload", args=[decision.pk])
            if can_record
            else "",
        },
    )


def decision_amend(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for(request.user, pk)
    if not access.can_record_decision(request.user, decision.incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    field = request.GET.get("field", "")
    initial: dict[str, Any] = {}
    if field in dict(AMENDABLE_FIELDS):
        initial = {"field": field, "new_text": decision.text_to_correct(field)}
    form = AmendmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.amend_decision,
            success="Amendment saved. The original text remains visible.",
            redirect_to=reverse("disclosures:detail", args=[decision.pk]),
            actor=request.user,
            decision=decision,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(decision, view="disclosure_amend")
    return render(
        request,
        "disclosures/amend_form.html",
        {"form": form, "decision": decision, "incident": decision.incident},
    )


def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for(request.user, pk)
    if not access.can_record_decision(request.user, decision.incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    annotated: Any = DisclosureDecision.objects.with_review_point().get(pk=decision.pk)
    if annotated.current_review_date is None:
        messages.info(request, "Reviewing of this decision has ended.")
        return redirect("disclosures:detail", pk=decision.pk)
    conditions = list(decision.escalation_conditions.all())
    form = ReviewForm(request.POST or None, conditions=conditions)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.record_review,
            success="Review recorded.",
            redirect_to=reverse("disclosures:detail", args=[decision.pk]),
            actor=request.user,
            decision=decision,
            **form.review_values(),
        )
        if saved:
            return saved
    log_access(decision, view="disclosure_review")
    return render(
        request,
        "disclosures/review_form.html",
        {
            "form": form,
            "decision": decision,
            "incident": decision.incident,
            "current_review_date": annotated.current_review_date,
            "current_review_what": annotated.current_review_what,
            "today": timezone.localdate(),
        },
    )


# --- Evidence files on a decision (issue 21) -----------------------------------


def decision_files(decision: DisclosureDecision) -> list[tuple[Any, str]]:
    return [
        (f, reverse("disclosures:evidence_download", args=[decision.pk, f.pk]))
        for f in access.decision_evidence(decision)
    ]


def decision_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_decision_for(request.user, pk)
    if not access.can_record_decision(request.user, decision.incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    return evidence_upload_page(
        request,
        record=decision,
        incident=decision.incident,
        files=access.decision_evidence(decision),
        add=services.add_decision_evidence,
        record_label=f"Disclosure decision {decision.number}",
        back_url=reverse("disclosures:detail", args=[decision.pk]),
        view="decision_evidence_upload",
        decision=decision,
    )


def decision_evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    decision = access.get_decision_for(request.user, pk)
    evidence = access.get_decision_evidence(decision, evidence_pk)
    return attachment(evidence, view="decision_evidence_download")

"""Recording a notification's outcome, the pre-filled CQC notification, and the
lead's page of rules and overrides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from disclosures.services import QualityWarnings
from notifications import access, cqc, rules, services
from notifications.forms import CqcSentForm, OutcomeForm, OverrideForm
from notifications.models import Notification, RuleOverride
from organisations.access import require_membership
from organisations.audit import log_access
from organisations.denials import RoleRequired
from organisations.models import Role
from organisations.web import REFUSED, submit, submit_and_redirect


def _back(notification: Notification) -> str:
    if notification.allegation_id is not None:
        url = reverse("allegations:detail", args=[notification.allegation_id])
    else:
        url = reverse("incidents:detail", args=[notification.incident_id])
    return f"{url}#notification-{notification.pk}"


def record(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for(request.user, pk)
    if not access.can_record_outcome(request.user, notification):
        raise RoleRequired(Role.MANAGER, Role.LEAD, Role.HR)
    previous = services.latest_outcome(notification)
    form = OutcomeForm(
        request.POST or None,
        correcting=previous is not None,
        recipient=notification.rule.recipient,
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.record_outcome,
            success="Correction recorded." if previous else "Notification outcome recorded.",
            redirect_to=_back(notification),
            actor=request.user,
            notification=notification,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(notification, view="notification_record")
    return render(
        request,
        "notifications/record.html",
        {
            "notification": notification,
            "previous": previous,
            "form": form,
            "back": _back(notification),
            "outcomes": notification.outcomes.select_related("decided_by").order_by("pk"),
        },
    )


def cqc_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for(request.user, pk)
    if not access.can_send_cqc(request.user, notification):
        raise RoleRequired(Role.MANAGER, Role.LEAD)
    text = cqc.prefill(notification)
    form = CqcSentForm(request.POST or None, initial={"text": text})
    warnings: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = submit(
                form,
                services.record_cqc_sent,
                actor=request.user,
                notification=notification,
                text=data["text"],
                sent_at=data["sent_at"],
                reference=data["reference"],
                review_date=data["review_date"],
                quality_confirmed=data["quality_confirmed"],
            )
        except QualityWarnings as exc:
            warnings = exc.findings
            data_copy = request.POST.copy()
            data_copy["quality_confirmed"] = exc.fingerprint
            form.data = data_copy
            result = REFUSED
        if result is not REFUSED:
            messages.success(
                request, "CQC notification recorded, with a disclosure decision of the text sent."
            )
            return redirect(_back(notification))
    log_access(notification.incident, view="cqc_notification")
    return render(
        request,
        "notifications/cqc.html",
        {
            "notification": notification,
            "form": form,
            "warnings": warnings,
            "back": _back(notification),
        },
    )


def rules_page(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_rules(request.user):
        raise RoleRequired(Role.LEAD)
    return _rules_page(request, {})


def _rules_page(request: HttpRequest, bound: dict[str, OverrideForm]) -> HttpResponse:
    history = list(access.overrides_of(request.user).select_related("set_by").order_by("-id"))
    current: dict[str, RuleOverride] = {}
    for o in reversed(history):
        current[o.rule_code] = o
    organisation_id = require_membership(request.user).organisation_id
    table = []
    for r in rules.RULES:
        required, hours = services.settings_for(organisation_id, r)
        table.append(
            {
                "rule": r,
                "required": required,
                "clock": rules.describe_clock(hours, working=r.working),
                "override": current.get(r.code),
                "form": bound.get(r.code)
                or (OverrideForm(rule=r) if r.overridable.anything else None),
            }
        )
    return render(
        request,
        "notifications/rules.html",
        {"table": table, "history": history, "now": timezone.now()},
    )


@require_POST
def override(request: HttpRequest, code: str) -> HttpResponse:
    if not access.can_manage_rules(request.user):
        raise RoleRequired(Role.LEAD)
    rule = rules.BY_CODE.get(code)
    if rule is None or not rule.overridable.anything:
        raise Http404
    form = OverrideForm(request.POST, rule=rule)
    if form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.set_override,
            success=f"{rule.title}: setting saved.",
            redirect_to=reverse("notifications:rules"),
            actor=request.user,
            rule_code=code,
            required=form.cleaned_data.get("required"),
            hours=form.cleaned_data.get("hours"),
            reason=form.cleaned_data["reason"],
        )
        if saved:
            return saved
    return _rules_page(request, {code: form})

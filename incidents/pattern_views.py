"""Pattern alerts (leads only): the open alerts, one alert with its reviews,
and the organisation's threshold. Every page is the lead's own organisation's
and built through the incident rule (``incidents.alerts``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from incidents import alerts
from incidents.forms import AlertReviewForm, PatternSettingsForm
from incidents.models import Incident
from incidents.patterns import AlertKind
from organisations import access as org_access
from organisations.audit import log_listed
from organisations.denials import RoleRequired
from organisations.models import Role
from organisations.paging import page_number
from organisations.web import submit_and_redirect

PAGE_SIZE = 20


def _require_lead(request: HttpRequest) -> int:
    membership = org_access.require_membership(request.user)
    if membership.role != Role.LEAD:
        raise RoleRequired(Role.LEAD)
    return membership.organisation_id


def pattern_alerts(request: HttpRequest) -> HttpResponse:
    """Unreviewed alerts of each kind, newest first, a page of each (the
    ``page`` number applies to every kind): a fixed number of queries."""
    organisation_id = _require_lead(request)
    number = page_number(request.GET.get("page"))
    start = (number - 1) * PAGE_SIZE
    sections = []
    more = False
    for kind in AlertKind:
        rows = list(alerts.open_alerts(request.user, kind)[start : start + PAGE_SIZE + 1])
        more = more or len(rows) > PAGE_SIZE
        sections.append((kind, alerts.to_alerts(kind, rows[:PAGE_SIZE], request.user)))
    shown = [i for _, found in sections for alert in found for i in alert.incidents]
    log_listed(Incident, shown, view="pattern_alerts")
    return render(
        request,
        "incidents/pattern_alerts.html",
        {
            "sections": sections,
            "settings": alerts.current_settings(organisation_id),
            "page_number": number,
            "previous_page": number - 1 if number > 1 else None,
            "next_page": number + 1 if more else None,
        },
    )


def pattern_review(request: HttpRequest, kind: str, key: int) -> HttpResponse:
    """One alert as the lead sees it now, its earlier reviews, and the form
    to mark it reviewed."""
    _require_lead(request)
    alert = alerts.get_alert_for(request.user, kind, key)
    form = AlertReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            alerts.review_alert,
            success="Alert marked as reviewed.",
            redirect_to=reverse("incidents:pattern_alerts"),
            actor=request.user,
            kind=alert.kind,
            key=alert.key,
            note=form.cleaned_data["note"],
        )
        if saved:
            return saved
    log_listed(Incident, alert.incidents, view="pattern_alert")
    return render(
        request,
        "incidents/pattern_review.html",
        {
            "alert": alert,
            "form": form,
            "reviews": alerts.reviews_of(request.user, alert),
            "is_open": alert.last_reviewed_at is None or alert.fired_at > alert.last_reviewed_at,
        },
    )


def pattern_settings(request: HttpRequest) -> HttpResponse:
    organisation_id = _require_lead(request)
    current = alerts.current_settings(organisation_id)
    form = PatternSettingsForm(
        request.POST or None,
        initial={"threshold": current.threshold, "window_days": current.window_days},
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            alerts.change_settings,
            success="Pattern alert settings saved.",
            redirect_to=reverse("incidents:pattern_alerts"),
            actor=request.user,
            **form.cleaned_data,
        )
        if saved:
            return saved
    return render(
        request,
        "incidents/pattern_settings.html",
        {
            "form": form,
            "current": current,
            "history": alerts.settings_history(organisation_id)[:50],
        },
    )

"""The home page (a dashboard per role) and the leads' charts.

This lives in ``audits`` because a dashboard reads every app (incidents,
disclosures, allegations, audits) and ``audits`` is the one app allowed to
read everything; ``organisations`` sits at the bottom of the dependency graph
and must not import upwards. Every query goes through the apps' ``access`` modules
and aggregates in the database.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Count, DateField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from allegations import access as allegation_access
from audits import access
from audits.svgcharts import Chart, Series
from disclosures import access as decision_access
from disclosures.work import due_review_points
from incidents import access as incident_access
from incidents.models import Incident, Status
from incidents.pagination import first_rows
from notifications import dashboard as notification_dashboard
from organisations import access as org_access
from organisations import my_work
from organisations.audit import log_event
from organisations.denials import RoleRequired
from organisations.models import Actor, Role
from organisations.paging import COUNT_CAP, capped_count

DUE_WINDOW_DAYS = 14
LIST_LIMIT = 10
CHART_MONTHS = 12


def _count(qs: QuerySet[Any], cap: int | None) -> tuple[int, bool]:
    """(count, more): exact when ``cap`` is None."""
    if cap is None:
        return qs.count(), False
    counted = capped_count(qs, cap)
    return counted.count, counted.more


# --- Building blocks ----------------------------------------------------------


def _first(qs: QuerySet[Any]) -> list[Any]:
    return first_rows(qs, LIST_LIMIT)


def _counted(qs: QuerySet[Any]) -> dict[str, Any]:
    count, more = _count(qs, COUNT_CAP)
    return {"count": count, "more": more}


def reviews_due(
    user: Actor,
    today: date | None = None,
    *,
    exact: bool = False,
    work: my_work.Summary | None = None,
) -> dict[str, Any]:
    """Open review points the user chases: overdue (before today) and due in
    the next fortnight. Counts (up to COUNT_CAP, or ``exact``) plus the first
    few of each, soonest first. With ``work`` (the home page's My work
    summary), its "reviews" list's counts and dates are the panel's: counted
    once, and the panel cannot disagree with My work."""
    if work is not None and work.window is not None:
        today = timezone.localdate(work.window.now)
        until = timezone.localdate(work.window.horizon)
    else:
        today = today or timezone.localdate()
        until = today + timedelta(days=DUE_WINDOW_DAYS)
    # The query of the "reviews" list of My work (disclosures/work.py).
    overdue, due = due_review_points(user, today, until)

    def first(qs: QuerySet[Any]) -> list[Any]:
        return _first(qs.select_related("incident", "incident__service"))

    if work is not None:
        listed = work.of("reviews")
        overdue_count, overdue_more = listed.overdue_count, listed.overdue_more
        due_count, due_more = listed.due_count, listed.due_more
    else:
        # Primary keys only: a decision's number (a subquery per row) counts nothing.
        cap = None if exact else COUNT_CAP
        overdue_count, overdue_more = _count(overdue.values("pk"), cap)
        due_count, due_more = _count(due.values("pk"), cap)
    return {
        "overdue": first(overdue),
        "overdue_count": overdue_count,
        "overdue_more": overdue_more,
        "due": first(due),
        "due_count": due_count,
        "due_more": due_more,
        "window": DUE_WINDOW_DAYS,
        "today": today,
    }


def open_incidents(user: Actor, *, restricted: bool | None = None) -> dict[str, Any]:
    qs = incident_access.visible_incidents(user).exclude(status=Status.CLOSED)
    membership = org_access.membership_of(user)
    if membership is not None and membership.role == Role.MANAGER:
        # A manager's dashboard is about their services (grants elsewhere show
        # on the incident list, not here).
        qs = qs.filter(service__in=access.dashboard_services(user))
    if restricted is not None:
        qs = qs.filter(restricted=restricted)
    return {
        "items": _first(qs.select_related("service").order_by("-became_aware_at", "-pk")),
        **_counted(qs),
    }


def recent_decisions(user: Actor) -> list[Any]:
    return _first(
        decision_access.visible_decisions(user)
        .filter(Q(decided_by=user) | Q(recorded_by=user))
        .select_related("incident")
        .order_by("-decided_at", "-pk")
    )


def unaudited_consent_decisions(user: Actor) -> dict[str, Any]:
    """Consent refused / not sought decisions no quality audit has sampled yet."""
    from audits.quality.models import SampledRecord, Source

    membership = org_access.require_membership(user)
    sampled = SampledRecord.objects.filter(
        organisation_id=membership.organisation_id,
        audit__source=Source.DECISIONS,
        record_id=OuterRef("pk"),
    )
    qs = (
        decision_access.visible_decisions(user)
        .filter(consent_position__in=["refused", "not_sought"])
        .filter(~Exists(sampled))
    )
    return {
        "items": _first(qs.select_related("incident").order_by("-decided_at", "-pk")),
        **_counted(qs.values("pk")),  # not each decision's number (a subquery per row)
    }


def allegations_panel(user: Actor, *, side: str) -> dict[str, Any]:
    """Allegations not yet concluded: for HR those whose HR side is still open;
    for leads, with how many referrals (PiPoT, police, DBS, regulator) await
    the outcome."""
    qs = allegation_access.visible_allegations(user).exclude(status="concluded")
    if side == "hr":
        qs = qs.exclude(hr_record__status="closed")
    qs = qs.annotate(referral_count=Count("referrals", distinct=True))
    return {
        "items": _first(qs.select_related("incident").order_by("-raised_at", "-pk")),
        **_counted(qs),
        "side": side,
    }


def audits_in_progress(user: Actor) -> dict[str, Any]:
    qs = access.visible_quality_audits(user).filter(closed_at__isnull=True)
    return {
        "items": list(
            qs.annotate(
                sampled=Count("samples", distinct=True),
                scored=Count("samples", filter=Q(samples__score__isnull=False), distinct=True),
            ).order_by("-created_at", "-pk")[:LIST_LIMIT]
        ),
        **_counted(qs),
    }


# --- Home -------------------------------------------------------------------


def _log_shown(context: dict[str, Any]) -> None:
    """The panels show incident summaries and review subjects: one access entry
    naming the ids of what was listed (nothing when the dashboard is empty)."""

    def ids(*rows: Any) -> list[int]:
        return sorted({row.pk for group in rows for row in group})

    def items(key: str, part: str = "items") -> list[Any]:
        panel = context.get(key)
        return list(panel.get(part, [])) if isinstance(panel, dict) else []

    shown = {
        "incidents": ids(items("incidents"), items("restricted")),
        "decisions": ids(
            items("reviews", "overdue"),
            items("reviews", "due"),
            context.get("decisions") or [],
            items("unaudited"),
        ),
        "allegations": ids(items("allegations")),
        "quality_audits": ids(items("audits")),
    }
    details: dict[str, Any] = {kind: pks for kind, pks in shown.items() if pks}
    if details:
        log_event("access", target=Incident, view="home", details=details)


def home(request: HttpRequest) -> HttpResponse:
    """Each role's own dashboard: lists that link to the records (which log
    their own view); what the lists showed is logged by id."""
    membership = org_access.membership_of(request.user)
    if membership is None:
        return render(request, "organisations/no_membership.html", status=403)
    user = request.user
    # The header's ``signed_in`` (context processor) already names the user.
    work = my_work.summary(user)
    context: dict[str, Any] = {"work": work}
    if membership.role == Role.MANAGER:
        context |= {
            "incidents": open_incidents(user),
            "reviews": reviews_due(user, work=work),
            "decisions": recent_decisions(user),
        }
    elif membership.role == Role.LEAD:
        context |= {
            "incidents": open_incidents(user),
            "restricted": open_incidents(user, restricted=True),
            "reviews": reviews_due(user, work=work),
            "decisions": recent_decisions(user),
            "unaudited": unaudited_consent_decisions(user),
            "allegations": allegations_panel(user, side="safeguarding"),
            "audits": audits_in_progress(user),
            "role_requests_pending": org_access.pending_role_requests(user).count(),
            # The notifications overdue and the alerts open are My work's own
            # counts (the summary above read them), not counted again.
            "notifications": notification_dashboard.summary(user, work.of("notifications")),
            "pattern_alerts_open": work.of("patterns").due_count,
        }
    elif membership.role == Role.HR:
        context["allegations"] = allegations_panel(user, side="hr")
    elif membership.role == Role.AUDITOR:
        context["audits"] = audits_in_progress(user)
    _log_shown(context)
    return render(request, f"audits/home/{membership.role}.html", context)


# --- Charts (leads) ---------------------------------------------------------


def last_months(today: date, count: int = CHART_MONTHS) -> list[date]:
    """First days of the last ``count`` months, oldest first, ending this month."""
    index = today.year * 12 + today.month - 1
    months = []
    for i in range(index - count + 1, index + 1):
        year, month = divmod(i, 12)
        months.append(date(year, month + 1, 1))
    return months


def _month_key(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _by_month(rows: Any, months: list[date], fields: list[str]) -> dict[str, list[float | None]]:
    found = {_month_key(row["month"]).replace(day=1): row for row in rows}
    return {f: [(found[m][f] if m in found else 0) for m in months] for f in fields}


def _month_labels(months: list[date]) -> list[str]:
    return [m.strftime("%b %Y") for m in months]


def _axis_labels(months: list[date]) -> list[str]:
    """'Dec 25' fits under a bar where 'December 2025' would collide."""
    return [m.strftime("%b %y") for m in months]


def incidents_by_category_chart(user: Actor, months: list[date]) -> Chart:
    from incidents.models import Category

    aggregates = {c.value: Count("pk", filter=Q(categories__contains=[c.value])) for c in Category}
    rows = (
        incident_access.visible_incidents(user)
        .filter(became_aware_at__date__gte=months[0])
        .annotate(month=TruncMonth("became_aware_at"))
        .values("month")
        .annotate(**aggregates)
    )
    values = _by_month(rows, months, list(aggregates))
    used = [c for c in Category if any(values[c.value])]
    return Chart(
        id="chart-categories",
        title="Incidents by category of abuse, per month",
        description="Stacked bars: each bar is a month, each segment a category of abuse. "
        "An incident with several categories counts once in each.",
        kind="stacked",
        categories=_month_labels(months),
        axis_labels=_axis_labels(months),
        series=[Series(c.value, str(c.label)) for c in used],
        values={c.value: values[c.value] for c in used},
    )


def decisions_by_consent_chart(user: Actor, months: list[date]) -> Chart:
    from disclosures.models import ConsentPosition

    aggregates = {p.value: Count("pk", filter=Q(consent_position=p.value)) for p in ConsentPosition}
    rows = (
        decision_access.visible_decisions(user)
        .filter(decided_at__date__gte=months[0])
        .annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(**aggregates)
    )
    values = _by_month(rows, months, list(aggregates))
    return Chart(
        id="chart-consent",
        title="Disclosure decisions by consent position, per month",
        description="Stacked bars: each bar is a month of decisions, each segment a consent "
        "position.",
        kind="stacked",
        categories=_month_labels(months),
        axis_labels=_axis_labels(months),
        series=[Series(p.value, str(p.label)) for p in ConsentPosition],
        values=values,
    )


def review_timeliness_chart(user: Actor, months: list[date], today: date) -> Chart:
    from disclosures.models import DecisionReview

    reviews = (
        DecisionReview.objects.filter(
            decision__in=decision_access.decisions_for_review(user).values("pk"),
            review_point_date__gte=months[0],
        )
        .annotate(month=TruncMonth("review_point_date", output_field=DateField()))
        .values("month")
        .annotate(
            on_time=Count("pk", filter=Q(reviewed_at__date__lte=F("review_point_date"))),
            late=Count("pk", filter=Q(reviewed_at__date__gt=F("review_point_date"))),
        )
    )
    open_points: Any = decision_access.open_review_points(user)
    overdue = (
        open_points.filter(review_point__due_date__lt=today, review_point__due_date__gte=months[0])
        .annotate(month=TruncMonth("review_point__due_date", output_field=DateField()))
        .values("month")
        .annotate(overdue=Count("pk"))
    )
    values = _by_month(reviews, months, ["on_time", "late"]) | _by_month(
        overdue, months, ["overdue"]
    )
    return Chart(
        id="chart-reviews",
        title="Review points by month due: on time, late, overdue",
        description="Stacked bars: for review points falling due each month, how many were "
        "reviewed on or before the date, reviewed late, or are still overdue.",
        kind="stacked",
        categories=_month_labels(months),
        axis_labels=_axis_labels(months),
        series=[
            Series("on_time", "Reviewed on time"),
            Series("late", "Reviewed late"),
            Series("overdue", "Overdue, not yet reviewed"),
        ],
        values=values,
    )


def audit_scores_chart(user: Actor, months: list[date]) -> Chart:
    from audits.quality.models import RecordScore

    rows = (
        RecordScore.objects.filter(
            sample__audit__in=access.visible_quality_audits(user).values("pk"),
            scored_at__date__gte=months[0],
            percent__isnull=False,
        )
        .annotate(month=TruncMonth("scored_at"))
        .values("month")
        .annotate(average=Avg("percent"), scored=Count("pk"))
    )
    found = {_month_key(r["month"]).replace(day=1): r for r in rows}
    return Chart(
        id="chart-audit-scores",
        title="Record-quality audit scores over time",
        description="A line: the average checklist score (0 to 100 per cent) of records "
        "scored each month. Gaps are months with no scoring.",
        kind="line",
        categories=_month_labels(months),
        axis_labels=_axis_labels(months),
        series=[Series("average", "Average score")],
        values={"average": [round(found[m]["average"], 1) if m in found else None for m in months]},
        unit="%",
        max_value=100,
    )


def charts(request: HttpRequest) -> HttpResponse:
    if not org_access.has_role(request.user, Role.LEAD):
        raise RoleRequired(Role.LEAD)
    today = timezone.localdate()
    months = last_months(today)
    return render(
        request,
        "audits/charts.html",
        {
            "charts": [
                incidents_by_category_chart(request.user, months),
                decisions_by_consent_chart(request.user, months),
                review_timeliness_chart(request.user, months, today),
                audit_scores_chart(request.user, months),
            ],
            "months": months,
        },
    )

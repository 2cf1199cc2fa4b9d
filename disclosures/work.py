"""The "reviews" list of ``organisations.work``: open review points of the
decisions the user chases (a manager's services, a lead's organisation),
overdue (before today) and due up to the window's horizon. Registered by
``DisclosuresConfig.ready``; the home page's reviews panel reads the same
querysets (``due_review_points``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from disclosures.access import chases_review_points, open_review_points
from organisations.access import membership_of
from organisations.models import Actor
from organisations.work import Window, WorkItem, WorkList, end_of_day, firsts


def due_review_points(user: Actor, today: date, until: date) -> tuple[Any, Any]:
    """(overdue, due) open review points, soonest first: overdue before
    ``today``; due from today to ``until``. Read through the review-point
    projection's (organisation, due date) index."""
    open_points: Any = open_review_points(user)
    order = ("review_point__due_date", "pk")
    overdue = open_points.filter(review_point__due_date__lt=today).order_by(*order)
    due = open_points.filter(
        review_point__due_date__gte=today, review_point__due_date__lte=until
    ).order_by(*order)
    return overdue, due


def reviews(user: Actor, window: Window) -> WorkList:
    if not chases_review_points(membership_of(user)):
        return WorkList(key="reviews", title="Review points", applies=False)
    today = timezone.localdate(window.now)
    overdue, due = due_review_points(user, today, timezone.localdate(window.horizon))
    found = firsts(overdue, due, window, ("review_point__due_date", "pk"))
    # The rows shown are read through the same rule as their keys (a point
    # closed since the keys were read is left out, as it is no longer due).
    open_points: Any = open_review_points(user)  # annotated with current_review_date
    rows = open_points.filter(pk__in=found.keys).select_related("incident")
    items = {
        d.pk: WorkItem(
            key=f"review:{d.pk}:{d.current_review_date:%Y-%m-%d}",
            label=f"Review point of disclosure decision {d.number}",
            reference=d.incident.reference,
            url=reverse("disclosures:review", args=[d.pk]),
            due_at=end_of_day(d.current_review_date),
        )
        for d in rows
    }
    return found.work_list("reviews", "Review points", items)

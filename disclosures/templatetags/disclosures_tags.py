"""Review-point status shown the same way on every page: in words and an
icon, not by colour alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("disclosures/_review_badge.html")
def review_badge(review_date: date | None, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    if review_date is None:
        return {"state": "ended", "text": "Reviewing ended"}
    days = (review_date - today).days
    if days < 0:
        n = -days
        return {
            "state": "overdue",
            "text": f"Overdue by {n} day{'s' if n != 1 else ''}",
            "date": review_date,
        }
    if days == 0:
        return {"state": "today", "text": "Due today", "date": review_date}
    return {
        "state": "due",
        "text": f"Due in {days} day{'s' if days != 1 else ''}",
        "date": review_date,
    }

"""The "actions" list of ``organisations.work``: open actions the user owns
(overdue, and due up to the window's horizon), and for a safeguarding lead
every overdue action of the organisation they may see, whoever owns it.
Registered by ``ActionsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from actions.access import reads_actions, visible_actions
from organisations.access import membership_of
from organisations.models import Actor, Role
from organisations.work import Window, WorkItem, WorkList, end_of_day, firsts


def actions(user: Actor, window: Window) -> WorkList:
    membership = membership_of(user)
    if not reads_actions(membership):
        return WorkList(key="actions", title="Agreed actions", applies=False)
    today = timezone.localdate(window.now)
    horizon = timezone.localdate(window.horizon)
    qs = visible_actions(user).open()
    mine = Q(owner_id=getattr(user, "pk", None))
    overdue = qs.filter(due_date__lt=today)
    if membership is None or membership.role != Role.LEAD:
        overdue = overdue.filter(mine)
    due = qs.filter(mine, due_date__gte=today, due_date__lte=horizon)
    found = firsts(overdue, due, window, ("due_date", "pk"))
    # The rows shown are read through the same rule as their keys (one done
    # since the keys were read is left out).
    rows = qs.filter(pk__in=found.keys).select_related("owner")
    items = {
        a.pk: WorkItem(
            key=f"action:{a.pk}",
            label=f"Agreed action ({a.get_source_kind_display().lower()})",
            reference=a.reference,
            url=reverse("actions:detail", args=[a.pk]),
            due_at=end_of_day(a.due_date),
            owner="" if a.owner_id == getattr(user, "pk", None) else _name(a.owner),
        )
        for a in rows
    }
    return found.work_list("actions", "Agreed actions", items)


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())

"""The actions panel and links on the pages of the records actions come from
(registered into ``organisations.panels`` by ``ActionsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from actions import access
from actions.models import Action, ActionCompletion, SourceKind

SLUG_OF = {kind: slug for slug, kind in access.SLUGS.items()}


def create_url(kind: str, pk: int) -> str:
    return reverse("actions:create", args=[SLUG_OF[SourceKind(kind)], pk])


def decision_panel(request: HttpRequest, decision: Any) -> str:
    """On a disclosure decision's page: its actions and "Agree an action"."""
    kind = SourceKind.DECISION
    actions = list(
        access.actions_of_source(request.user, kind, decision).order_by("due_date", "pk")
    )
    done = set(
        ActionCompletion.objects.filter(action__in=[a.pk for a in actions]).values_list(
            "action_id", flat=True
        )
    )
    replaced = set(
        Action.objects.filter(corrects__in=[a.pk for a in actions]).values_list(
            "corrects_id", flat=True
        )
    )
    rows = [{"action": a, "done": a.pk in done, "replaced": a.pk in replaced} for a in actions]
    may = access.can_agree_action_on(request.user, kind, decision)
    return render_to_string(
        "actions/_panel.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "anchor": f"decision-{decision.pk}",
            "create_url": create_url(kind, decision.pk) if may else "",
        },
        request=request,
    )


def _link(kind: str, label: str) -> Any:
    def panel(request: HttpRequest, obj: Any) -> str:
        # Rendered once per item of a list, so no queries: the pages show
        # these links only where the user may record (``can_record`` and the
        # side's writers); the action page re-checks everything.
        if kind == SourceKind.MEETING and getattr(obj, "kind", "") != "meeting":
            return ""
        return format_html(' · <a class="small" href="{}">{}</a>', create_url(kind, obj.pk), label)

    return panel


entry_link = _link(SourceKind.MEETING, "Agree an action")
safeguarding_decision_link = _link(SourceKind.SAFEGUARDING_DECISION, "Agree an action")
hr_decision_link = _link(SourceKind.HR_DECISION, "Agree an action")

"""Agreed actions' pages: agree one at its source, open it, complete it, change it."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from actions import access, services
from actions.forms import ActionForm, CompleteForm, ReassignForm
from actions.models import Action, SourceKind
from organisations.audit import log_access
from organisations.denials import RoleRequired
from organisations.models import Role
from organisations.web import submit_and_redirect


def _writers(kind: str) -> tuple[str, ...]:
    """The roles that record on a source of this kind (for the denial page)."""
    if kind == SourceKind.HR_DECISION:
        return (Role.HR,)
    if kind == SourceKind.AUDIT:
        return (Role.LEAD, Role.AUDITOR)
    return (Role.MANAGER, Role.LEAD)


def _url(action: Action) -> str:
    return reverse("actions:detail", args=[action.pk])


def action_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    source_kind = access.SLUGS.get(kind)
    if source_kind is None:
        raise Http404("No such kind of record.")
    source = access.get_source_for(request.user, source_kind, pk)
    if not access.can_agree_action_on(request.user, source_kind, source):
        raise RoleRequired(*_writers(source_kind))
    form = ActionForm(
        request.POST or None, owners=access.owner_candidates(request.user, source_kind)
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.agree_action,
            success=lambda a: f"Action {a.reference} agreed.",
            redirect_to=_url,
            actor=request.user,
            source_kind=source_kind,
            source=source,
            **form.cleaned_data,
        )
        if saved:
            return saved
    probe = Action(source_kind=source_kind, **{_field(source_kind): source})
    label, back = access.source_link(probe)
    log_access(source, view="action_create")
    return render(
        request,
        "actions/form.html",
        {"form": form, "title": "Agree an action", "source_label": label, "back": back},
    )


def _field(kind: str) -> str:
    from actions.models import SOURCE_FIELDS

    return SOURCE_FIELDS[SourceKind(kind)]


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for(request.user, pk)
    log_access(action, view="action")
    history: list[Action] = []
    earlier = action.corrects_id
    # The chain of actions this one replaced (each visible where this one is).
    while earlier is not None and len(history) < 20:
        item = access.visible_actions(request.user).select_related("owner").get(pk=earlier)
        history.append(item)
        earlier = item.corrects_id
    completion = getattr(action, "completion", None)
    replaced_by = getattr(action, "correction", None)
    is_open = completion is None and replaced_by is None
    label, source_url = access.source_link(action)
    may_change = is_open and _may_change(request, action)
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "completion": completion,
            "replaced_by": replaced_by,
            "history": history,
            "source_label": label,
            "source_url": source_url,
            "is_open": is_open,
            "overdue": is_open and action.due_date < timezone.localdate(),
            "may_complete": is_open and access.can_complete(request.user, action),
            "may_change": may_change,
        },
    )


def _may_change(request: HttpRequest, action: Action) -> bool:
    return access.can_change(request.user, action)


def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for(request.user, pk)
    if not access.can_complete(request.user, action):
        raise RoleRequired(*_writers(action.source_kind))
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.complete_action,
            success="Action completed.",
            redirect_to=_url(action),
            actor=request.user,
            action=action,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(action, view="action_complete")
    return _form_page(request, action, form, "Complete the action")


def action_change(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for(request.user, pk)
    if not _may_change(request, action):
        raise RoleRequired(*_writers(action.source_kind))
    initial: dict[str, Any] = {
        "what": action.what,
        "owner": action.owner_id,
        "due_date": action.due_date,
    }
    form = ReassignForm(
        request.POST or None,
        initial=initial,
        owners=access.owner_candidates(request.user, action.source_kind),
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.reassign_action,
            success=lambda a: f"Action changed: {a.reference} replaces {action.reference}.",
            redirect_to=_url,
            actor=request.user,
            action=action,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(action, view="action_change")
    return _form_page(request, action, form, "Reassign or correct the action")


def _form_page(request: HttpRequest, action: Action, form: Any, title: str) -> HttpResponse:
    label, _ = access.source_link(action)
    return render(
        request,
        "actions/form.html",
        {
            "form": form,
            "title": title,
            "action": action,
            "source_label": label,
            "back": _url(action),
        },
    )

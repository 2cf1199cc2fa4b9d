"""Web helpers shared by every app's forms and views: the date widgets, "now"
for a datetime field, and the one shape of "POST → service → the service's
ValidationError onto the form". It lives in the bottom app so that every app
can use it; views never import another app's ``views.py`` or ``forms.py`` for
a helper.

A service re-checks everything and raises ``ValidationError`` when a rule
refuses the write; its savepoint is already undone by then. A view calls it
through :func:`submit_and_redirect` (a page that shows the form again unless
the write succeeds, when it says so and moves on)::

    saved = submit_and_redirect(
        request, form, services.add_entry,
        success="Chronology entry added.", redirect_to=incident_url(incident),
        actor=request.user, incident=incident, **form.cleaned_data,
    )
    if saved:
        return saved

through :func:`submit_or_message` (a POST-only action that redirects either
way, with ``success=`` shown when it worked), or, when the page does something
else with the result, through :func:`submit`, testing the result against
:data:`REFUSED`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone

from organisations.refusals import ConcurrentChange

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

T = TypeVar("T")

# What a successful write says, or where it leads: fixed, or made from the
# service's result (its reference, its name, its page).
FromResult = str | Callable[[T], str]


class Refused(enum.Enum):
    """The service refused the write; its reasons are on the form or in the messages.
    An enum member rather than ``None`` because some services return ``None`` when
    they succeed."""

    REFUSED = "refused"


REFUSED = Refused.REFUSED


def local_now() -> str:
    """The current local time in a datetime-local field's format."""
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def apply_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form it came from: each field's
    errors on that field, the rest (and errors naming no field) above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def submit(
    form: forms.BaseForm,
    service: Callable[..., T],
    /,
    *,
    errors: Callable[[ValidationError], ValidationError] | None = None,
    show: Callable[[ValidationError], None] | None = None,
    rollback: bool = False,
    **kwargs: Any,
) -> T | Literal[Refused.REFUSED]:
    """Call ``service(**kwargs)``; if it refuses (``ValidationError``, or a stale
    version's ``ConcurrentChange``), put its errors on ``form`` and return
    :data:`REFUSED`. ``errors`` renames the service's error keys to the
    form's fields first; ``show`` replaces putting them on ``form`` (a page
    with row sets as well); ``rollback`` also undoes the request's transaction
    (for views that wrote before the service refused)."""
    try:
        return service(**kwargs)
    except ConcurrentChange as exc:
        if rollback:
            transaction.set_rollback(True)
        form.add_error(None, exc.message)
        return REFUSED
    except ValidationError as exc:
        if rollback:
            transaction.set_rollback(True)
        exc = errors(exc) if errors else exc
        if show is not None:
            show(exc)
        else:
            apply_service_errors(form, exc)
        return REFUSED


def _from(result: T, value: FromResult[T]) -> str:
    return value(result) if callable(value) else value


def submit_and_redirect(
    request: HttpRequest,
    form: forms.BaseForm,
    service: Callable[..., T],
    /,
    *,
    success: FromResult[T],
    redirect_to: FromResult[T],
    errors: Callable[[ValidationError], ValidationError] | None = None,
    show: Callable[[ValidationError], None] | None = None,
    rollback: bool = False,
    **kwargs: Any,
) -> HttpResponseRedirect | None:
    """:func:`submit`, and when the service succeeds the ``success`` message
    and a redirect to ``redirect_to`` (a URL); ``None`` when it refused, its
    errors on ``form``, for the view to show the form again."""
    result = submit(form, service, errors=errors, show=show, rollback=rollback, **kwargs)
    if result is REFUSED:
        return None
    messages.success(request, _from(result, success))
    return redirect(_from(result, redirect_to))


def submit_or_message(
    request: HttpRequest,
    service: Callable[..., T],
    /,
    *,
    success: FromResult[T] | None = None,
    rollback: bool = False,
    **kwargs: Any,
) -> T | Literal[Refused.REFUSED]:
    """Call ``service(**kwargs)`` for a POST-only action that redirects: if it
    refuses, its messages become one error message on the next page and the
    result is :data:`REFUSED`; if it succeeds, ``success`` (when given) is the
    message on the next page."""
    try:
        result = service(**kwargs)
    except ConcurrentChange as exc:
        if rollback:
            transaction.set_rollback(True)
        messages.error(request, exc.message)
        return REFUSED
    except ValidationError as exc:
        if rollback:
            transaction.set_rollback(True)
        messages.error(request, " ".join(exc.messages))
        return REFUSED
    if success is not None:
        messages.success(request, _from(result, success))
    return result

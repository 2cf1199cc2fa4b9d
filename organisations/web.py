"""Web helpers shared by every app's forms and views: the date widgets, "now"
for a datetime field, and the one shape of "POST → service → the service's
ValidationError onto the form". It lives in the bottom app so that every app
can use it; views never import another app's ``views.py`` or ``forms.py`` for
a helper.

A service re-checks everything and raises ``ValidationError`` when a rule
refuses the write; its savepoint is already undone by then. A view calls it
through :func:`submit` (a page that shows the form again) or
:func:`submit_or_message` (a POST-only action that redirects), and tests the
result against :data:`REFUSED`::

    entry = submit(form, services.add_entry, actor=request.user, **form.cleaned_data)
    if entry is not REFUSED:
        return redirect(...)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from organisations.refusals import ConcurrentChange

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

T = TypeVar("T")


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


def submit_or_message(
    request: HttpRequest,
    service: Callable[..., T],
    /,
    *,
    rollback: bool = False,
    **kwargs: Any,
) -> T | Literal[Refused.REFUSED]:
    """Call ``service(**kwargs)`` for a POST-only action that redirects: if it
    refuses, its messages become one error message on the next page and the
    result is :data:`REFUSED`."""
    try:
        return service(**kwargs)
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

"""Web helpers shared by every app's forms and views (all of which sit at or
above ``incidents``): the date widgets, "now" for a datetime field, and putting
a service's ValidationError onto the form it came from. One module, so views
never import another app's ``views.py`` or ``forms.py`` for a helper."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def local_now() -> str:
    """The current local time in a datetime-local field's format."""
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def apply_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form it came from."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)

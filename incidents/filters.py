"""Query-string input shared by every list page: dates in filter forms.

A filter date is typed or edited in a URL, so it can be anything the calendar
allows, and the ends of the calendar break the arithmetic behind a filter:
``date(9999, 12, 31) + 1 day`` overflows, and 0001-01-01 in London time is
before the first instant PostgreSQL can compare. ``FilterDateField`` accepts
only days records can have and says so on the form, so every list that uses
it answers bad input with its own message instead of a server error.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
RANGE_MESSAGE = "Enter a date between 1 Jan 1900 and 31 Dec 2999."


class FilterDateField(forms.DateField):
    """A ``DateField`` for list filters, limited to ``EARLIEST``–``LATEST``."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.validators.append(MinValueValidator(EARLIEST, message=RANGE_MESSAGE))
        self.validators.append(MaxValueValidator(LATEST, message=RANGE_MESSAGE))

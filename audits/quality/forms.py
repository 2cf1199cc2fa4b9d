"""Forms validate; services act."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone

from audits import access
from audits.quality.models import CRITERIA, ConsentFilter, Result, Source, criteria_for
from audits.quality.services import MAX_SAMPLE
from audits.quality.sources import allegation_decisions_available
from organisations import access as org_access
from organisations.form_pattern import PatternFormHelper
from organisations.models import Actor, Service
from organisations.web import DATE_WIDGET


def quarter_bounds(day: date, offset: int = 0) -> tuple[date, date]:
    """First and last day of the calendar quarter ``offset`` quarters from ``day``'s."""
    index = (day.year * 4 + (day.month - 1) // 3) + offset
    year, quarter = divmod(index, 4)
    start = date(year, quarter * 3 + 1, 1)
    end_index = index + 1
    end_year, end_quarter = divmod(end_index, 4)
    return start, date(end_year, end_quarter * 3 + 1, 1) - timedelta(days=1)


def month_bounds(day: date, offset: int = 0) -> tuple[date, date]:
    index = day.year * 12 + day.month - 1 + offset
    year, month = divmod(index, 12)
    start = date(year, month + 1, 1)
    ny, nm = divmod(index + 1, 12)
    return start, date(ny, nm + 1, 1) - timedelta(days=1)


PERIODS = [
    ("last_quarter", "Last quarter"),
    ("this_quarter", "This quarter so far"),
    ("last_month", "Last month"),
    ("custom", "Choose dates"),
]


def period_dates(period: str, today: date) -> tuple[date, date] | None:
    if period == "last_quarter":
        return quarter_bounds(today, -1)
    if period == "this_quarter":
        return quarter_bounds(today)[0], today
    if period == "last_month":
        return month_bounds(today, -1)
    return None


class AuditCreateForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. 'Consent refused, Q3 2026'.")
    source = forms.ChoiceField(label="What to audit", choices=Source.choices)
    period = forms.ChoiceField(
        label="Period", choices=PERIODS, initial="last_quarter", widget=forms.RadioSelect
    )
    date_from = forms.DateField(
        label="From", required=False, widget=DATE_WIDGET, help_text="Only for 'Choose dates'."
    )
    date_to = forms.DateField(
        label="To", required=False, widget=DATE_WIDGET, help_text="Only for 'Choose dates'."
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to include every service.",
    )
    consent_filter = forms.ChoiceField(label="Which records", choices=ConsentFilter.choices)
    sample_size = forms.IntegerField(
        min_value=1, max_value=MAX_SAMPLE, initial=10, help_text="How many records to sample."
    )
    seed = forms.IntegerField(
        required=False,
        min_value=1,
        help_text="Leave empty for a new random sample. Enter a recorded seed to reproduce one.",
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = org_access.require_membership(user)
        services_field = cast(forms.ModelMultipleChoiceField, self.fields["services"])
        services_field.queryset = Service.objects.filter(
            organisation_id=membership.organisation_id
        ).order_by("name")
        if not (membership.is_lead and allegation_decisions_available()):
            source = cast(forms.ChoiceField, self.fields["source"])
            source.choices = [(Source.DECISIONS, Source.DECISIONS.label)]
            source.widget = forms.HiddenInput()
            source.initial = Source.DECISIONS
        self.helper = PatternFormHelper()
        self.helper.layout = Layout(
            "title",
            "source",
            Fieldset("Scope", "period", "date_from", "date_to", "services", "consent_filter"),
            Fieldset("Sample", "sample_size", "seed"),
        )
        self.helper.add_input(Submit("submit", "Create audit and draw sample"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("source") == Source.ALLEGATION_DECISIONS and data.get("consent_filter") not in (
            None,
            ConsentFilter.ALL,
        ):
            self.add_error(
                "consent_filter", "Allegation key decisions have no consent position: choose all."
            )
        period = data.get("period")
        if period == "custom":
            if not data.get("date_from"):
                self.add_error("date_from", "Enter the first day of the period.")
            if not data.get("date_to"):
                self.add_error("date_to", "Enter the last day of the period.")
        elif period:
            dates = period_dates(period, timezone.localdate())
            if dates:
                data["date_from"], data["date_to"] = dates
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("period", None)
        return data


class ScoreForm(forms.Form):
    """The checklist for the audit's kind of record (same eight columns)."""

    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is good or missing in this record. Facts, not names of staff.",
    )

    def __init__(self, *args: Any, source: str = Source.DECISIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for name, label, help_text in criteria_for(source):
            fields[name] = forms.ChoiceField(
                label=label, help_text=help_text, choices=Result.choices, widget=forms.RadioSelect
            )
        self.fields = {**fields, **self.fields}
        self.helper = PatternFormHelper()
        self.helper.add_input(Submit("submit", "Submit score"))

    def results(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _, _ in CRITERIA}


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class ActionForm(forms.Form):
    finding = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner = OwnerChoiceField(queryset=Service.objects.none(), label="Owner")
    due_date = forms.DateField(label="Due by", widget=DATE_WIDGET)
    sample = forms.TypedChoiceField(
        label="About sampled record", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, user: Actor, audit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        owners = access.audit_action_owners(user, audit).values("user")
        owner_field = cast(forms.ModelChoiceField, self.fields["owner"])
        owner_field.queryset = (
            get_user_model().objects.filter(pk__in=owners).order_by("last_name", "first_name")
        )
        cast(forms.ChoiceField, self.fields["sample"]).choices = [("", "The audit as a whole")] + [
            (s.position, f"Record {s.position}") for s in audit.samples.all()
        ]
        self.helper = PatternFormHelper()
        self.helper.form_tag = False  # the page wraps it, posting to its own URL
        self.helper.add_input(Submit("submit", "Add finding and action"))


class CloseForm(forms.Form):
    summary = forms.CharField(
        label="Summary of the audit",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the audit found overall and what will change. Closing freezes the audit.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Close the audit", css_class="btn-danger"))

"""Forms validate; services act. Each form carries its crispy FormHelper."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents import access
from incidents.filters import FilterDateField
from incidents.models import (
    Category,
    ClosureOutcome,
    EntryKind,
    Incident,
    Person,
    RiskLevel,
    Status,
)
from incidents.web import DATE_WIDGET, DATETIME_WIDGET, local_now
from organisations import access as org_access
from organisations.models import Service


class IncidentForm(forms.Form):
    # Choose someone known, or add someone new: neither is "optional".
    conditionally_required = {"people", "new_given_name", "new_family_name"}
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    people = forms.ModelMultipleChoiceField(
        label="Adults at risk already known to us",
        queryset=Person.objects.none(),
        required=False,
        # Checkboxes (forms.js adds a filter box): no Ctrl-click multi-select.
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone this concerns.",
    )
    new_given_name = forms.CharField(label="Given name", max_length=100, required=False)
    new_family_name = forms.CharField(label="Family name", max_length=100, required=False)
    new_preferred_name = forms.CharField(
        label="Preferred name (if different)", max_length=100, required=False
    )
    new_date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DATE_WIDGET)
    categories = forms.MultipleChoiceField(
        label="Categories of abuse",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        max_length=200, help_text="A short factual title, e.g. 'Bruising to left forearm'."
    )
    what_happened = forms.CharField(
        label="What happened (facts only)",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What was seen, heard or reported, with direct quotes. Not opinion.",
    )
    occurred_at = forms.DateTimeField(
        label="When it occurred", required=False, widget=DATETIME_WIDGET
    )
    became_aware_at = forms.DateTimeField(label="When we became aware", widget=DATETIME_WIDGET)
    raised_by = forms.CharField(
        label="Who raised it",
        max_length=200,
        help_text="Name and role, e.g. 'A. Patel, care worker'.",
    )
    risk_level = forms.ChoiceField(choices=[("", "Choose…"), *RiskLevel.choices])
    persons_views = forms.CharField(
        label="The person's views",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their own words where possible.",
    )
    desired_outcomes = forms.CharField(
        label="Desired outcomes (Making Safeguarding Personal)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    capacity_considerations = forms.CharField(
        label="Mental capacity considerations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    la_reference = forms.CharField(label="Local-authority reference", max_length=64, required=False)
    police_reference = forms.CharField(label="Police reference", max_length=64, required=False)
    cqc_reference = forms.CharField(
        label="CQC notification reference", max_length=64, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = access.recordable_services(user)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["people"].queryset = access.visible_people(user).filter(  # type: ignore[attr-defined]
            service__in=services
        )
        if not self.is_bound:
            self.initial.setdefault("became_aware_at", local_now())
        self.helper = FormHelper()
        # Server-side messages are clearer and consistent; see base.html's alert.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset("Where", "service"),
            Fieldset(
                "Adult(s) at risk",
                Div(
                    "people",
                    css_class="choice-list mb-3",
                    css_id="people-choices",
                    data_filter="Filter the list by name",
                ),
                HTML('<p class="form-text mb-2">Or add someone new:</p>'),
                "new_given_name",
                "new_family_name",
                "new_preferred_name",
                "new_date_of_birth",
            ),
            Fieldset(
                "What happened",
                "summary",
                "categories",
                "what_happened",
                "occurred_at",
                "became_aware_at",
                "raised_by",
                "risk_level",
            ),
            Fieldset("The person", "persons_views", "desired_outcomes", "capacity_considerations"),
            Fieldset("Notifications", "la_reference", "police_reference", "cqc_reference"),
            Submit("save", "Log incident"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = (data.get("new_given_name") or "").strip()
        family = (data.get("new_family_name") or "").strip()
        if bool(given) != bool(family):
            self.add_error(
                "new_family_name" if given else "new_given_name",
                "Give both the given name and the family name of the new person.",
            )
        if not data.get("people") and not (given and family) and not self.errors:
            self.add_error("people", "Choose the adult at risk, or add someone new below.")
        occurred, aware = data.get("occurred_at"), data.get("became_aware_at")
        now = timezone.now() + timedelta(minutes=5)
        if aware and aware > now:
            self.add_error("became_aware_at", "When we became aware cannot be in the future.")
        if occurred and occurred > now:
            self.add_error("occurred_at", "When it occurred cannot be in the future.")
        elif occurred and aware and occurred > aware:
            self.add_error("occurred_at", "It cannot have occurred after we became aware of it.")
        return data


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class IncidentFilterForm(forms.Form):
    q = forms.CharField(label="Reference or person", required=False, max_length=100)
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="All services"
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    risk = forms.ChoiceField(choices=[("", "Any risk"), *RiskLevel.choices], required=False)
    date_from = FilterDateField(label="Aware from")
    date_to = FilterDateField(label="Aware to")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = org_access.membership_of(user)
        self.organisation_id = membership.organisation_id if membership else None
        services = Service.objects.none()
        if membership is not None:
            services = Service.objects.filter(organisation_id=membership.organisation_id)
            if membership.is_manager:
                services = services.filter(pk__in=membership.services.values("pk"))
        self.fields["service"].queryset = services  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def apply(self, qs: Any) -> Any:
        data = self.cleaned_data
        if data.get("service"):
            qs = qs.filter(service=data["service"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("category"):
            qs = qs.filter(categories__contains=[data["category"]])
        if data.get("risk"):
            qs = qs.filter(risk_level=data["risk"])
        # Whole local days as a timestamp range, so the index on
        # (organisation, became_aware_at) serves it (``__date`` would not).
        if data.get("date_from"):
            qs = qs.filter(became_aware_at__gte=_start_of_day(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(became_aware_at__lt=_start_of_day(data["date_to"] + timedelta(days=1)))
        if data.get("q"):
            qs = qs.search(data["q"], organisation_id=self.organisation_id)
        return qs


class EntryForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Choose…"), *EntryKind.choices])
    occurred_at = forms.DateTimeField(label="When it happened", widget=DATETIME_WIDGET)
    facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Record what was seen and said, factually. Put exact words in quotes.",
    )
    present = forms.CharField(
        label="Who was present", max_length=500, required=False, help_text="Names and roles."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("occurred_at", local_now())
        self.helper = FormHelper()
        # Server-side messages are clearer and consistent; see base.html's alert.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "kind", "occurred_at", "facts", "present", Submit("save", "Add entry")
        )

    def clean_occurred_at(self) -> Any:
        value = self.cleaned_data["occurred_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("When it happened cannot be in the future.")
        return value


class AmendmentForm(forms.Form):
    new_text = forms.CharField(
        label="Corrected text",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The whole entry as it should read. The original stays visible.",
    )
    reason = forms.CharField(
        label="Reason for the amendment",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. 'Wrong time recorded; the call was at 14:10, not 16:10.'",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # Server-side messages are clearer and consistent; see base.html's alert.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("new_text", "reason", Submit("save", "Save amendment"))


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(label="New status", choices=Status.choices)
    closure_outcome = forms.ChoiceField(
        label="Closure outcome (when closing)",
        choices=[("", "—"), *ClosureOutcome.choices],
        required=False,
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from incidents.services import ALLOWED_TRANSITIONS

        allowed = ALLOWED_TRANSITIONS[Status(incident.status)]
        self.fields["to_status"].choices = [c for c in Status.choices if c[0] in allowed]  # type: ignore[attr-defined]
        self.initial.setdefault("version", incident.version)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_status") == Status.CLOSED and not data.get("closure_outcome"):
            self.add_error("closure_outcome", "Choose the outcome when closing.")
        return data


class ReferencesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    la_reference = forms.CharField(label="Local-authority reference", max_length=64, required=False)
    police_reference = forms.CharField(label="Police reference", max_length=64, required=False)
    cqc_reference = forms.CharField(
        label="CQC notification reference", max_length=64, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class GrantForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    user = forms.ModelChoiceField(label="Person", queryset=get_user_model().objects.none())
    reason = forms.CharField(
        label="Why they need to know", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=access.need_to_know_candidates(actor).values("user"))
            .order_by("last_name", "first_name")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class RevokeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    revoke_reason = forms.CharField(label="Why access is being removed", max_length=1000)


class RestrictForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    restricted = forms.BooleanField(required=False)

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from organisations.models import Role, Service


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(label="Given name", max_length=150)
    last_name = forms.CharField(label="Family name", max_length=150)
    email = forms.EmailField()
    job_title = forms.CharField(max_length=120, required=False)
    role = forms.ChoiceField(choices=[("", "Choose…"), *Role.choices])
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Managers see incidents of these services only.",
    )
    password = forms.CharField(
        label="Temporary password",
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 12 characters. Ask them to change it when they first sign in.",
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset("Person", "username", "first_name", "last_name", "email", "job_title"),
            Fieldset("Access", "role", "services", "password"),
            Submit("save", "Add user"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.MANAGER and not data.get("services"):
            self.add_error("services", "A manager needs at least one service.")
        return data


class MembershipEditForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    job_title = forms.CharField(max_length=120, required=False)
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(
        required=False, help_text="Untick to remove access. The person's records stay."
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "role", "job_title", "services", "active", Submit("save", "Save")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.MANAGER and not data.get("services"):
            self.add_error("services", "A manager needs at least one service.")
        return data


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(
        label="Type of service", choices=[("", "Choose…"), *Service.Kind.choices]
    )
    cqc_location_id = forms.CharField(label="CQC location ID", max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "name", "kind", "cqc_location_id", Submit("save", "Add service")
        )

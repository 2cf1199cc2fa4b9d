from __future__ import annotations

from typing import Any

from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from organisations.form_pattern import PatternFormHelper
from organisations.models import Role, Service

REASON_HELP = (
    "Needed for the lead, HR or auditor role: a safeguarding lead must approve it "
    "before it takes effect."
)


class MemberForm(forms.Form):
    username = forms.CharField(
        label="Sign-in name",
        max_length=60,
        help_text="Lower-case letters, digits, dots, dashes. Your organisation's code is added.",
    )
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
    reason = forms.CharField(
        label="Why they need this role",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REASON_HELP,
    )

    def __init__(self, *args: Any, services: Any, sign_in_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]
        if sign_in_code:
            self.fields[
                "username"
            ].help_text = (
                f"Lower-case letters, digits, dots, dashes. They sign in as name@{sign_in_code}."
            )
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset("Person", "username", "first_name", "last_name", "email", "job_title"),
            Fieldset("Access", "role", "services", "reason"),
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
    reason = forms.CharField(
        label="Why they need this role",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REASON_HELP,
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "role", "job_title", "services", "active", "reason", Submit("save", "Save")
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
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "name", "kind", "cqc_location_id", Submit("save", "Add service")
        )


class RoleDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required when refusing.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.form_tag = False


class WelcomeForm(forms.Form):
    """A new account's first visit: choose a password and confirm the authenticator."""

    password1 = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 12 characters; not a common password.",
    )
    password2 = forms.CharField(
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The template places the fields around the QR code.
        self.helper = PatternFormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords do not match.")
        return data


class SignInForm(AuthenticationForm):
    """Django's sign-in form in the one form pattern: a wrong username or
    password is linked, in the error summary, to the username box."""

    non_field_anchor = "username"
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": ("Enter a correct username and password. Both are case-sensitive."),
    }

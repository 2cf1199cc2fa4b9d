"""Forms for the second factor and re-authentication pages."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Layout, Submit
from django import forms

from organisations.form_pattern import PatternFormHelper


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=64,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, submit: str = "Verify", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("code", Submit("verify", submit))


class EnrolForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, submit="Turn on two-step verification", **kwargs)
        self.fields["code"].help_text = "The 6-digit code your app shows for Safeguard."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("password", Submit("confirm", "Confirm"))

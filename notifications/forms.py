"""The notification forms, in the one GOV.UK form pattern (organisations.form_pattern)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.utils import timezone

from notifications import rules
from notifications.models import OutcomeStatus
from organisations.form_pattern import PatternFormHelper
from organisations.web import DATE_WIDGET, DATETIME_WIDGET, local_now


def _helper(*fields: Any, submit: str) -> PatternFormHelper:
    helper = PatternFormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened", choices=OutcomeStatus.choices, widget=forms.RadioSelect
    )
    sent_at = forms.DateTimeField(label="When it was sent", required=False, widget=DATETIME_WIDGET)
    sent_to = forms.CharField(
        label="Sent to",
        max_length=200,
        required=False,
        help_text="The team or office, e.g. 'Westshire Adult Safeguarding Hub'.",
    )
    reference = forms.CharField(
        label="Their reference", max_length=64, required=False, help_text="If they gave one."
    )
    reason = forms.CharField(
        label="Why it is not needed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the local authority's duty officer advised a referral "
        "was not needed, and why.",
    )
    correction_reason = forms.CharField(
        label="What was wrong with the outcome recorded before",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Required according to the choice of status; never called optional.
    conditionally_required = ("sent_at", "sent_to", "reason")

    def __init__(self, *args: Any, correcting: bool, recipient: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("sent_at", local_now())
            self.initial.setdefault("sent_to", recipient)
        fields = ["status", "sent_at", "sent_to", "reference", "reason"]
        if correcting:
            fields.append("correction_reason")
        else:
            del self.fields["correction_reason"]
        self.helper = _helper(
            *fields,
            HTML(
                '<p class="form-text">Sent: give when, to whom and their reference. Not '
                "needed: say why. Nothing about the person goes in here.</p>"
            ),
            submit="Save",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == OutcomeStatus.SENT:
            if not data.get("sent_at") and "sent_at" not in self.errors:
                self.add_error("sent_at", "Give the date and time it was sent.")
            if not (data.get("sent_to") or "").strip():
                self.add_error("sent_to", "Say who it was sent to (the team or office).")
        elif (
            data.get("status") == OutcomeStatus.NOT_NEEDED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Explain why it is not needed.")
        return data


class CqcSentForm(forms.Form):
    text = forms.CharField(
        label="The text you sent",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Check it, copy it into CQC's form, and correct anything here so this "
        "record says exactly what went.",
    )
    sent_at = forms.DateTimeField(label="When you sent it", widget=DATETIME_WIDGET)
    reference = forms.CharField(
        label="CQC's reference", max_length=64, required=False, help_text="If CQC gave one."
    )
    review_date = forms.DateField(
        label="Review point",
        widget=DATE_WIDGET,
        help_text="When you will check whether CQC asked for more.",
    )
    quality_confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("sent_at", local_now())
            self.initial.setdefault(
                "review_date", (timezone.localdate() + timedelta(days=28)).isoformat()
            )
        self.helper = _helper(
            "text",
            "sent_at",
            "reference",
            "review_date",
            "quality_confirmed",
            submit="I have sent this through CQC's portal",
        )


class OverrideForm(forms.Form):
    required = forms.TypedChoiceField(
        label="Is it required in your organisation?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    hours = forms.IntegerField(label="Deadline, in hours", min_value=1)
    reason = forms.CharField(
        label="Why (the local procedure or contract clause)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, rule: rules.Rule, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.code)
        super().__init__(*args, **kwargs)
        allowed = rule.overridable
        fields = []
        if allowed.required:
            fields.append("required")
        else:
            del self.fields["required"]
        if allowed.hours:
            kind = "working" if rule.working else "calendar"
            self.fields["hours"].label = f"Deadline, in {kind} hours"
            self.fields["hours"].help_text = f"Between {allowed.min_hours} and {allowed.max_hours}."
            fields.append("hours")
        else:
            del self.fields["hours"]
        fields.append("reason")
        self.helper = _helper(*fields, submit=f"Save the {rule.title.lower()} setting")
        self.helper.form_tag = False

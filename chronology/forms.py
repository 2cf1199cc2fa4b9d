"""Forms validate; services act. Each form carries its crispy FormHelper."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings

from chronology.profiles import RULES, Profile
from disclosures.models import (
    CONSENT_FIELDS,
    DECISION_LOG_FIELDS,
    Channel,
    ConsentPosition,
    ConsentReason,
    LawfulBasis,
    Purpose,
    SpecialCondition,
)
from incidents.filters import FilterDateField
from organisations.form_pattern import PatternFormHelper
from organisations.web import DATE_WIDGET

MAX_UPLOAD_BYTES = 100 * 1024 * 1024

# The export form's names for the decision log's fields, where they differ.
FORM_NAMES = {"purpose": "purpose_category"}


class _RangeAndKinds(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Include", widget=forms.CheckboxSelectMultiple, required=False
    )
    date_from = FilterDateField(label="From")
    date_to = FilterDateField(label="To")

    def __init__(self, *args: Any, kind_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kind_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class TimelineFilterForm(_RangeAndKinds):
    """GET filter on the timeline page. No kinds ticked means every kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].label = "Show"
        self.fields["kinds"].help_text = "Leave all unticked to show everything."
        self.helper = PatternFormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("kinds", "date_from", "date_to", Submit("filter", "Filter"))


class ExportForm(_RangeAndKinds):
    profile = forms.ChoiceField(
        label="Who is it for?",
        choices=[(p.value, f"{p.label} — {RULES[p].description}") for p in Profile],
        widget=forms.RadioSelect,
    )
    recipient_name = forms.CharField(label="Recipient's name", max_length=200)
    recipient_role = forms.CharField(
        label="Recipient's role", max_length=200, help_text="e.g. 'Inspector', 'Social worker'."
    )
    recipient_organisation = forms.CharField(
        label="Recipient's organisation",
        max_length=200,
        help_text="e.g. 'Care Quality Commission', 'Northshire County Council'.",
    )
    channel = forms.ChoiceField(
        label="How will it be sent?", choices=Channel.choices, initial=Channel.SECURE_EMAIL
    )
    purpose_category = forms.ChoiceField(label="Purpose", choices=Purpose.choices)
    purpose = forms.CharField(
        label="Why are you sending it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your reasoning: what the recipient needs it for and what it will achieve.",
    )
    information_considered = forms.CharField(
        label="Information considered",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What you looked at in deciding to send it: the request, the records, advice.",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Art. 6)",
        choices=LawfulBasis.choices,
        initial=LawfulBasis.PUBLIC_TASK,
    )
    special_condition = forms.ChoiceField(
        label="Special-category condition (Art. 9 / DPA 2018 Sch. 1)",
        choices=SpecialCondition.choices,
        initial=SpecialCondition.SCH1_PARA18,
    )
    consent_position = forms.ChoiceField(
        label="Consent position", choices=[("", "Choose…"), *ConsentPosition.choices]
    )
    consent_reason = forms.ChoiceField(
        label="Why consent was not sought / not possible",
        choices=[("", "—"), *ConsentReason.choices],
        required=False,
    )
    consent_reason_detail = forms.CharField(
        label="The reason, in this case", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    consent_discussion = forms.CharField(
        label="What was discussed with the person (if consent was refused)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    understanding_checked = forms.CharField(
        label="How their understanding was checked",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    override_authorised_by = forms.CharField(
        label="Who authorised overriding the refusal (name and role)",
        max_length=200,
        required=False,
    )
    override_reason = forms.CharField(
        label="Why the refusal is overridden",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    proportionality = forms.CharField(
        label="Why is this the minimum necessary?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this audience, these dates and these kinds of record, and no more.",
    )
    confidentiality_measures = forms.CharField(
        label="How confidentiality is protected",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="e.g. sent by secure email to a named recipient; initials only on the cover.",
    )
    include_images = forms.BooleanField(
        label="Include photographs",
        required=False,
        initial=False,
        help_text="Off unless you tick it. Only for audiences that may receive them (local "
        "authority, police, internal review); every other file is listed by name, type, size "
        "and SHA-256 only. The cover says whether photographs are included.",
    )
    review_date = forms.DateField(label="Review point", widget=DATE_WIDGET)
    review_what = forms.CharField(
        label="What will be reviewed",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Confirm safe receipt, and whether the recipient needs anything further.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].required = True
        self.fields["kinds"].error_messages["required"] = (
            "Choose at least one kind of record to include."
        )
        self.helper = PatternFormHelper()
        self.helper.form_id = "export-form"
        self.helper.attrs = {"novalidate": ""}
        if not self.is_bound:
            import datetime

            from django.utils import timezone

            self.initial.setdefault(
                "review_date", timezone.localdate() + datetime.timedelta(days=28)
            )
        self.helper.layout = Layout(
            Fieldset("Audience", "profile"),
            Fieldset(
                "Recipient",
                "recipient_name",
                "recipient_role",
                "recipient_organisation",
                "channel",
            ),
            Fieldset(
                "Why and on what basis",
                "purpose_category",
                "purpose",
                "information_considered",
                "lawful_basis",
                "special_condition",
            ),
            Fieldset("Consent", *CONSENT_FIELDS),
            Fieldset("What to include", "kinds", "date_from", "date_to", "include_images"),
            Fieldset("Proportionality", "proportionality", "confidentiality_measures"),
            Fieldset("Review point", "review_date", "review_what"),
            Submit("export", "Create PDF and record the disclosure"),
        )

    def decision_log(self) -> dict[str, Any]:
        """The decision log the export records, keyed as the decision names it."""
        return {k: self.cleaned_data[FORM_NAMES.get(k, k)] for k in DECISION_LOG_FIELDS}


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="PDF to check",
        help_text="The file you were sent or hold. It is compared byte for byte and not kept.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("file", Submit("verify", "Check this file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("That file is larger than any export (100 MB limit).")
        return upload


class PublicCheckForm(forms.Form):
    """The public check page: a PDF, or its SHA-256 (one or the other)."""

    file = forms.FileField(
        label="The PDF you received",
        required=False,
        allow_empty_file=True,
        help_text="It is compared with our register and not kept: only its SHA-256 is logged.",
    )
    sha256 = forms.CharField(
        label="Or its SHA-256",
        required=False,
        max_length=200,
        help_text="64 hexadecimal characters, e.g. from sha256sum or certutil -hashfile.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pdf_bytes = b""
        self._reason = "invalid"
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("file", "sha256", Submit("check", "Check"))

    def refusal_reason(self) -> str:
        return self._reason

    def clean_sha256(self) -> str:
        value = "".join(self.cleaned_data["sha256"].split()).replace(":", "").lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            self._reason = "bad_hash"
            raise forms.ValidationError(
                "A SHA-256 is 64 characters, each 0-9 or a-f. Check what you pasted."
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, digest = cleaned.get("file"), cleaned.get("sha256")
        if self.errors:
            return cleaned
        if upload is None and not digest:
            self._reason = "nothing"
            raise forms.ValidationError("Choose the PDF file, or paste its SHA-256.")
        if upload is not None and digest:
            self._reason = "both"
            raise forms.ValidationError("Give the file or its SHA-256, not both.")
        if upload is not None:
            limit = int(getattr(settings, "SAFEGUARD_CHECK_MAX_BYTES", MAX_UPLOAD_BYTES))
            if upload.size > limit:
                self._reason = "too_large"
                self.add_error("file", "That file is larger than any of our exports.")
                return cleaned
            if upload.size == 0:
                self._reason = "empty"
                self.add_error("file", "That file is empty.")
                return cleaned
            head = upload.read(1024)
            if b"%PDF-" not in head:
                self._reason = "not_pdf"
                self.add_error("file", "That is not a PDF file, so it is not one of our exports.")
                return cleaned
            self.pdf_bytes = head + upload.read()
        return cleaned

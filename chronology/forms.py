"""Forms validate; services act. Each form carries its crispy FormHelper."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from chronology.profiles import RULES, Profile

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD_BYTES = 100 * 1024 * 1024

LAWFUL_BASIS_HELP = (
    "UK GDPR Article 6 basis and the Article 9 / DPA 2018 Schedule 1 condition, e.g. "
    "'Art. 6(1)(e) public task; Art. 9(2)(g) with DPA 2018 Sch. 1 para 18, safeguarding "
    "of individuals at risk'."
)


class _RangeAndKinds(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Include", widget=forms.CheckboxSelectMultiple, required=False
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="To", required=False, widget=DATE_WIDGET)

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
        self.helper = FormHelper()
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
    purpose = forms.CharField(
        label="Why are you sending it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the recipient needs it for, and why the whole chronology is necessary.",
    )
    lawful_basis = forms.CharField(
        label="Lawful basis for sharing",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LAWFUL_BASIS_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].required = True
        self.fields["kinds"].error_messages["required"] = (
            "Choose at least one kind of record to include."
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset("Audience", "profile"),
            Fieldset("Recipient", "recipient_name", "recipient_role", "recipient_organisation"),
            Fieldset("Why and on what basis", "purpose", "lawful_basis"),
            Fieldset("What to include", "kinds", "date_from", "date_to"),
            Submit("export", "Create PDF and record the disclosure"),
        )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="PDF to check",
        help_text="The file you were sent or hold. It is compared byte for byte and not kept.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("file", Submit("verify", "Check this file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("That file is larger than any export (100 MB limit).")
        return upload

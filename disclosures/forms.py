"""Forms validate input shapes; the rules of the law live in ``services`` so
that every caller (this form, exports, family communication) gets the same ones.

The decision form is long, so it is rendered in sections: each ``FormHelper``
in ``DecisionForm.sections`` lays out one crispy Fieldset, and the recipient
and consultation formsets sit between them in the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from disclosures import access
from disclosures.known import KnownRecipient
from disclosures.models import (
    AMENDABLE_FIELDS,
    CONSENT_DETAIL_FIELDS,
    Channel,
    ConsentPosition,
    ConsentReason,
    Decision,
    LawfulBasis,
    Purpose,
    RecipientCategory,
    SpecialCondition,
)
from incidents.filters import FilterDateField
from organisations.form_pattern import PatternFormHelper
from organisations.models import Actor
from organisations.web import DATE_WIDGET, DATETIME_WIDGET


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _choices(choices: list[tuple[str, str]], empty: str = "Choose…") -> list[tuple[str, str]]:
    return [("", empty), *choices]


def _local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _section_helper(*fields: Any) -> FormHelper:
    helper = PatternFormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def quiet(form: Any) -> None:
    """Re-render a bound form or formset without showing validation errors (used
    when the author asks for another row: their input stays, no premature errors)."""
    # Django validates a bound form when its errors are first asked for; they are
    # asked for here and emptied in place (the public ErrorDict and ErrorList).
    if isinstance(form, forms.BaseFormSet):
        for f in form.forms:
            quiet(f)
        form.non_form_errors().clear()
    else:
        form.errors.clear()


# Same words as the service's rules, so a message reads the same however it arises.
REQUIRED_MESSAGES = {
    "decision": "Choose whether information is shared, partly shared or not shared.",
    "decided_by": "Choose who made the decision.",
    "decided_at": "Enter when the decision was made.",
    "purpose": "Choose the purpose of the decision.",
    "reasoning": "Explain the reasoning so that a reviewer can follow the judgement.",
    "consent_position": "Choose the consent position.",
    "outcome": "Record the outcome: the actions agreed.",
    "review_date": "Every decision needs a review point: choose a date.",
    "review_what": "Say what will be reviewed at the review point.",
}


class DecisionForm(forms.Form):
    # Required for some decisions or consent positions (services.validate_decision):
    # not labelled "(optional)".
    conditionally_required = {
        "what_shared",
        "what_withheld",
        "lawful_basis",
        "special_condition",
        "proportionality",
        *CONSENT_DETAIL_FIELDS,
    }
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        help_text="Record decisions not to share just as carefully as decisions to share.",
    )
    decided_by = forms.ModelChoiceField(
        label="Decided by", queryset=get_user_model().objects.none(), empty_label=None
    )
    decided_at = forms.DateTimeField(label="Decided at", widget=DATETIME_WIDGET)
    purpose = forms.ChoiceField(choices=_choices(Purpose.choices))
    what_shared = forms.CharField(
        label="What was shared (facts only)",
        required=False,
        widget=_textarea(4),
        help_text="The facts that left the organisation, exactly. No opinion or speculation. "
        "Leave empty when nothing is shared.",
    )
    what_withheld = forms.CharField(
        label="What was withheld, and why",
        required=False,
        widget=_textarea(3),
        help_text="Needed when sharing part, or not sharing: the information considered and "
        "not passed on.",
    )
    information_considered = forms.CharField(
        label="Information considered",
        required=False,
        widget=_textarea(3),
        help_text="What you looked at before deciding: records, conversations, risk "
        "assessments, advice.",
    )
    reasoning = forms.CharField(
        label="Reasoning",
        widget=_textarea(5),
        help_text="The judgement in sentences a reviewer can follow: the risk, the options "
        "considered, why this decision and why now.",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Art. 6)",
        choices=_choices(LawfulBasis.choices, "Choose… (needed when sharing)"),
        required=False,
    )
    special_condition = forms.ChoiceField(
        label="Special-category condition (Art. 9 / DPA 2018 Sch. 1)",
        choices=_choices(SpecialCondition.choices, "Choose… (needed when sharing)"),
        required=False,
        help_text="Para 18 (safeguarding of individuals at risk) is the usual condition.",
    )
    proportionality = forms.CharField(
        label="Why this is the minimum necessary",
        required=False,
        widget=_textarea(3),
        help_text="Needed when sharing: what was left out and why the rest was necessary.",
    )
    consent_position = forms.ChoiceField(
        label="Consent position", choices=ConsentPosition.choices, widget=forms.RadioSelect
    )
    consent_reason = forms.ChoiceField(
        label="Reason consent was not sought or not possible",
        choices=_choices(ConsentReason.choices, "— (only when not sought or not possible)"),
        required=False,
    )
    consent_reason_detail = forms.CharField(
        label="The reason, for this person now",
        required=False,
        widget=_textarea(3),
        help_text="e.g. 'Her son is present at every visit; asking openly risks retaliation.'",
    )
    consent_discussion = forms.CharField(
        label="What was discussed with the person",
        required=False,
        widget=_textarea(3),
        help_text="Needed when consent was refused: what information and options you gave.",
    )
    understanding_checked = forms.CharField(
        label="How understanding was checked",
        required=False,
        widget=_textarea(2),
        help_text="Needed when consent was refused, e.g. 'He explained back in his own words.'",
    )
    override_authorised_by = forms.CharField(
        label="Who authorised overriding the refusal",
        max_length=200,
        required=False,
        help_text="Name and role. Only when sharing although consent was refused.",
    )
    override_reason = forms.CharField(
        label="Why the refusal was overridden", required=False, widget=_textarea(3)
    )
    confidentiality_measures = forms.CharField(
        label="How confidentiality was protected",
        required=False,
        widget=_textarea(2),
        help_text="e.g. secure email only, restricted internal access, no written material "
        "left in the home.",
    )
    retaliation_risk = forms.CharField(
        label="Retaliation risk and how it is managed", required=False, widget=_textarea(2)
    )
    safe_contact = forms.CharField(
        label="Safe-contact arrangements", required=False, widget=_textarea(2)
    )
    dissenting_views = forms.CharField(
        label="Dissenting views",
        required=False,
        widget=_textarea(2),
        help_text="Anyone who disagreed with the decision, and why.",
    )
    outcome = forms.CharField(label="Outcome: actions agreed", widget=_textarea(3))
    review_date = forms.DateField(label="Review point", widget=DATE_WIDGET)
    review_what = forms.CharField(label="What will be reviewed", widget=_textarea(2))

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        field: Any = self.fields["decided_by"]
        field.queryset = (
            get_user_model()
            .objects.filter(pk__in=access.decision_deciders(user).values("user"))
            .order_by("last_name", "first_name")
        )
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if not self.is_bound:
            self.initial.setdefault("decided_by", user.pk)
            self.initial.setdefault("decided_at", _local_now())
        # The fields shown follow the decision and the consent position
        # (static/js/disclosure_form.js hides the rest; without JavaScript
        # every field shows, each saying when it is needed).
        sharing = {"data_when_decision": "share share_part"}
        self.sections = {
            "decision": _section_helper(
                Fieldset("The decision", "decision", "consent_position", "purpose")
            ),
            "when": _section_helper("decided_by", "decided_at"),
            "shared": _section_helper(
                Fieldset(
                    "What was shared",
                    Div("what_shared", **sharing),
                    Div("what_withheld", data_when_decision="share_part do_not_share"),
                    data_when_decision="share share_part do_not_share",
                )
            ),
            "why": _section_helper(
                Fieldset(
                    "Why: reasoning and lawful basis",
                    "information_considered",
                    "reasoning",
                    Div("lawful_basis", "special_condition", "proportionality", **sharing),
                )
            ),
            "consent": _section_helper(
                Div(
                    "consent_reason",
                    "consent_reason_detail",
                    data_when_consent="not_sought not_possible",
                ),
                Div(
                    "consent_discussion",
                    "understanding_checked",
                    data_when_consent="obtained refused",
                ),
                Div(
                    "override_authorised_by",
                    "override_reason",
                    data_when_consent="refused",
                    **sharing,
                ),
            ),
            "harm": _section_helper(
                "confidentiality_measures",
                "retaliation_risk",
                "safe_contact",
            ),
            "dissent": _section_helper("dissenting_views"),
            "outcome": _section_helper(
                Fieldset("Outcome and review point", "outcome", "review_date", "review_what")
            ),
        }

    def clean_decided_at(self) -> Any:
        value = self.cleaned_data["decided_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("The decision cannot have been made in the future.")
        return value


class KnownSelect(forms.Select):
    """The "someone already known" list: each option carries the row it fills
    (``data-name``, ``data-role``…), which ``disclosure_form.js`` copies into
    the row's boxes. Without JavaScript the form fills the row on submit."""

    def __init__(self, known: dict[str, KnownRecipient]) -> None:
        super().__init__()
        self.known = known

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        person = self.known.get(str(option["value"]))
        if person is not None:
            option["attrs"].update({f"data-{k}": v for k, v in person.row().items()})
        return option


class RecipientForm(forms.Form):
    """One recipient row. With ``known`` (people and organisations already known
    to the incident, ``disclosures.known``) the row starts with a list of them:
    choosing one fills the name, role, organisation and kind of recipient that
    were left empty; what the author typed wins."""

    name = forms.CharField(max_length=200, required=False)
    role = forms.CharField(max_length=200, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    category = forms.ChoiceField(choices=_choices(RecipientCategory.choices), required=False)
    channel = forms.ChoiceField(choices=_choices(Channel.choices), required=False)
    shared_at = forms.DateTimeField(
        label="When shared",
        required=False,
        widget=DATETIME_WIDGET,
        help_text="Leave empty for a “do not share” decision.",
    )

    def __init__(self, *args: Any, known: Sequence[KnownRecipient] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = {k.key: k for k in known}
        if self.known:
            self.fields["known"] = forms.ChoiceField(
                label="Someone already known to this incident",
                choices=[("", "Someone new: type below"), *((k.key, k.label) for k in known)],
                required=False,
                widget=KnownSelect(self.known),
                help_text="Fills the name, role, organisation and kind of recipient.",
            )
            self.order_fields(["known"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = self.known.get(data.get("known") or "")
        if person is not None:
            for field, value in person.row().items():
                if not data.get(field):
                    data[field] = value
        return data


class ConsultationForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    role = forms.CharField(max_length=200, required=False)
    advice = forms.CharField(label="Advice given", required=False, widget=_textarea(2))


class EscalationForm(forms.Form):
    condition = forms.CharField(
        label="Escalate if",
        required=False,
        widget=_textarea(2),
        help_text="For example: any threat to her, or a loss of over £100 at once.",
    )
    response = forms.CharField(
        label="Then",
        required=False,
        widget=_textarea(2),
        help_text="What will be done, and with whom: e.g. refer to the local authority "
        "safeguarding team the same day.",
    )


def _row_helper(*rows: Any) -> FormHelper:
    helper = PatternFormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*rows)
    return helper


RECIPIENT_HELPER = _row_helper(
    Row(Column("name"), Column("role"), Column("organisation")),
    Row(Column("category"), Column("channel"), Column("shared_at")),
    Field("DELETE"),
)
# The same row, led by the list of people already known to the incident.
KNOWN_RECIPIENT_HELPER = _row_helper(
    Field("known"),
    Row(Column("name"), Column("role"), Column("organisation")),
    Row(Column("category"), Column("channel"), Column("shared_at")),
    Field("DELETE"),
)
CONSULTATION_HELPER = _row_helper(
    Row(Column("name"), Column("role")), Field("advice"), Field("DELETE")
)
ESCALATION_HELPER = _row_helper(Row(Column("condition"), Column("response")), Field("DELETE"))


class RowFormSet(forms.BaseFormSet):
    """Blank rows are ignored; "remove" ticks drop a row before saving."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this row"

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(form index, cleaned data) for each row that will be saved."""
        result = []
        for i, form in enumerate(self.forms):
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            result.append((i, data))
        return result


# The most rows of one kind a decision can have. It is also every row formset's
# absolute_max: Django otherwise builds, validates and renders up to max_num + 1,000
# forms for whatever TOTAL_FORMS a POST claims, and one forged POST of the decision
# form took 26 s of a worker (found by tests/security/test_fuzz.py).
MAX_ROWS = 30


def _row_formset(form: type[forms.Form]) -> Any:
    return forms.formset_factory(
        form,
        formset=RowFormSet,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )


RecipientFormSet = _row_formset(RecipientForm)
ConsultationFormSet = _row_formset(ConsultationForm)
EscalationFormSet = _row_formset(EscalationForm)


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(
        label="Which part are you correcting?", choices=_choices(AMENDABLE_FIELDS)
    )
    new_text = forms.CharField(
        label="Corrected text",
        widget=_textarea(5),
        help_text="The text as it should read. The original stays visible beneath it.",
    )
    reason = forms.CharField(
        label="Reason for the amendment",
        widget=_textarea(2),
        help_text="e.g. 'Recipient's role was recorded wrongly; confirmed from the email.'",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("field", "new_text", "reason")
        self.helper.form_tag = False


class ReviewForm(forms.Form):
    reviewed_at = forms.DateTimeField(label="Reviewed at", widget=DATETIME_WIDGET)
    what_changed = forms.CharField(
        label="What has changed",
        widget=_textarea(4),
        help_text="Risk, the person's views and consent, actions completed, new information.",
    )
    next_review_date = forms.DateField(
        label="Next review point", required=False, widget=DATE_WIDGET
    )
    next_review_what = forms.CharField(
        label="What will be reviewed next", required=False, widget=_textarea(2)
    )
    no_further_review_reason = forms.CharField(
        label="Or: why no further review is needed",
        required=False,
        widget=_textarea(2),
        help_text="Only when ending reviews of this decision, e.g. the enquiry has concluded.",
    )

    def __init__(self, *args: Any, conditions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("reviewed_at", _local_now())
        # One question per escalation condition set with the decision.
        checks = []
        for n, condition in enumerate(conditions, start=1):
            met, note = f"escalation_{condition.pk}", f"escalation_{condition.pk}_note"
            self.fields[met] = forms.TypedChoiceField(
                label=f"Escalate if: {condition.condition}",
                choices=[("yes", "Met"), ("no", "Not met")],
                coerce=lambda v: v == "yes",
                widget=forms.RadioSelect,
                help_text=f"Then: {condition.response}",
            )
            self.fields[note] = forms.CharField(
                label=f"What was found (condition {n})", required=False, widget=_textarea(2)
            )
            checks += [met, note]
        self.escalation_fields = [(c.pk, f"escalation_{c.pk}") for c in conditions]
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "reviewed_at",
            "what_changed",
            *([Fieldset("Escalation conditions: was each met?", *checks)] if checks else []),
            Fieldset("Next review point", "next_review_date", "next_review_what"),
            "no_further_review_reason",
        )

    def review_values(self) -> dict[str, Any]:
        """The service's arguments: the review's fields and the checks by condition."""
        data = dict(self.cleaned_data)
        checks = {}
        for pk, name in self.escalation_fields:
            checks[pk] = (data.pop(name, None), data.pop(f"{name}_note", ""))
        return {**data, "escalation_checks": checks}


class RegisterFilterForm(forms.Form):
    decision = forms.ChoiceField(choices=_choices(Decision.choices, "Any decision"), required=False)
    consent_position = forms.ChoiceField(
        label="Consent",
        choices=_choices(ConsentPosition.choices, "Any consent position"),
        required=False,
    )
    category = forms.ChoiceField(
        label="Recipient category",
        choices=_choices(RecipientCategory.choices, "Any recipient"),
        required=False,
    )
    date_from = FilterDateField(label="Decided from")
    date_to = FilterDateField(label="Decided to")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def apply(self, qs: Any) -> Any:
        data = self.cleaned_data
        if data.get("decision"):
            qs = qs.filter(decision=data["decision"])
        if data.get("consent_position"):
            qs = qs.filter(consent_position=data["consent_position"])
        if data.get("category"):
            qs = qs.filter(recipients__category=data["category"]).distinct()
        if data.get("date_from"):
            qs = qs.filter(decided_at__date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(decided_at__date__lte=data["date_to"])
        return qs


class ReviewsDueFilterForm(forms.Form):
    WINDOWS = [
        ("", "All open review points"),
        ("overdue", "Overdue only"),
        ("14", "Overdue or due within 14 days"),
    ]
    window = forms.ChoiceField(label="Show", choices=WINDOWS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


def _bootstrap(form: forms.Form) -> None:
    """Filter forms are laid out by hand; give their widgets Bootstrap's look."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", f"{css} {css}-sm")

"""Forms validate; services act. Each form carries its crispy FormHelper."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from allegations import access
from allegations.models import (
    AMENDABLE_FIELDS,
    AllegationStatus,
    HREntryKind,
    InterimMeasure,
    Outcome,
    ReferralKind,
    RetentionReview,
    SafeguardingEntryKind,
    SideStatus,
    StaffMember,
)
from incidents.models import Category
from organisations import access as org_access
from organisations.form_pattern import PatternFormHelper
from organisations.models import Actor, Membership, Role, Service, User
from organisations.web import DATE_WIDGET, DATETIME_WIDGET, local_now


def _helper(*fields: Any, submit: str) -> FormHelper:
    helper = PatternFormHelper()
    # Server-side messages are clearer and consistent; see base.html's alert.
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


def _user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _not_future_dt(value: Any, label: str) -> Any:
    if value and value > timezone.now() + timedelta(minutes=5):
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


def _owner_field(label: str) -> UserChoiceField:
    return UserChoiceField(
        label=label,
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Not assigned yet",
    )


def _owners(actor: Actor, side_name: str) -> Any:
    return (
        get_user_model()
        .objects.filter(pk__in=access.side_owner_candidates(actor, side_name).values("user"))
        .order_by("last_name", "first_name")
    )


class AllegationForm(forms.Form):
    # Choose someone on the list, or add someone new: neither is "optional".
    conditionally_required = {"staff_member", "new_name", "new_job_title"}
    staff_member = forms.ModelChoiceField(
        label="Staff member already on our list",
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="Choose, or add someone new below",
    )
    new_name = forms.CharField(label="Name", max_length=200, required=False)
    new_job_title = forms.CharField(label="Job title", max_length=120, required=False)
    new_employee_reference = forms.CharField(
        label="Employee reference", max_length=40, required=False
    )
    what_is_alleged = forms.CharField(
        label="What is alleged",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The allegation as it was made, in the words used. Facts only, no opinion.",
    )
    categories = forms.MultipleChoiceField(
        label="Categories of abuse", choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    raised_by = forms.CharField(
        label="Who raised it",
        max_length=200,
        help_text="Name and role, e.g. 'Edith Clarke, resident'.",
    )
    raised_at = forms.DateTimeField(label="When it was raised", widget=DATETIME_WIDGET)
    safeguarding_owner = _owner_field("Safeguarding record owner (safeguarding lead)")
    hr_owner = _owner_field("HR record owner")

    def __init__(self, *args: Any, user: Actor, incident: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = access.visible_staff(user)  # type: ignore[attr-defined]
        self.fields["safeguarding_owner"].queryset = _owners(user, "safeguarding")  # type: ignore[attr-defined]
        self.fields["hr_owner"].queryset = _owners(user, "hr")  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault(
                "raised_at",
                incident.became_aware_at.astimezone(timezone.get_current_timezone()).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            )
            self.initial.setdefault("categories", incident.categories)
            self.initial.setdefault("raised_by", incident.raised_by)
            if org_access.has_role(user, Role.LEAD):
                self.initial.setdefault("safeguarding_owner", user.pk)
        self.helper = _helper(
            Fieldset(
                "The staff member",
                "staff_member",
                HTML('<p class="form-text mb-2">Or add someone new:</p>'),
                "new_name",
                "new_job_title",
                "new_employee_reference",
            ),
            Fieldset("The allegation", "what_is_alleged", "categories", "raised_by", "raised_at"),
            Fieldset(
                "Who owns each record",
                HTML(
                    '<p class="form-text">The safeguarding and HR records are kept apart. '
                    "Each owner sees only that the other record exists, who owns it and its "
                    "status.</p>"
                ),
                "safeguarding_owner",
                "hr_owner",
            ),
            submit="Record allegation",
        )

    def clean_raised_at(self) -> Any:
        return _not_future_dt(self.cleaned_data["raised_at"], "When it was raised")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        name = (data.get("new_name") or "").strip()
        title = (data.get("new_job_title") or "").strip()
        if data.get("staff_member") and (name or title):
            self.add_error("new_name", "Choose someone on the list or add someone new, not both.")
        elif not data.get("staff_member"):
            if not name and not title:
                self.add_error("staff_member", "Choose the staff member, or add them below.")
            elif not name:
                self.add_error("new_name", "Give the staff member's name.")
            elif not title:
                self.add_error("new_job_title", "Give the staff member's job title.")
        return data


class StaffMemberForm(forms.Form):
    name = forms.CharField(max_length=200)
    job_title = forms.CharField(max_length=120)
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="No single service"
    )
    employee_reference = forms.CharField(max_length=40, required=False)
    user = UserChoiceField(
        label="Their login, if they have one",
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Linking it means any allegation about them is hidden from them.",
    )
    date_of_birth = forms.DateField(required=False, widget=DATE_WIDGET)
    retirement_date = forms.DateField(
        label="Normal retirement date",
        required=False,
        widget=DATE_WIDGET,
        help_text="If blank, age 67 from the date of birth is assumed for retention.",
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = org_access.require_membership(user)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            organisation_id=membership.organisation_id
        )
        members = Membership.objects.filter(organisation_id=membership.organisation_id)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=members.values("user"))
            .order_by("last_name", "first_name")
        )
        self.helper = _helper(
            "name",
            "job_title",
            "service",
            "employee_reference",
            "user",
            Fieldset("For retention", "date_of_birth", "retirement_date"),
            submit="Add staff member",
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        dob, retire = data.get("date_of_birth"), data.get("retirement_date")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth cannot be in the future.")
        if dob and retire and retire <= dob:
            self.add_error(
                "retirement_date", "The retirement date must be after the date of birth."
            )
        return data


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label="Status", choices=AllegationStatus.choices)
    outcome = forms.ChoiceField(
        label="Outcome (when concluding)", choices=[("", "—"), *Outcome.choices], required=False
    )
    outcome_date = forms.DateField(label="Date of the outcome", required=False, widget=DATE_WIDGET)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For an outcome, say how it was reached (e.g. strategy meeting of 3 March).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("to_status", "outcome", "outcome_date", "reason", submit="Save")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("to_status") == AllegationStatus.CONCLUDED:
            if not data.get("outcome"):
                self.add_error("outcome", "Choose the outcome when concluding.")
            if not data.get("outcome_date"):
                self.add_error("outcome_date", "Give the date of the outcome.")
        return data


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(
        label="Referral or notification", choices=[("", "Choose…"), *ReferralKind.choices]
    )
    body = forms.CharField(
        label="Referred to",
        max_length=200,
        help_text="The body or team, e.g. 'Westshire Adult Safeguarding Hub', 'NMC'.",
    )
    referred_on = forms.DateField(label="Date referred", widget=DATE_WIDGET)
    reference = forms.CharField(label="Their reference", max_length=64, required=False)
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What came of it, when known (e.g. 'Accepted for a section 42 enquiry'). "
        "Learnt later? Record it as a correction of this referral.",
    )
    correction_reason = forms.CharField(
        label="What was wrong with the original",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate().isoformat())
        fields = ["kind", "body", "referred_on", "reference", "outcome"]
        if correcting:
            fields.append("correction_reason")
        else:
            del self.fields["correction_reason"]
        self.helper = _helper(
            *fields,
            HTML(
                '<p class="form-text">Record what was shared, and why, as a disclosure '
                "decision on the incident.</p>"
            ),
            submit="Record referral",
        )


class SideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    owner = _owner_field("Owner")
    status = forms.ChoiceField(choices=SideStatus.choices)

    def __init__(self, *args: Any, user: Actor, side_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners(user, side_name)  # type: ignore[attr-defined]
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class EntryForm(forms.Form):
    kind = forms.ChoiceField()
    interim_measure = forms.ChoiceField(
        choices=[("", "—"), *InterimMeasure.choices],
        required=False,
        help_text="For an interim-measure entry: suspension, redeployment, supervised practice…",
    )
    occurred_at = forms.DateTimeField(label="When it happened", widget=DATETIME_WIDGET)
    text = forms.CharField(
        label="What was done or found",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Facts: what was done, seen or said, and by whom. Quote people's words.",
    )

    def __init__(self, *args: Any, side_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = SafeguardingEntryKind if side_name == "safeguarding" else HREntryKind
        self.fields["kind"].choices = [("", "Choose…"), *kinds.choices]  # type: ignore[attr-defined]
        fields = ["kind", "occurred_at", "text"]
        if side_name == "hr":
            fields.insert(1, "interim_measure")
        else:
            del self.fields["interim_measure"]
        if not self.is_bound:
            self.initial.setdefault("occurred_at", local_now())
        self.helper = _helper(*fields, submit="Add entry")

    def clean_occurred_at(self) -> Any:
        return _not_future_dt(self.cleaned_data["occurred_at"], "When it happened")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if "interim_measure" in self.fields:
            if data.get("kind") == HREntryKind.INTERIM and not data.get("interim_measure"):
                self.add_error("interim_measure", "Choose the interim measure.")
            elif data.get("kind") != HREntryKind.INTERIM and data.get("interim_measure"):
                self.add_error("interim_measure", "Only an interim-measure entry names a measure.")
        return data


class DecisionForm(forms.Form):
    decision = forms.CharField(label="The decision", widget=forms.Textarea(attrs={"rows": 2}))
    information_considered = forms.CharField(
        label="Information considered",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you looked at: accounts, records, advice, the person's views.",
    )
    consulted = forms.CharField(
        label="Who was consulted",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names, roles and what each advised.",
    )
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 4}))
    dissenting_views = forms.CharField(
        label="Dissenting views",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who disagreed and why. Leave blank only if nobody did.",
    )
    decided_by = forms.CharField(
        label="Decided by", max_length=200, help_text="Name and role of who made the decision."
    )
    decided_at = forms.DateTimeField(label="Decided at", widget=DATETIME_WIDGET)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("decided_at", local_now())
            membership = org_access.membership_of(user)
            if membership is not None:
                title = membership.job_title or membership.get_role_display()
                self.initial.setdefault("decided_by", f"{membership.display_name}, {title}")
        self.helper = _helper(
            "decision",
            "information_considered",
            "consulted",
            "rationale",
            "dissenting_views",
            "decided_by",
            "decided_at",
            submit="Record key decision",
        )

    def clean_decided_at(self) -> Any:
        return _not_future_dt(self.cleaned_data["decided_at"], "Decided at")


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(label="Part being corrected")
    new_text = forms.CharField(
        label="Corrected text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The part as it should read. The original stays visible.",
    )
    reason = forms.CharField(
        label="Reason for the amendment", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, target_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = AMENDABLE_FIELDS[target_kind]  # type: ignore[attr-defined]
        if target_kind == "entry":
            self.fields["field"].widget = forms.HiddenInput()
            self.initial.setdefault("field", "text")
        self.helper = _helper("field", "new_text", "reason", submit="Save amendment")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("field") != "dissenting_views" and not (data.get("new_text") or "").strip():
            self.add_error("new_text", "Enter the corrected text.")
        return data


class RetentionReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("", "Choose…"), *RetentionReview.Decision.choices])
    next_review_by = forms.DateField(
        label="Next review by",
        required=False,
        widget=DATE_WIDGET,
        help_text="Needed when retaining.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("decision", "next_review_by", "reason", submit="Record review")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("decision") == RetentionReview.Decision.RETAIN:
            nxt = data.get("next_review_by")
            if not nxt:
                self.add_error("next_review_by", "Give the date of the next review.")
            elif nxt <= timezone.localdate():
                self.add_error("next_review_by", "The next review must be in the future.")
        return data


class AllegationFilterForm(forms.Form):
    q = forms.CharField(label="Staff member or reference", required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *AllegationStatus.choices], required=False
    )


class SourceStaffForm(forms.Form):
    """Which member of staff an alleged source of harm is."""

    staff_member = forms.ModelChoiceField(
        label="Staff member",
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="— Not on the list: add them below —",
    )
    new_name = forms.CharField(label="Name", max_length=200, required=False)
    new_job_title = forms.CharField(label="Job title", max_length=120, required=False)
    new_employee_reference = forms.CharField(
        label="Employee reference", max_length=40, required=False
    )

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = access.visible_staff(user)  # type: ignore[attr-defined]
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "staff_member",
            Fieldset("Or add them", "new_name", "new_job_title", "new_employee_reference"),
            Submit("save", "Link to staff record"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("staff_member") and not self.errors:
            for name in ("new_name", "new_job_title"):
                if not (data.get(name) or "").strip():
                    self.add_error(
                        name, "Choose the staff member, or give their name and job title."
                    )
        return data

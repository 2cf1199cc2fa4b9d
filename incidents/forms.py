"""Forms validate; services act. Each form carries its crispy FormHelper."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone

from incidents import access
from incidents.bodymaps import BodyMapMark, region_choices
from incidents.filters import FilterDateField
from incidents.linked import PersonRole, SourceOfRisk
from incidents.models import (
    Category,
    ClosureOutcome,
    EntryKind,
    EvidenceFile,
    Incident,
    LinkedPerson,
    OutcomesAchieved,
    Person,
    PersonLink,
    RiskLevel,
    Status,
    ViewsStatus,
)
from incidents.person_choices import Offer, PeopleField, offer_people
from organisations import access as org_access
from organisations.form_pattern import PatternFormHelper
from organisations.models import Actor, Service
from organisations.web import DATE_WIDGET, DATETIME_WIDGET, local_now


class IncidentForm(forms.Form):
    # Choose someone known, or add someone new: neither is "optional".
    conditionally_required = {"people", "new_given_name", "new_family_name"}
    search_fields = {"find_person"}
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    people = PeopleField(
        label="Adults at risk already known to us",
        queryset=Person.objects.none(),
        required=False,
        # Checkboxes (forms.js adds a filter box): no Ctrl-click multi-select.
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone this concerns.",
    )
    # Listed only when there are too many adults to list them all
    # (``incidents.person_choices``); the "Find" button re-shows the form with
    # everything typed kept (``carried_over``).
    find_person = forms.CharField(
        label="Find an adult by name",
        required=False,
        widget=forms.TextInput(attrs={"data-enter-clicks": "find-people"}),
        help_text="Part of their name (given, family or preferred), then Find. "
        "Nothing you have typed is lost.",
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
    views_status = forms.ChoiceField(
        label="Were the person's views and desired outcomes asked for?",
        choices=[("", "Choose…"), *ViewsStatus.choices],
        required=False,
        help_text="Making Safeguarding Personal. Left empty, it is a record-quality finding.",
    )
    views_not_asked_reason = forms.CharField(
        label="Why they were not asked",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. asking would alert the person causing harm; and when they will be asked.",
    )
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
    # No reference fields: each statutory notification's outcome is the one
    # home of its reference (notifications app, docs/notifications.md).
    # Prior concerns (incidents.prior): shown after a first submit names an
    # adult with earlier concerns; the form then needs this box ticked.
    acknowledge_prior = forms.BooleanField(label="I have read the earlier concerns", required=False)
    prior_shown = forms.CharField(required=False, widget=forms.HiddenInput)
    # The form's one-time key: a second submission returns the first incident.
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
        services = access.recordable_services(user)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        people = self.fields["people"]
        source = self.data if self.is_bound else None
        self.people_offer: Offer = offer_people(
            people,  # type: ignore[arg-type]
            access.visible_people(user).filter(service__in=services),
            selected=(
                people.widget.value_from_datadict(source, self.files, self.add_prefix("people"))
                if source is not None
                else self.initial.get("people") or ()
            )
            or (),
            term=(source.get("find_person") if source is not None else None)
            or self.initial.get("find_person", ""),
        )
        if not self.is_bound:
            self.initial.setdefault("became_aware_at", local_now())
        self.helper = PatternFormHelper()
        # Server-side messages are clearer and consistent; see base.html's alert.
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            # A second submit button ("Find") comes before the main one: Enter
            # in a text box must still log the incident (docs/forms.md).
            *(
                (
                    HTML(
                        '<button type="submit" name="save" value="1" class="visually-hidden" '
                        'tabindex="-1" aria-hidden="true">Log incident</button>'
                    ),
                )
                if self.people_offer.narrowed
                else ()
            ),
            Fieldset("Where", "service"),
            Fieldset(
                "Adult(s) at risk",
                *(
                    (
                        HTML(
                            '{% include "incidents/_people_offer.html" '
                            "with offer=form.people_offer %}"
                        ),
                        "find_person",
                        HTML(
                            '<button type="submit" name="find" value="1" id="find-people" '
                            'class="btn btn-outline-secondary mb-3">Find</button>'
                        ),
                    )
                    if self.people_offer.narrowed
                    else ()
                ),
                Div(
                    "people",
                    css_class="choice-list mb-3",
                    css_id="people-choices",
                    # forms.js's filter box, for a list of every adult (not a
                    # few found by name, which the search above narrows).
                    **(
                        {}
                        if self.people_offer.narrowed
                        else {"data_filter": "Filter the list by name"}
                    ),
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
            Fieldset(
                "The person",
                "views_status",
                "persons_views",
                "desired_outcomes",
                "views_not_asked_reason",
                "capacity_considerations",
            ),
            "prior_shown",
            "submission",
            Submit("save", "Log incident"),
        )

    @classmethod
    def carried_over(cls, data: Any, *, user: Actor) -> IncidentForm:
        """The form again, unbound, holding everything ``data`` (a POST) typed:
        what the "Find" button shows. Nothing is validated (no error is shown
        for a form the user has not finished) and the one-time key travels on,
        so the incident is still logged once."""
        initial = {
            name: field.widget.value_from_datadict(data, {}, name)
            for name, field in cls.base_fields.items()
        }
        return cls(initial={k: v for k, v in initial.items() if v not in (None, "")}, user=user)

    def show_prior_concerns(self, names: str, ids: set[int]) -> None:
        """Add the earlier concerns (``incidents/_prior_concerns.html``, from the
        page's ``prior_concerns``) and the box confirming they were read, just
        before the button; remember which incidents were shown. A list that
        differs from the one the user confirmed must be confirmed again."""
        shown = ",".join(str(pk) for pk in sorted(ids))
        data = QueryDict(mutable=True)
        data.update(self.data)
        if data.get("prior_shown") != shown:
            data.pop("acknowledge_prior", None)
        data["prior_shown"] = shown
        self.data = data
        label = f"I have read the earlier concerns about {names}"
        self.fields["acknowledge_prior"].label = label  # the error summary's
        self["acknowledge_prior"].label = label  # the box's (its bound field is made already)
        self.helper.layout.insert(
            len(self.helper.layout.fields) - 1,
            Fieldset(
                "Earlier concerns",
                HTML('{% include "incidents/_prior_concerns.html" %}'),
                "acknowledge_prior",
                css_id="prior-concerns",
            ),
        )

    def shown_ids(self) -> set[int]:
        raw = self.cleaned_data.get("prior_shown") or ""
        return {int(part) for part in raw.split(",") if part.strip().isdigit()}

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

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
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
    present_people = forms.ModelMultipleChoiceField(
        label="People linked to this incident who were present",
        queryset=PersonLink.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    present = forms.CharField(
        label="Who else was present", max_length=500, required=False, help_text="Names and roles."
    )
    late_reason = forms.CharField(
        label="Why it is recorded late (if it is)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Records should be made at the time. If this happened more than "
        f"{settings.SAFEGUARD_LATE_ENTRY_HOURS} hours ago, say why it is recorded now.",
    )

    def __init__(self, *args: Any, incident: Incident | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("occurred_at", local_now())
        links = PersonLink.objects.none()
        if incident is not None:
            links = PersonLink.objects.filter(incident=incident).select_related("person")
        field = self.fields["present_people"]
        field.queryset = links  # type: ignore[attr-defined]
        field.label_from_instance = lambda link: (  # type: ignore[attr-defined]
            f"{link.person.full_name} ({link.get_role_display().lower()})"
        )
        self.helper = PatternFormHelper()
        # Server-side messages are clearer and consistent; see base.html's alert.
        self.helper.attrs = {"novalidate": ""}
        fields = ["kind", "occurred_at", "facts", "present_people", "present", "late_reason"]
        if not links.exists():
            del self.fields["present_people"]
            fields.remove("present_people")
            self.fields["present"].label = "Who was present"
        self.helper.layout = Layout(*fields, Submit("save", "Add entry"))

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
        self.helper = PatternFormHelper()
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
    outcomes_achieved = forms.ChoiceField(
        label="Were the person's desired outcomes achieved? (when closing)",
        choices=[("", "—"), *OutcomesAchieved.choices],
        required=False,
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from incidents.services import ALLOWED_TRANSITIONS

        allowed = ALLOWED_TRANSITIONS[Status(incident.status)]
        self.fields["to_status"].choices = [c for c in Status.choices if c[0] in allowed]  # type: ignore[attr-defined]
        self.initial.setdefault("version", incident.version)
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_status") == Status.CLOSED and not data.get("closure_outcome"):
            self.add_error("closure_outcome", "Choose the outcome when closing.")
        return data


class GrantForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    user = forms.ModelChoiceField(label="Person", queryset=get_user_model().objects.none())
    reason = forms.CharField(
        label="Why they need to know", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=access.need_to_know_candidates(actor).values("user"))
            .order_by("last_name", "first_name")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
        self.helper = PatternFormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class RevokeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    revoke_reason = forms.CharField(label="Why access is being removed", max_length=1000)


class RestrictForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    restricted = forms.BooleanField(required=False)


class PersonLinkForm(forms.Form):
    """Name someone on an incident: choose a person already recorded, or add one."""

    person = forms.ModelChoiceField(
        label="Someone already recorded",
        queryset=LinkedPerson.objects.none(),
        required=False,
        empty_label="— Add someone new below —",
    )
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = forms.DateField(
        label="Date of birth (if known)", required=False, widget=DATE_WIDGET
    )
    description = forms.CharField(
        label="What tells them apart",
        max_length=200,
        required=False,
        help_text="e.g. 'Social worker, county council' or 'Neighbour at no. 12'.",
    )
    confirm_new = forms.BooleanField(
        label="This is a different person from those already recorded with this name",
        required=False,
    )
    role = forms.ChoiceField(
        label="Role on this incident", choices=[("", "Choose…"), *PersonRole.choices]
    )
    source_of_risk = forms.ChoiceField(
        label="Source of risk (Safeguarding Adults Collection)",
        choices=[("", "—"), *SourceOfRisk.choices],
        required=False,
        help_text="For an alleged source of harm only.",
    )
    is_staff = forms.BooleanField(
        label="A member of our staff",
        required=False,
        help_text="For an alleged source of harm, link them to their staff record next: they "
        "then never see this incident.",
    )
    relationship = forms.CharField(
        label="Relationship to the adult at risk",
        max_length=120,
        required=False,
        help_text="e.g. 'Son', 'Neighbour', 'Care worker'.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.offer()
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                "Who",
                "person",
                HTML('<p class="form-text mb-2">Or add someone new:</p>'),
                "given_name",
                "family_name",
                "date_of_birth",
                "description",
                "confirm_new",
            ),
            Fieldset(
                "Their part in this incident",
                "role",
                "source_of_risk",
                "is_staff",
                "relationship",
                "note",
            ),
            Submit("save", "Add person"),
        )

    def offer(self, duplicates: Any = ()) -> None:
        """The people to choose from: those the user may see, plus possible
        duplicates of the name typed (``access.possible_duplicates``)."""
        ids = set(access.visible_linked_people(self.user).values_list("pk", flat=True))
        ids |= {p.pk for p in duplicates}
        if self.is_bound:
            given, family = self.data.get("given_name", ""), self.data.get("family_name", "")
            if given.strip():
                ids |= set(
                    access.possible_duplicates(self.user, given, family, None).values_list(
                        "pk", flat=True
                    )
                )
        field = self.fields["person"]
        field.queryset = LinkedPerson.objects.filter(pk__in=ids).order_by(  # type: ignore[attr-defined]
            "family_name", "given_name", "pk"
        )
        field.label_from_instance = _person_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("person") or (data.get("given_name") or "").strip()
        if not named and not self.errors:
            self.add_error("person", "Choose someone already recorded, or add someone new.")
        if data.get("role") == PersonRole.SOURCE_OF_HARM and not data.get("source_of_risk"):
            self.add_error(
                "source_of_risk", "Choose the source of risk for an alleged source of harm."
            )
        return data


def _person_label(person: LinkedPerson) -> str:
    extra = [person.date_of_birth.strftime("born %d %b %Y") if person.date_of_birth else ""]
    extra.append(person.description)
    details = ", ".join(e for e in extra if e)
    return f"{person.full_name} ({details})" if details else person.full_name


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="File",
        allow_empty_file=True,  # the service says what is wrong with an empty file
        help_text="A photograph (JPEG or PNG) or a PDF (a scanned letter, an email saved as "
        "PDF). Photographs are stored without their location and camera details.",
    )
    description = forms.CharField(
        max_length=300, required=False, help_text="What it shows, e.g. 'Left wrist, 08:10'."
    )
    replaces = forms.ModelChoiceField(
        label="Corrects an earlier file (optional)",
        queryset=EvidenceFile.objects.none(),
        required=False,
        empty_label="— No, a new file —",
    )
    correction_reason = forms.CharField(
        label="Why this file corrects it",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="The earlier file stays on the record.",
    )

    def __init__(self, *args: Any, files: Any, **kwargs: Any) -> None:
        """``files``: the record's own files, the only ones a new file may correct."""
        super().__init__(*args, **kwargs)
        field = self.fields["replaces"]
        field.queryset = files  # type: ignore[attr-defined]
        field.label_from_instance = lambda f: f"{f.original_name} ({f.uploaded_at:%d %b %Y %H:%M})"  # type: ignore[attr-defined]
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "file", "description", "replaces", "correction_reason", Submit("save", "Add file")
        )


class BodyMarkForm(forms.Form):
    """One mark on an entry's body map. The part of the body is chosen from a
    list (keyboard, screen reader); clicking the picture only fills in that
    list (static/js/body_map.js)."""

    location = forms.ChoiceField(
        label="Part of the body",
        help_text="Front or back, then the part. 'Left' and 'right' are the person's own.",
    )
    description = forms.CharField(
        label="What was seen",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'Purple bruise, like finger marks'.",
    )
    size = forms.CharField(max_length=60, required=False, help_text="For example, 3 cm.")
    colour = forms.CharField(max_length=60, required=False, help_text="For example, purple.")
    seen_by = forms.CharField(label="Seen by", max_length=200, help_text="Name and role.")
    seen_at = forms.DateTimeField(label="When it was seen", widget=DATETIME_WIDGET)
    corrects = forms.ModelChoiceField(
        label="Corrects an earlier mark",
        queryset=BodyMapMark.objects.none(),
        required=False,
        empty_label="— No, a new mark —",
    )
    correction_reason = forms.CharField(
        label="Why this mark corrects it",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="The earlier mark stays on the record.",
    )

    def __init__(self, *args: Any, entry: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", "— Choose —"), *region_choices()]  # type: ignore[attr-defined]
        field = self.fields["corrects"]
        marks = list(BodyMapMark.objects.filter(entry=entry).order_by("recorded_at", "pk"))
        numbers = {m.pk: n for n, m in enumerate(marks, 1)}
        field.queryset = BodyMapMark.objects.filter(entry=entry)  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: f"Mark {numbers.get(m.pk, '?')}: {m.region_label}"  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("seen_at", local_now())
            if user is not None:
                self.initial.setdefault("seen_by", user.get_full_name() or user.get_username())
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "location",
            "description",
            "size",
            "colour",
            "seen_by",
            "seen_at",
            "corrects",
            "correction_reason",
            Submit("save", "Add mark"),
        )

    def clean_location(self) -> tuple[str, str]:
        value = self.cleaned_data["location"]
        view, _, region = value.partition(":")
        return view, region


class PatternSettingsForm(forms.Form):
    threshold = forms.IntegerField(
        label="Number of concerns",
        min_value=2,
        max_value=100,
        help_text="Alert when an adult at risk has this many concerns or more.",
    )
    window_days = forms.IntegerField(
        label="Within this many days",
        min_value=1,
        max_value=3650,
        help_text="Counted back from today, by when we became aware of each concern.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("threshold", "window_days", Submit("save", "Save settings"))


class AlertReviewForm(forms.Form):
    note = forms.CharField(
        label="What you considered and decided",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="e.g. the incidents were read together; a strategy discussion was requested.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout("note", Submit("save", "Mark as reviewed"))

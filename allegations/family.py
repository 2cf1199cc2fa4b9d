"""Communication with the family (seed 003, operational example 1).

"The family received information about safeguarding actions and protection
measures, but not HR details. Advocacy support ensured the person's views were
central." The communication is a disclosure decision (recipient category family)
so it sits in the same registers as every other; this form only offers
safeguarding-side entries to share and never anything from the HR record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from allegations import access
from allegations.models import Allegation, SafeguardingEntry, SafeguardingEntryKind
from disclosures import access as decision_access
from disclosures.drafts import DecisionDraft, RecipientDraft
from organisations.form_pattern import PatternFormHelper
from organisations.models import Actor
from organisations.web import DATE_WIDGET, DATETIME_WIDGET, local_now

# Safeguarding actions and protection measures: what a family may be told about.
SHAREABLE_KINDS = (
    SafeguardingEntryKind.PROTECTION,
    SafeguardingEntryKind.UPDATE,
    SafeguardingEntryKind.MEETING,
)
WITHHELD_DEFAULT = (
    "HR details: employment actions concerning the staff member (interim measures, "
    "investigation steps, disciplinary process and outcome) and their personal information."
)


def current_text(entry: SafeguardingEntry) -> str:
    """The entry as it now reads: its latest amendment, if any."""
    latest = None
    for amendment in entry.amendments.all():
        latest = amendment
    return latest.new_text if latest is not None else entry.text


def shareable_entries(allegation: Allegation) -> Any:
    return (
        SafeguardingEntry.objects.filter(record__allegation=allegation, kind__in=SHAREABLE_KINDS)
        .prefetch_related("amendments")
        .order_by("occurred_at", "pk")
    )


def compose_what_shared(entries: list[SafeguardingEntry], also_shared: str) -> str:
    lines = [
        f"- {e.get_kind_display()} ({timezone.localtime(e.occurred_at):%d %b %Y}): "
        f"{current_text(e)}"
        for e in entries
    ]
    if also_shared.strip():
        lines.append(also_shared.strip())
    return "\n".join(lines)


@transaction.atomic
def record_family_communication(
    *,
    actor: Actor,
    allegation: Allegation,
    family_member: str,
    relationship: str,
    channel: str,
    shared_at: datetime,
    entries: list[SafeguardingEntry],
    also_shared: str = "",
    quality_acknowledged: bool = False,
    **decision: Any,
) -> Any:
    """Record what the family were told as a disclosure decision on the incident.
    Only safeguarding-side entries of this allegation can be included.
    ``decision`` holds the rest of the decision log, named as ``DecisionDraft``
    names it (the form's fields)."""
    from disclosures import services as disclosure_services
    from disclosures.models import Decision, RecipientCategory

    if not access.can_read_side(actor, allegation, "safeguarding"):
        raise PermissionDenied
    if any(
        e.record.allegation_id != allegation.pk or e.kind not in SHAREABLE_KINDS for e in entries
    ):
        raise PermissionDenied("Only this allegation's safeguarding actions can be shared.")
    recipient = RecipientDraft(
        name=family_member,
        role=relationship,
        organisation="Family",
        category=RecipientCategory.FAMILY,
        channel=channel,
        shared_at=shared_at,
    )
    draft = DecisionDraft.from_values(
        {
            **decision,
            "decision": Decision.SHARE_PART,
            "what_shared": compose_what_shared(entries, also_shared),
            "recipients": [recipient],
        }
    )
    return disclosure_services.record_disclosure(
        actor=actor,
        incident=allegation.incident,
        draft=draft,
        quality_acknowledged=quality_acknowledged,
    )


def family_decisions(user: Actor, allegation: Allegation) -> Any:
    """Family communications on the allegation's incident, for safeguarding readers."""
    from disclosures.models import RecipientCategory

    if not access.can_read_side(user, allegation, "safeguarding"):
        return []
    return (
        decision_access.visible_decisions(user)
        .filter(incident_id=allegation.incident_id, recipients__category=RecipientCategory.FAMILY)
        .distinct()
        .prefetch_related("recipients")
        .order_by("decided_at", "pk")
    )


class EntryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.occurred_at)
        return f"{obj.get_kind_display()}, {when:%d %b %Y}: {current_text(obj)}"


class FamilyCommunicationForm(forms.Form):
    family_member = forms.CharField(label="Family member's name", max_length=200)
    relationship = forms.CharField(
        label="Relationship to the person", max_length=200, help_text="e.g. 'Daughter'."
    )
    channel = forms.ChoiceField(label="How it was shared")
    shared_at = forms.DateTimeField(label="When it was shared", widget=DATETIME_WIDGET)
    entries = EntryChoiceField(
        label="Safeguarding actions and protection measures shared",
        queryset=SafeguardingEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only safeguarding-side entries are offered: nothing from the HR record.",
    )
    also_shared = forms.CharField(
        label="Anything else said (facts only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_withheld = forms.CharField(
        label="What was not shared, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    purpose = forms.ChoiceField()
    reasoning = forms.CharField(
        label="Reasoning",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the family were told this, balancing transparency and confidentiality.",
    )
    lawful_basis = forms.ChoiceField(label="Lawful basis (UK GDPR Art. 6)")
    special_condition = forms.ChoiceField(label="Condition for special-category data")
    proportionality = forms.CharField(
        label="Proportionality",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this is the minimum the family need.",
    )
    confidentiality_measures = forms.CharField(
        label="How confidentiality was protected",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. private room, nothing about the staff member in writing.",
    )
    retaliation_risk = forms.CharField(
        label="Risk of retaliation and what was done about it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent_position = forms.ChoiceField(label="The person's consent")
    consent_reason = forms.ChoiceField(
        label="Reason (if not sought or not possible)", required=False
    )
    consent_reason_detail = forms.CharField(
        label="Detail of the reason", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consent_discussion = forms.CharField(
        label="What was discussed with the person",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    understanding_checked = forms.CharField(
        label="How their understanding was checked",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    advocate_name = forms.CharField(label="Advocate's name", max_length=200, required=False)
    advocate_role = forms.CharField(label="Advocate's role", max_length=200, required=False)
    advocate_advice = forms.CharField(
        label="The person's views, as put by the advocate",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dissenting_views = forms.CharField(
        label="Dissenting views", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(label="Actions agreed", widget=forms.Textarea(attrs={"rows": 2}))
    review_date = forms.DateField(label="Review date", widget=DATE_WIDGET)
    review_what = forms.CharField(label="What will be reviewed", max_length=500)
    quality_acknowledged = forms.BooleanField(
        label="I have read the record-quality warnings and want to save as it is",
        required=False,
    )

    def __init__(
        self, *args: Any, allegation: Allegation, warnings: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        from disclosures import models as d

        self.fields["entries"].queryset = shareable_entries(allegation)  # type: ignore[attr-defined]
        choices = {
            "channel": d.Channel.choices,
            "purpose": d.Purpose.choices,
            "lawful_basis": d.LawfulBasis.choices,
            "special_condition": d.SpecialCondition.choices,
            "consent_position": d.ConsentPosition.choices,
        }
        for name, values in choices.items():
            self.fields[name].choices = [("", "Choose…"), *values]  # type: ignore[attr-defined]
        self.fields["consent_reason"].choices = [("", "—"), *d.ConsentReason.choices]  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.update(
                {
                    "shared_at": local_now(),
                    "what_withheld": WITHHELD_DEFAULT,
                    "purpose": d.Purpose.PROTECTION_PLANNING,
                    "special_condition": d.SpecialCondition.SCH1_PARA18,
                    "review_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
                    "review_what": "Whether the family need a further update as the enquiry "
                    "progresses.",
                }
            )
        fieldsets: list[Any] = [
            Fieldset("Who was told", "family_member", "relationship", "channel", "shared_at"),
            Fieldset(
                "What they were told",
                HTML(
                    '<p class="form-text">Tick the safeguarding actions and protection '
                    "measures that were shared. HR details are never offered here.</p>"
                ),
                "entries",
                "also_shared",
                "what_withheld",
            ),
            Fieldset(
                "Why",
                "purpose",
                "reasoning",
                "lawful_basis",
                "special_condition",
                "proportionality",
                "confidentiality_measures",
                "retaliation_risk",
            ),
            Fieldset(
                "The person's views and consent",
                "consent_position",
                "consent_reason",
                "consent_reason_detail",
                "consent_discussion",
                "understanding_checked",
                "advocate_name",
                "advocate_role",
                "advocate_advice",
                "dissenting_views",
            ),
            Fieldset("Follow-up", "outcome", "review_date", "review_what"),
        ]
        # The confirmation is offered only once warnings have been shown; it is always
        # a field so that the re-submitted form carries it.
        if warnings:
            fieldsets.append("quality_acknowledged")
        self.helper = PatternFormHelper()
        # The template writes the <form> tag: it carries the warnings' fingerprint.
        self.helper.form_tag = False
        self.helper.layout = Layout(*fieldsets, Submit("save", "Record family communication"))

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("entries") and not (data.get("also_shared") or "").strip():
            self.add_error("entries", "Tick what was shared, or describe it below.")
        advocate = [data.get(f"advocate_{k}", "").strip() for k in ("name", "role", "advice")]
        if any(advocate) and not all(advocate):
            self.add_error("advocate_name", "Give the advocate's name, role and what they said.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        name, role, advice = (data.pop(f"advocate_{k}") for k in ("name", "role", "advice"))
        data["consultations"] = (
            [{"name": name, "role": role, "advice": advice}] if name.strip() else []
        )
        data["entries"] = list(data["entries"])
        data["quality_acknowledged"] = bool(data.get("quality_acknowledged"))
        data["decided_at"] = data["shared_at"]
        return data

"""The organisation-wide audit-trail search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import capfirst

from audits.models import AuditEntry
from incidents import access as incident_access
from incidents.filters import FilterDateField
from incidents.person_choices import PersonField, offer_people
from organisations import access as org_access
from organisations.form_pattern import PatternFormHelper
from organisations.models import Actor


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class AuditSearchForm(forms.Form):
    search_fields = {"person_name"}
    # Only when there are too many adults to list (``incidents.person_choices``).
    person_name = forms.CharField(
        label="Find an adult by name",
        required=False,
        help_text="Search, then choose them under “Adult at risk”.",
    )
    person = PersonField(
        label="Adult at risk",
        queryset=None,
        required=False,
        empty_label="Anyone",
    )
    actor = ActorChoiceField(
        label="Done by",
        queryset=None,
        required=False,
        empty_label="Anyone",
    )
    action = forms.TypedChoiceField(
        choices=[("", "Any action"), *AuditEntry.ACTION_LABELS.items()],
        coerce=int,
        required=False,
        empty_value=None,
    )
    object_type = forms.TypedChoiceField(
        label="Record type", choices=[], coerce=int, required=False, empty_value=None
    )
    date_from = FilterDateField(label="From")
    date_to = FilterDateField(label="To")

    def __init__(self, *args: Any, user: Actor, entries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = org_access.require_membership(user)
        source = self.data if self.is_bound else {}
        self.people_offer = offer_people(
            self.fields["person"],  # type: ignore[arg-type]
            incident_access.visible_people(user),
            selected=[source.get("person")],
            term=source.get("person_name", ""),
            empty_label="Anyone",
        )
        if not self.people_offer.narrowed:
            del self.fields["person_name"]
        self.fields["actor"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(membership__organisation_id=membership.organisation_id)
            .order_by("last_name", "first_name", "username")
        )
        type_ids = entries.order_by().values_list("content_type", flat=True).distinct()
        types = [
            (ct.pk, str(capfirst(model._meta.verbose_name)))
            for ct in ContentType.objects.filter(pk__in=type_ids)
            if (model := ct.model_class()) is not None
        ]
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", "Any record"),
            *sorted(types, key=lambda t: t[1]),
        ]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
        self.helper = PatternFormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def apply(self, qs: Any) -> Any:
        data = self.cleaned_data
        if data.get("person"):
            person = data["person"]
            person_ct = ContentType.objects.get_for_model(person)
            qs = qs.filter(
                Q(content_type=person_ct, object_id=person.pk)
                | Q(incident_id__in=person.incidents.values("pk"))
            )
        if data.get("actor"):
            qs = qs.filter(actor=data["actor"])
        if data.get("action") is not None:
            qs = qs.filter(action=data["action"])
        if data.get("object_type"):
            qs = qs.filter(content_type_id=data["object_type"])
        if data.get("date_from"):
            qs = qs.filter(timestamp__date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(timestamp__date__lte=data["date_to"])
        return qs

    def filters_for_log(self) -> dict[str, str | int]:
        """What was searched for, as ids and codes only, for the log itself."""
        if not self.is_bound or not self.is_valid():
            return {}
        result: dict[str, str | int] = {}
        for name, value in self.cleaned_data.items():
            # A name typed to find an adult narrows the list only: the adult
            # chosen is logged by id, and no name goes into the log.
            if value in (None, "") or name == "person_name":
                continue
            result[name] = getattr(value, "pk", None) or (
                value.isoformat() if hasattr(value, "isoformat") else value
            )
        return result

from __future__ import annotations

from typing import Any

from django import forms

from organisations.form_pattern import PatternFormHelper
from organisations.models import User
from organisations.web import DATE_WIDGET


class OwnerChoiceField(forms.ModelChoiceField):
    """Colleagues by name and role; the service checks the one chosen can see the source."""

    def __init__(self, memberships: Any) -> None:
        self.labels = {m.user_id: str(m) for m in memberships}
        super().__init__(
            queryset=User.objects.filter(pk__in=list(self.labels)).order_by("pk"),
            label="Who owns it",
            empty_label="Choose a person",
            help_text="They must be able to see the record the action comes from.",
        )

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, obj.get_username())


def _owner_field(memberships: Any) -> OwnerChoiceField:
    return OwnerChoiceField(memberships)


class ActionForm(forms.Form):
    what = forms.CharField(
        label="What is to be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facts: what, with whom, for what purpose.",
    )
    due_date = forms.DateField(label="Due by", widget=DATE_WIDGET)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(owners)
        self.order_fields(["what", "owner", "due_date"])
        self.helper = PatternFormHelper()
        self.helper.form_tag = False


class ReassignForm(ActionForm):
    reason = forms.CharField(
        label="Why it is changed",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the owner is on leave; the date was agreed later at the meeting.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["what", "owner", "due_date", "reason"])


class CompleteForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facts: what was done, when and with what result.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = PatternFormHelper()
        self.helper.form_tag = False

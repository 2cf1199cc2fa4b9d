"""One form pattern for every form (GOV.UK style), in one place.

- ``Renderer`` (``FORM_RENDERER``) gives every form a ``PatternBoundField``:
  optional fields say "(optional)" in their label (required ones are not
  starred: app.css hides crispy's asterisk); date and time inputs carry a
  visible format hint; a field with errors is described by them
  (aria-describedby names the error paragraphs crispy renders).
- ``summary_errors`` lists (message, anchor) for the error summary at the top
  of a page (``templates/_error_summary.html``, ``{% error_summary %}``).

A form whose fields are required only in some cases (the decision form) names
them in ``conditionally_required`` so they are not called optional; boxes that
search rather than record (a name to find an adult by) are named in
``search_fields``, and are not called optional either.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

DATE_HINT = "For example, 27 3 2026: type the day, month and year."
DATETIME_HINT = (
    "For example, 27 3 2026 then 14:30: type the day, month and year, then the time "
    "(24-hour clock)."
)
TIME_HINT = "For example, 14:30 (24-hour clock)."
HINTS = {"date": DATE_HINT, "datetime-local": DATETIME_HINT, "time": TIME_HINT}


def _marks_optional(form: Any) -> bool:
    """GOV.UK: mark the optional fields, unless every field is optional (a
    filter form, a row of a row set)."""
    cached = getattr(form, "_pattern_marks_optional", None)
    if cached is None:
        cached = any(f.required for f in form.fields.values())
        form._pattern_marks_optional = cached
    return bool(cached)


class PatternBoundField(BoundField):
    def __init__(self, form: Any, field: Any, name: str) -> None:
        super().__init__(form, field, name)
        widget = field.widget
        exempt = name in getattr(form, "conditionally_required", ()) or name in getattr(
            form, "search_fields", ()
        )
        if (
            not field.required
            and not exempt
            and self.label
            and not widget.is_hidden
            and not isinstance(widget, forms.CheckboxInput)
            and _marks_optional(form)
        ):
            self.label = f"{self.label} (optional)"
        hint = HINTS.get(getattr(widget, "input_type", ""), "")
        if hint and hint not in self.help_text:
            self.help_text = f"{self.help_text} {hint}".strip()

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby"):
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}_helptext")
            # The ids crispy-bootstrap5 gives each error paragraph.
            ids.extend(f"error_{n}_{self.auto_id}" for n in range(1, len(self.errors) + 1))
        return " ".join(ids)


class Renderer(DjangoTemplates):
    bound_field_class = PatternBoundField


def field_anchor(form: Any, name: str) -> str:
    """The id an error link points at: the field, or a radio/checkbox group's first box."""
    bound = form[name]
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"#{bound.auto_id}_0"
    return f"#{bound.auto_id}"


def summary_errors(*forms_or_sets: Any) -> list[tuple[str, str]]:
    """(message, anchor) in page order for every form and row set given;
    an error that belongs to no field has an empty anchor."""
    entries: list[tuple[str, str]] = []
    for item in forms_or_sets:
        if not item or not getattr(item, "is_bound", False):
            continue
        if isinstance(item, forms.BaseFormSet):
            entries.extend((str(e), "") for e in item.non_form_errors())
            for row in item.forms:
                entries.extend(summary_errors(row))
            continue
        # A form may send its non-field errors to one field (the sign-in form:
        # "wrong username or password" belongs with the username box).
        target = getattr(item, "non_field_anchor", "")
        anchor = field_anchor(item, target) if target else ""
        entries.extend((str(e), anchor) for e in item.non_field_errors())
        for name in item.fields:
            for error in item.errors.get(name, []):
                label = item.fields[name].label or name.replace("_", " ").capitalize()
                entries.append((f"{label}: {error}", field_anchor(item, name)))
    return entries


class PatternFormHelper(FormHelper):
    """Every crispy form's helper. A ``<form>`` tag crispy renders posts to the
    page's own address, said explicitly: without it a browser posts to the
    current address *with* its fragment, so after following an error link
    (``#id_…``) without JavaScript the next submit would land past the new
    summary. Fragments never reach the server, so ``request.get_full_path``
    has none."""

    template = "_crispy_form.html"

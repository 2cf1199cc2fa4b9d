"""``{% error_summary form other_form formset … %}``: the one error summary."""

from __future__ import annotations

from typing import Any

from django import template

from organisations.form_pattern import summary_errors

register = template.Library()


@register.inclusion_tag("_error_summary.html")
def error_summary(
    *forms: Any, errors: Any = None, note: str = "Nothing has been saved yet."
) -> dict[str, Any]:
    """Given ``errors`` (already ordered (message, anchor) pairs) it shows those;
    ``note`` says what did not happen."""
    return {"errors": errors if errors is not None else summary_errors(*forms), "note": note}

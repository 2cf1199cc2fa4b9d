"""``{% record_panels "kind" obj %}``: what apps above show on this record's page
(``organisations/panels.py``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from organisations import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context: Any, kind: str, obj: Any) -> SafeString:
    request = context.get("request")
    if request is None:
        return SafeString("")
    return panels.render(kind, request, obj)

"""``{% record_panels "incident" incident %}``: the panels other apps add (organisations.panels)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from organisations import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context: Any, page: str, record: Any) -> SafeString:
    return panels.render(page, context["request"], record)

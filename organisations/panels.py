"""Panels that apps above add to a record's page without being imported by it.

The incident page (``incidents``) and the allegation page (``allegations``)
sit below the apps that hang things off them (statutory notifications), so
those apps register a *panel* here from their ``AppConfig.ready``; the page's
template asks for them with ``{% record_panels "incident" incident %}``. A
panel gets the request and the record the page already fetched through its
own access rule, and returns HTML rendered from its own template (escaped by
the template engine), or "" when the viewer has nothing to see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, Any], str]

_PANELS: dict[str, list[Panel]] = {}


def register(page: str, panel: Panel) -> None:
    panels = _PANELS.setdefault(page, [])
    if panel not in panels:
        panels.append(panel)


def render(page: str, request: HttpRequest, record: Any) -> SafeString:
    # Each panel's output comes from render_to_string, which escaped every value.
    return mark_safe("".join(panel(request, record) for panel in _PANELS.get(page, [])))  # noqa: S308

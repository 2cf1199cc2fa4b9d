"""What apps above add to a record's page, without the page importing them.

A page in a lower app (a disclosure decision, a chronology entry, a key
decision on an allegation) marks a place with ``{% record_panels "kind" obj %}``
(``organisations/templatetags/record_panels.py``). An app above registers, from its
``AppConfig.ready``, a function ``panel(request, obj) -> str`` for that kind,
which returns HTML it rendered from its own template (or "" for nothing): the
agreed-actions panel on a decision, an "Agree an action" link beside a meeting
entry. This is the one mechanism for it.

Kinds used today: ``incident`` and ``allegation`` (the statutory
notifications panel), ``disclosure_decision`` (a panel: may query),
``chronology_entry``, ``safeguarding_decision`` and ``hr_decision`` (rendered
once per item of a list: a link only, no queries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, Any], str]

_PANELS: dict[str, dict[str, Panel]] = {}


def register(kind: str, name: str, panel: Panel) -> None:
    """Register (idempotently, by ``name``) a panel for pages of ``kind``."""
    _PANELS.setdefault(kind, {})[name] = panel


def render(kind: str, request: HttpRequest, obj: Any) -> SafeString:
    """Every panel registered for ``kind``, in registration order. Each panel
    returns markup from a template (escaped there); a plain ``str`` is escaped."""
    parts = [conditional_escape(panel(request, obj)) for panel in _PANELS.get(kind, {}).values()]
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped or a template's output)

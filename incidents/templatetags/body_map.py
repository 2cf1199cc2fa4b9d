"""``{% body_map placed %}``: the front and back outlines with numbered
markers (templates/incidents/_body_map_svg.html). ``pick=True`` makes each
region a button-like target for static/js/body_map.js (the form's list stays
the way to choose by keyboard)."""

from __future__ import annotations

from typing import Any

from django import template

from incidents.bodymaps import BACK_OFFSET, REGIONS, View

register = template.Library()


@register.inclusion_tag("incidents/_body_map_svg.html")
def body_map(placed: Any, pick: bool = False, title: str = "Body map") -> dict[str, Any]:
    return {
        "front": [r for r in REGIONS if r.view == View.FRONT],
        "back": [r for r in REGIONS if r.view == View.BACK],
        "back_offset": BACK_OFFSET,
        "placed": placed,
        "pick": pick,
        "title": title,
    }

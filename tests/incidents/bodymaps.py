"""Body map test data (issue 21, part 3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from incidents import services
from tests.incidents import evidence


def mark(w: Any, **overrides: Any) -> Any:
    if "body_mark" not in w.objects or overrides:
        fields = {
            "actor": w.users["manager"],
            "entry": evidence.entry(w),
            "view": "front",
            "region": "left_wrist",
            "description": "Purple bruise, finger-shaped",
            "size": "3 cm",
            "colour": "purple",
            "seen_by": "Night carer",
            "seen_at": timezone.now() - timedelta(hours=1),
        }
        fields.update(overrides)
        made = services.add_body_mark(**fields)
        if overrides:
            return made
        w.objects["body_mark"] = made
    return w.objects["body_mark"]


def post_data(**overrides: Any) -> dict[str, str]:
    data = {
        "location": "front:left_wrist",
        "description": "Purple bruise, finger-shaped",
        "size": "3 cm",
        "colour": "purple",
        "seen_by": "Night carer",
        "seen_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "corrects": "",
        "correction_reason": "",
    }
    data.update(overrides)
    return data

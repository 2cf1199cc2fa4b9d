"""People-around-an-incident test data (issue 21), built through the services.
Plain functions so ``matrix.py`` can call them with the shared ``world``."""

from __future__ import annotations

from datetime import date
from typing import Any

from incidents import services


def source_of_harm(w: Any) -> Any:
    """The home incident's household member, named as alleged source of harm."""
    if "source_link" not in w.objects:
        w.objects["source_link"] = services.link_person(
            actor=w.users["manager"],
            incident=w.objects["incident"],
            role="source_of_harm",
            given_name="Gary",
            family_name="Hartley",
            date_of_birth=date(1971, 3, 4),
            source_of_risk="known",
            relationship="Son",
            note="Lives with her.",
        )
    return w.objects["source_link"]


def staff_source(w: Any) -> Any:
    """A staff member named as alleged source of harm on the home incident, not
    yet tied to their staff record."""
    if "staff_link" not in w.objects:
        w.objects["staff_link"] = services.link_person(
            actor=w.users["manager"],
            incident=w.objects["incident"],
            role="source_of_harm",
            given_name="Sam",
            family_name="Rivers",
            source_of_risk="service_provider",
            is_staff=True,
            relationship="Care worker",
        )
    return w.objects["staff_link"]

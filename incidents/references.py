"""Where an incident's notification references come from besides its own fields.

A reference has one home: the referral that carries it (seed 000: timely
partner engagement is what inspectors test). Referrals are recorded on
allegations, an app above this one, so the incident page cannot ask for them;
the allegations app registers a source here instead (its ``AppConfig.ready``).
A source yields ``("la" | "police" | "cqc", text)`` for an incident as one
viewer may see it, so a reference never tells someone that an allegation
exists when they may not know it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from incidents.models import Incident
from organisations.models import Actor

SLOTS = {"la": "Local authority", "police": "Police", "cqc": "CQC"}

Source = Callable[[Incident, Any], Iterable[tuple[str, str]]]
SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def recorded_elsewhere(incident: Incident, viewer: Actor) -> list[tuple[str, list[str]]]:
    """The references the viewer may see that were recorded on referrals, as
    (label, texts) in the order of ``SLOTS``; slots with none are left out."""
    found: dict[str, list[str]] = {}
    for source in SOURCES:
        for slot, text in source(incident, viewer):
            found.setdefault(slot, []).append(text)
    return [(label, found[slot]) for slot, label in SLOTS.items() if slot in found]

"""Where the chronology meets the apps below it (disclosures, allegations).

Chronology is the top app: it may import disclosures and allegations, never
the other way round. This module is the one place that does, so the timeline
and the export pipeline stay the same whichever of those apps is present.

- ``load()`` registers the timeline providers for their records;
- ``record_export_disclosure(export)`` records an export as a disclosure
  decision and returns its id (None while the disclosure log is unavailable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chronology.models import ChronologyExport

_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    # Providers for disclosure decisions, reviews, allegation safeguarding
    # records and key decisions are registered here once those apps land.


def record_export_disclosure(export: ChronologyExport) -> int | None:
    return None

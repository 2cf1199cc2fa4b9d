"""Read helpers for record pages that must stay fast however long the record.

``chronology_entries`` is what ``templates/incidents/_chronology.html`` expects:
a list of entries, each carrying its amendments (``amendment_list``), its kind's
label (``kind_label``), its author's display name (``author_name``) and its times
formatted once (``occurred_iso``/``occurred_label``, ``recorded_iso``/``recorded_label``). Two
queries, whatever the number of entries, and no per-entry queryset: Django's
``prefetch_related`` builds a filtered queryset for every entry, which costs
more than the entry's own HTML on a 200-entry chronology.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from incidents.models import ChronologyAmendment, ChronologyEntry, EntryKind, Incident
from incidents.templatetags.record_time import iso, when

_KIND_LABELS = dict(EntryKind.choices)


def _display_name(prefix: str) -> Any:
    """``get_full_name() or username`` of the user behind ``prefix``, in SQL."""
    full = Trim(Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name")))
    return Coalesce(NullIf(full, Value("")), F(f"{prefix}__username"))


def chronology_entries(incident: Incident) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = list(
        ChronologyEntry.objects.filter(incident=incident)
        .annotate(author_name=_display_name("recorded_by"))
        .order_by("occurred_at", "pk")
    )
    by_entry: dict[int, list[ChronologyAmendment]] = {}
    if entries:
        amendments = (
            ChronologyAmendment.objects.filter(entry__incident=incident)
            .annotate(author_name=_display_name("author"))
            .order_by("created_at", "pk")
        )
        for amendment in amendments:
            by_entry.setdefault(amendment.entry_id, []).append(amendment)
    for entry in entries:
        entry.amendment_list = by_entry.get(entry.pk, [])  # type: ignore[attr-defined]
        entry.kind_label = _KIND_LABELS.get(entry.kind, entry.kind)  # type: ignore[attr-defined]
        # Each time is shown twice (machine-readable and for people); format once.
        entry.occurred_iso = iso(entry.occurred_at)  # type: ignore[attr-defined]
        entry.occurred_label = when(entry.occurred_at)  # type: ignore[attr-defined]
        entry.recorded_iso = iso(entry.recorded_at)  # type: ignore[attr-defined]
        entry.recorded_label = when(entry.recorded_at)  # type: ignore[attr-defined]
    return entries

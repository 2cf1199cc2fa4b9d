"""Read helpers for record pages that must stay fast however long the record.

``chronology_window`` is what ``templates/incidents/_chronology.html`` expects:
one window of an incident's chronology (the latest ``CHRONOLOGY_WINDOW`` entries
by default, earlier ones a page at a time, always shown oldest first), each
entry carrying its amendments (``amendment_list``), its kind's label
(``kind_label``), its author's display name (``author_name``) and its times
formatted once (``occurred_iso``/``occurred_label``,
``recorded_iso``/``recorded_label``), the linked people named as present
(``present_people``) its evidence files (``evidence_list``) and its body map marks, numbered and
placed (``placed_marks``). Six
queries, whatever the length of the chronology, and no per-entry queryset:
Django's ``prefetch_related`` builds a filtered queryset for every entry,
which costs more than the entry's own HTML.
The whole chronology in one list is the incident's timeline (chronology app).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from incidents.bodymaps import BodyMapMark, PlacedMark, place
from incidents.models import (
    ChronologyAmendment,
    ChronologyEntry,
    EntryKind,
    EntryPresence,
    EvidenceFile,
    Incident,
)
from incidents.templatetags.record_time import iso, when

_KIND_LABELS = dict(EntryKind.choices)


def _display_name(prefix: str) -> Any:
    """``get_full_name() or username`` of the user behind ``prefix``, in SQL."""
    full = Trim(Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name")))
    return Coalesce(NullIf(full, Value("")), F(f"{prefix}__username"))


# Entries shown at once on the incident page; a manager on shift needs the
# latest, and the page's cost must not follow the chronology's length.
CHRONOLOGY_WINDOW = 50


@dataclass
class ChronologyWindow:
    """Entries ``first``–``last`` (1-based, oldest first) of ``total``. Window 1
    holds the latest entries; window ``number + 1`` the ones before them."""

    entries: list[ChronologyEntry]
    number: int
    num_windows: int
    total: int
    first: int
    last: int

    @property
    def has_earlier(self) -> bool:
        return self.number < self.num_windows

    @property
    def has_later(self) -> bool:
        return self.number > 1


def chronology_window(
    incident: Incident, number: Any = 1, size: int = CHRONOLOGY_WINDOW
) -> ChronologyWindow:
    total = ChronologyEntry.objects.filter(incident=incident).count()
    num_windows = max(1, -(-total // size))
    try:
        number = min(max(1, int(number)), num_windows)
    except (TypeError, ValueError):
        number = 1
    # Newest first to cut the window, then shown oldest first.
    newest_first = (
        ChronologyEntry.objects.filter(incident=incident)
        .annotate(author_name=_display_name("recorded_by"))
        .order_by("-occurred_at", "-pk")
    )
    entries: list[ChronologyEntry] = list(newest_first[(number - 1) * size : number * size])
    entries.reverse()
    by_entry: dict[int, list[ChronologyAmendment]] = {}
    if entries:
        amendments = (
            ChronologyAmendment.objects.filter(entry__in=[e.pk for e in entries])
            .annotate(author_name=_display_name("author"))
            .order_by("created_at", "pk")
        )
        for amendment in amendments:
            by_entry.setdefault(amendment.entry_id, []).append(amendment)
    present = present_people([e.pk for e in entries])
    files = evidence_files([e.pk for e in entries])
    marks = body_marks([e.pk for e in entries])
    for entry in entries:
        entry.amendment_list = by_entry.get(entry.pk, [])  # type: ignore[attr-defined]
        entry.present_people = present.get(entry.pk, [])  # type: ignore[attr-defined]
        entry.evidence_list = files.get(entry.pk, [])  # type: ignore[attr-defined]
        entry.placed_marks = place_marks(marks.get(entry.pk))  # type: ignore[attr-defined]
        entry.kind_label = _KIND_LABELS.get(entry.kind, entry.kind)  # type: ignore[attr-defined]
        # Each time is shown twice (machine-readable and for people); format once.
        entry.occurred_iso = iso(entry.occurred_at)  # type: ignore[attr-defined]
        entry.occurred_label = when(entry.occurred_at)  # type: ignore[attr-defined]
        entry.recorded_iso = iso(entry.recorded_at)  # type: ignore[attr-defined]
        entry.recorded_label = when(entry.recorded_at)  # type: ignore[attr-defined]
    last = total - (number - 1) * size
    return ChronologyWindow(
        entries=entries,
        number=number,
        num_windows=num_windows,
        total=total,
        first=last - len(entries) + 1 if entries else 0,
        last=last if entries else 0,
    )


def present_people(entry_ids: list[int]) -> dict[int, list[EntryPresence]]:
    """Linked people named as present, by entry (one query; none for no entries).
    Each carries ``person_id``, ``name`` and ``role_label``."""
    if not entry_ids:
        return {}
    result: dict[int, list[EntryPresence]] = {}
    rows = (
        EntryPresence.objects.filter(entry__in=entry_ids)
        .select_related("link__person")
        .order_by("pk")
    )
    for row in rows:
        row.person_id = row.link.person_id  # type: ignore[attr-defined]
        row.name = row.link.person.full_name  # type: ignore[attr-defined]
        row.role_label = row.link.get_role_display()  # type: ignore[attr-defined]
        result.setdefault(row.entry_id, []).append(row)
    return result


def evidence_files(entry_ids: list[int]) -> dict[int, list[EvidenceFile]]:
    """Evidence files by entry, oldest first, each with ``uploader_name`` (one query)."""
    if not entry_ids:
        return {}
    result: dict[int, list[EvidenceFile]] = {}
    rows = (
        EvidenceFile.objects.filter(entry__in=entry_ids)
        .annotate(uploader_name=_display_name("uploaded_by"))
        .order_by("uploaded_at", "pk")
    )
    for row in rows:
        assert row.entry_id is not None
        result.setdefault(row.entry_id, []).append(row)
    return result


def body_marks(
    entry_ids: list[int],
) -> dict[int, tuple[list[BodyMapMark], dict[int, str]]]:
    """Body map marks by entry, with who recorded each (one query)."""
    if not entry_ids:
        return {}
    result: dict[int, tuple[list[BodyMapMark], dict[int, str]]] = {}
    rows = (
        BodyMapMark.objects.filter(entry__in=entry_ids)
        .annotate(recorder_name=_display_name("recorded_by"))
        .order_by("recorded_at", "pk")
    )
    for row in rows:
        marks, names = result.setdefault(row.entry_id, ([], {}))
        marks.append(row)
        names[row.pk] = row.recorder_name
    return result


def place_marks(found: tuple[list[BodyMapMark], dict[int, str]] | None) -> list[PlacedMark]:
    return place(*found) if found else []

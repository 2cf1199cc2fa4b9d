"""Body maps on a chronology entry (issue 21, part 3): injuries marked on a
front and a back outline of the body.

The outline is drawn here, not fetched: each named region is a rounded
rectangle on a 200 × 400 view box (``REGIONS``), and the outline is simply the
regions drawn together (``templates/incidents/_body_map_svg.html``). A mark
names its view (front/back) and region, so it works from a list by keyboard
and screen reader; clicking the picture only picks the region for that list.

Front view: the person faces the reader, so their *left* is on the reader's
right. Back view: the reader sees their back, so their left is on the left.

A mark is append-only: a correction is a new mark naming the one it corrects
and why (``corrects``, ``correction_reason``), like an amendment.

Imported by ``incidents.models`` so Django registers the model with the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from incidents.models import ChronologyEntry, Incident
from organisations.append_only import append_only
from organisations.owned import OrganisationOwned


class View(models.TextChoices):
    FRONT = "front", "Front"
    BACK = "back", "Back"


@dataclass(frozen=True)
class Region:
    view: str
    key: str
    label: str
    x: int
    y: int
    w: int
    h: int
    r: int = 6

    @property
    def value(self) -> str:
        """The form's value: ``front:left_wrist``."""
        return f"{self.view}:{self.key}"

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _limbs(view: str) -> list[Region]:
    """Arms and legs: the person's right is on the reader's left in the front
    view and on the right in the back view."""
    right_on_left = view == View.FRONT
    regions = []
    # (key, label, x on the reader's left, y, w, h, r)
    for key, label, x, y, w, h, r in [
        ("upper_arm", "upper arm", 50, 74, 18, 56, 8),
        ("forearm", "forearm", 44, 132, 18, 50, 8),
        ("wrist", "wrist", 42, 184, 18, 10, 3),
        ("hand", "hand", 40, 196, 20, 26, 8),
        ("thigh", "thigh", 73, 198, 25, 70, 8),
        ("knee", "knee", 74, 270, 23, 18, 8),
        ("lower_leg", "shin" if view == View.FRONT else "calf", 75, 290, 21, 66, 8),
        ("ankle", "ankle", 76, 358, 19, 10, 3),
        ("foot", "foot", 72, 370, 25, 20, 6),
    ]:
        mirrored = 200 - x - w
        left_x, right_x = (mirrored, x) if right_on_left else (x, mirrored)
        if key == "upper_arm":
            label = f"upper arm ({view})"
        regions.append(Region(view, f"right_{key}", f"Right {label}", right_x, y, w, h, r))
        regions.append(Region(view, f"left_{key}", f"Left {label}", left_x, y, w, h, r))
    return regions


REGIONS: list[Region] = [
    Region(View.FRONT, "head", "Head (top and forehead)", 80, 8, 40, 22, 16),
    Region(View.FRONT, "face", "Face", 80, 30, 40, 30, 14),
    Region(View.FRONT, "neck", "Neck (front)", 91, 60, 18, 12, 3),
    Region(View.FRONT, "chest", "Chest", 70, 72, 60, 50, 10),
    Region(View.FRONT, "abdomen", "Abdomen", 72, 122, 56, 48, 6),
    Region(View.FRONT, "groin", "Groin and hips", 72, 170, 56, 26, 6),
    *_limbs(View.FRONT),
    Region(View.BACK, "head", "Back of head", 80, 8, 40, 52, 18),
    Region(View.BACK, "neck", "Back of neck", 91, 60, 18, 12, 3),
    Region(View.BACK, "upper_back", "Upper back and shoulders", 70, 72, 60, 50, 10),
    Region(View.BACK, "lower_back", "Lower back", 72, 122, 56, 48, 6),
    Region(View.BACK, "buttocks", "Buttocks", 72, 170, 56, 26, 6),
    *_limbs(View.BACK),
]
BY_VALUE: dict[str, Region] = {r.value: r for r in REGIONS}


def region_of(view: str, key: str) -> Region | None:
    return BY_VALUE.get(f"{view}:{key}")


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """For a <select> with one group per view."""
    return [
        (label, [(r.value, r.label) for r in REGIONS if r.view == view])
        for view, label in View.choices
    ]


class BodyMapMark(OrganisationOwned):
    organisation_parents = ("incident", "entry", "corrects")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="body_marks")
    entry = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="body_marks")
    view = models.CharField(max_length=5, choices=View.choices)
    region = models.CharField(max_length=40)
    description = models.TextField(help_text="What was seen, e.g. 'Purple bruise, finger-shaped'.")
    size = models.CharField(max_length=60, blank=True, help_text="For example, 3 cm.")
    colour = models.CharField(max_length=60, blank=True)
    seen_by = models.CharField(max_length=200)
    seen_at = models.DateTimeField()
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="corrections", null=True, blank=True
    )
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = "body map mark"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True, correction_reason="")
                | (models.Q(corrects__isnull=False) & ~models.Q(correction_reason="")),
                name="bodymark_correction_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["entry", "recorded_at"], name="bodymark_entry_idx")]
        triggers = append_only("bodymark")

    def __str__(self) -> str:
        return f"Body map mark #{self.pk}"

    @property
    def region_info(self) -> Region | None:
        return region_of(self.view, self.region)

    @property
    def region_label(self) -> str:
        r = self.region_info
        return r.label if r else self.region


@dataclass(frozen=True)
class PlacedMark:
    """A mark as drawn and listed: its number on this entry, where its marker
    sits (x offset 0 for the front view, ``BACK_OFFSET`` for the back), and
    its details as plain text."""

    number: int
    view: str
    region_label: str
    x: float
    y: float
    description: str
    size: str
    colour: str
    seen_by: str
    seen_at: object
    corrects_number: int | None
    correction_reason: str
    recorded_by: str
    corrected: bool


# The back view is drawn to the right of the front one.
BACK_OFFSET = 210


def place(marks: list[BodyMapMark], recorded_by: dict[int, str] | None = None) -> list[PlacedMark]:
    """Number an entry's marks (oldest first, from 1) and place each marker on
    its region; several marks on one region are spread so none hides another."""
    ordered = sorted(marks, key=lambda m: (m.recorded_at, m.pk))
    numbers = {m.pk: n for n, m in enumerate(ordered, 1)}
    corrected = {m.corrects_id for m in ordered if m.corrects_id}
    per_region: dict[str, int] = {}
    placed = []
    for m in ordered:
        region = m.region_info
        key = f"{m.view}:{m.region}"
        k = per_region.get(key, 0)
        per_region[key] = k + 1
        cx, cy = (region.cx, region.cy) if region else (100.0, 200.0)
        # 0, +12, -12, +24, -24 … across: markers are 12 wide.
        dx = 12 * ((k + 1) // 2) * (1 if k % 2 else -1)
        dy = 0
        offset = BACK_OFFSET if m.view == View.BACK else 0
        placed.append(
            PlacedMark(
                number=numbers[m.pk],
                view=m.get_view_display(),
                region_label=m.region_label,
                x=cx + dx + offset,
                y=cy + dy,
                description=m.description,
                size=m.size,
                colour=m.colour,
                seen_by=m.seen_by,
                seen_at=m.seen_at,
                corrects_number=numbers.get(m.corrects_id) if m.corrects_id else None,
                correction_reason=m.correction_reason,
                recorded_by=(recorded_by or {}).get(m.pk, ""),
                corrected=m.pk in corrected,
            )
        )
    return placed


def mark_summary(p: PlacedMark) -> str:
    """One line of text per mark, for the timeline and the PDF."""
    parts = [f"{p.view}, {p.region_label}: {p.description}"]
    if p.size:
        parts.append(f"size {p.size}")
    if p.colour:
        parts.append(f"colour {p.colour}")
    from incidents.templatetags.record_time import when

    parts.append(f"seen by {p.seen_by} at {when(p.seen_at)}")  # type: ignore[arg-type]
    text = "; ".join(parts)
    if p.corrects_number:
        text += f". Corrects mark {p.corrects_number}: {p.correction_reason}"
    if p.corrected:
        text += ". (Corrected by a later mark.)"
    return text

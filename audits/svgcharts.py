"""Small server-rendered SVG charts: bar, stacked bar and line.

Python computes the geometry; ``templates/audits/_chart.html`` renders it, so
every label goes through Django's autoescaping (nothing here builds markup).
Each chart is a ``<figure>`` with an SVG (``role="img"`` + ``<title>``/
``<desc>``), a text summary in the caption and the data as a table, so the
picture is never the only way to read the numbers. Colours come from CSS
classes (``chart-s0``…), never style attributes: the CSP forbids inline styles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 56
PALETTE_SIZE = 8

Kind = Literal["bar", "stacked", "line"]


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Line:
    css: str
    label: str
    points: str
    dots: list[tuple[float, float, str]]


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class XLabel:
    x: float
    label: str


@dataclass
class Chart:
    """``values[series.key][i]`` is the value of ``series`` at ``categories[i]``.
    For line charts a value may be None (no data that month): the line breaks."""

    id: str
    title: str
    description: str
    kind: Kind
    categories: list[str]
    series: list[Series]
    values: dict[str, list[float | None]]
    category_heading: str = "Month"
    unit: str = ""
    max_value: float | None = None  # e.g. 100 for percentages
    axis_labels: list[str] | None = None  # shorter category names for the x axis
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    x_labels: list[XLabel] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.is_empty:
            self._layout()

    # --- reading -------------------------------------------------------------

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return WIDTH - RIGHT

    @property
    def baseline(self) -> int:
        return HEIGHT - BOTTOM

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(not v for values in self.values.values() for v in values)

    def css_for(self, index: int) -> str:
        return f"chart-s{index % PALETTE_SIZE}"

    def legend(self) -> list[tuple[str, str]]:
        return [(self.css_for(i), s.label) for i, s in enumerate(self.series)]

    def table_rows(self) -> list[tuple[str, list[str]]]:
        return [
            (cat, [self._fmt(self.values[s.key][i]) for s in self.series])
            for i, cat in enumerate(self.categories)
        ]

    def totals(self) -> list[tuple[str, str]]:
        """Per-series totals (bar charts) or averages (line charts), for the caption."""
        result = []
        for s in self.series:
            present = [v for v in self.values[s.key] if v is not None]
            if self.kind == "line":
                value = sum(present) / len(present) if present else None
            else:
                value = sum(present)
            result.append((s.label, self._fmt(value)))
        return result

    def _fmt(self, value: float | None) -> str:
        if value is None:
            return "no data"
        whole = float(value).is_integer() or self.kind != "line"
        text = f"{value:.0f}" if whole else f"{value:.1f}"
        return f"{text}{self.unit}"

    # --- geometry ------------------------------------------------------------

    def _scale_max(self) -> float:
        if self.max_value is not None:
            return self.max_value
        if self.kind == "stacked":
            peak = max(
                sum(self.values[s.key][i] or 0 for s in self.series)
                for i in range(len(self.categories))
            )
        else:
            peak = max((v or 0) for values in self.values.values() for v in values)
        return nice_ceiling(peak)

    def _y(self, value: float, top: float) -> float:
        plot_height = self.baseline - TOP
        return self.baseline - (value / top) * plot_height if top else self.baseline

    def _layout(self) -> None:
        top = self._scale_max()
        for step in range(5):
            value = top * step / 4
            label = f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
            self.ticks.append(Tick(y=round(self._y(value, top), 1), label=label + self.unit))
        n = len(self.categories)
        band = (self.plot_right - self.plot_left) / n
        every = max(1, math.ceil(n / 12))  # keep month labels legible
        names = self.axis_labels or self.categories
        for i, cat in enumerate(names):
            if i % every == 0:
                x = round(self.plot_left + band * (i + 0.5), 1)
                self.x_labels.append(XLabel(x=x, label=cat))
        if self.kind == "line":
            self._layout_lines(band, top)
        else:
            self._layout_bars(band, top)

    def _layout_bars(self, band: float, top: float) -> None:
        inner = band * 0.7
        for i, cat in enumerate(self.categories):
            x0 = self.plot_left + band * i + (band - inner) / 2
            stacked_base = 0.0
            for j, s in enumerate(self.series):
                value = self.values[s.key][i] or 0
                title = f"{cat}, {s.label}: {self._fmt(value)}"
                if self.kind == "stacked":
                    y_top = self._y(stacked_base + value, top)
                    y_bottom = self._y(stacked_base, top)
                    stacked_base += value
                    x, w = x0, inner
                else:
                    w = inner / len(self.series)
                    x = x0 + w * j
                    y_top, y_bottom = self._y(value, top), self.baseline
                if value:
                    self.rects.append(
                        Rect(
                            x=round(x, 1),
                            y=round(y_top, 1),
                            width=round(max(w - 1, 1), 1),
                            height=round(y_bottom - y_top, 1),
                            css=self.css_for(j),
                            title=title,
                        )
                    )

    def _layout_lines(self, band: float, top: float) -> None:
        for j, s in enumerate(self.series):
            points: list[str] = []
            dots: list[tuple[float, float, str]] = []
            for i, cat in enumerate(self.categories):
                value = self.values[s.key][i]
                if value is None:
                    continue
                x = round(self.plot_left + band * (i + 0.5), 1)
                y = round(self._y(value, top), 1)
                points.append(f"{x},{y}")
                dots.append((x, y, f"{cat}, {s.label}: {self._fmt(value)}"))
            self.lines.append(
                Line(css=self.css_for(j), label=s.label, points=" ".join(points), dots=dots)
            )


def nice_ceiling(value: float) -> float:
    """The smallest of 4, 8, 12, 16, 20, 40, 80… at or above ``value``: a
    readable axis whose quarter ticks are whole numbers."""
    scale = 1
    while True:
        for step in (4, 8, 12, 16, 20):
            if step * scale >= value:
                return float(step * scale)
        scale *= 10

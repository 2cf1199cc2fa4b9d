"""The leads' charts: aggregates per month, SVG with text and table alternatives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from audits import dashboards
from audits.svgcharts import Chart, Series, nice_ceiling
from tests.oversight.conftest import make_decision_on


def test_stacked_bars_stack_and_table_matches() -> None:
    chart = Chart(
        id="c",
        title="T",
        description="D",
        kind="stacked",
        categories=["Jan", "Feb"],
        series=[Series("a", "A"), Series("b", "B")],
        values={"a": [2, 0], "b": [2, 4]},
    )
    assert chart.ticks[-1].label == "4"
    jan = [r for r in chart.rects if r.title.startswith("Jan")]
    assert len(jan) == 2 and jan[0].y + jan[0].height == chart.baseline
    assert jan[1].y + jan[1].height == jan[0].y  # stacked on top
    assert chart.table_rows() == [("Jan", ["2", "2"]), ("Feb", ["0", "4"])]
    assert chart.totals() == [("A", "2"), ("B", "6")]


def test_line_chart_skips_months_without_data() -> None:
    chart = Chart(
        id="l",
        title="T",
        description="D",
        kind="line",
        categories=["Jan", "Feb", "Mar"],
        series=[Series("s", "Score")],
        values={"s": [50, None, 75]},
        unit="%",
        max_value=100,
    )
    assert len(chart.lines[0].dots) == 2
    assert chart.table_rows()[1] == ("Feb", ["no data"])
    assert chart.totals() == [("Score", "62.5%")]


def test_empty_chart_says_so() -> None:
    chart = Chart(
        id="e",
        title="T",
        description="D",
        kind="bar",
        categories=["Jan"],
        series=[Series("a", "A")],
        values={"a": [0]},
    )
    assert chart.is_empty and not chart.rects


def test_nice_ceiling() -> None:
    assert [nice_ceiling(v) for v in (0, 5, 13, 21, 99)] == [4, 8, 16, 40, 120]


def test_charts_page_counts_by_month(world: Any) -> None:
    today = timezone.localdate()
    manager = world.users["manager"]
    make_decision_on(manager, world.objects["incident"], today, "refused")
    make_decision_on(manager, world.objects["incident"], today, "refused")
    make_decision_on(manager, world.objects["incident"], today, "obtained")
    months = dashboards.last_months(today)
    chart = dashboards.decisions_by_consent_chart(world.users["lead"], months)
    assert chart.values["refused"][-1] == 2 and chart.values["obtained"][-1] == 1
    categories = dashboards.incidents_by_category_chart(world.users["lead"], months)
    # The world's two home incidents, in the month they became known (2 hours
    # ago: the previous month when the test runs just after midnight on the 1st).
    aware = timezone.localdate(world.objects["incident"].became_aware_at).replace(day=1)
    assert categories.values["physical"][months.index(aware)] == 2
    response = world.client("lead").get(reverse("audits:charts"))
    html = response.content.decode()
    # Reviews and audit scores have no data yet: those two say so instead of drawing.
    assert html.count('role="img"') == 2
    assert html.count("<figure") == 4 and html.count("<table") == 2
    assert html.count("No data for this period yet.") == 2
    assert "style=" not in html and "<script>" not in html


def test_review_timeliness_counts_overdue(world: Any) -> None:
    today = timezone.localdate()
    make_decision_on(
        world.users["manager"],
        world.objects["incident"],
        today - timedelta(days=10),
        review_date=today - timedelta(days=1),
    )
    chart = dashboards.review_timeliness_chart(
        world.users["lead"], dashboards.last_months(today), today
    )
    assert sum(chart.values["overdue"]) == 1
    assert sum(chart.values["on_time"]) == sum(chart.values["late"]) == 0

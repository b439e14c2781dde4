"""Views of the Timeline page: milestones with finance events, how the targets slipped, the milestones table."""

from __future__ import annotations

import datetime as dt

from rekodiq import claims, milestones
from rekodiq.charts.slippage import build_slippage
from rekodiq.charts.timeline import build_timeline
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.views.base import ChartView, TableView

WINDOWS = {"whole": "Whole timeline", "recent": "2022 onward"}
RECENT_START = dt.date(2022, 1, 1)
TITLES = {
    "reko-diq": "Reko Diq milestones and finance events",
    "peers": "Peer-deal context: milestones and finance events",
    "all": "Reko Diq and peer-deal milestones and finance events",
}


def _points(data: Dataset, filters: Filters):
    """(milestones, finance events) under the filters, ready to plot."""
    points = milestones.milestone_points(milestones.filter_milestones(data.milestones, filters), data.sources)
    events = milestones.finance_events(claims.filter_claims(data.financing, filters), data.sources)
    return points, events


def milestones_and_events(data: Dataset, filters: Filters, window: str, today: dt.date) -> ChartView:
    """Milestones (date and project filters) and finance events (every filter) on one date axis.

    ``window`` "recent" opens the axis on 2022 onward; "whole" fits every point.
    """
    points, events = _points(data, filters)
    x_range = milestones.timeline_window(points, events, filters, RECENT_START if window == "recent" else None)
    fig = build_timeline(points, events, today=today, x_range=x_range, title=TITLES.get(filters.project, TITLES["reko-diq"]))
    note = (
        f"{len(points)} milestones and {len(events)} finance events match the filters. Most of the events fall after 2022: "
        "choose '2022 onward' to spread them out, or drag across the chart to zoom (double-click to reset)."
    )
    alt = (
        f"Timeline with two rows sharing one date axis: {len(points)} milestones by category, marker symbol by status, and "
        f"{len(events)} financing claims by financier at their status date, symbol by claim status."
    )
    return ChartView(fig, milestones.timeline_table(points, events, data.sources), alt, note)


def tracked_milestones(data: Dataset) -> list[str]:
    """Milestone keys with a target history (the choices of the slippage chart)."""
    return milestones.tracked_milestones(data.milestone_targets)


def slippage(data: Dataset, keys: tuple[str, ...]) -> ChartView:
    """How the target dates of the chosen milestones moved (every stated target, whatever the filters)."""
    available = milestones.tracked_milestones(data.milestone_targets)
    rows = milestones.slippage_rows(data.milestone_targets, data.sources, tuple(k for k in available if k in keys))
    alt = (
        "Line chart of target dates against the date each target was stated, one line per milestone; deferred targets without a "
        "date are marked in a band at the top."
    )
    return ChartView(build_slippage(rows, title="How the target dates moved"), milestones.slippage_table(rows, data.sources), alt)


def milestones_table(data: Dataset, filters: Filters) -> TableView:
    """Milestones under the date and project filters, newest first."""
    points = milestones.milestone_points(milestones.filter_milestones(data.milestones, filters), data.sources)
    return TableView(milestones.milestones_table(points, data.sources))

"""Views of the Timeline page: milestones with finance events, how the targets slipped, the milestones table."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq import claims, crowding, milestones
from rekodiq.charts.slippage import build_slippage
from rekodiq.charts.timeline import build_timeline
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.views.base import ChartView, TableView

# The page opens on the years where the finance story happens; the whole record is one click away.
WINDOWS = {"recent": "2022-2028: the finance story", "whole": "Whole timeline (1978-2034)"}
DEFAULT_WINDOW = "recent"
RECENT_START, RECENT_END = dt.date(2022, 1, 1), dt.date(2028, 12, 31)
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


def _thinned(points, events, x_range) -> tuple:
    """(milestones to draw, events to draw, a sentence on the rest): at most
    ``crowding.MAX_TIMELINE_MARKERS`` per row, those in the opening window first, then the latest,
    every category and financier taking turns; the rest counted per category (milestones) and per
    year (events). Under the limit: the frames as they are and ""."""
    limit = crowding.MAX_TIMELINE_MARKERS
    drawn_points, rest_points = crowding.keep_most_relevant(
        points, limit, by="date", window=x_range, date="date", group="category"
    )
    drawn_events, rest_events = crowding.keep_most_relevant(
        events, limit, by="status_date", window=x_range, date="status_date", group="financier"
    )
    parts = []
    if len(rest_points):
        parts.append(
            f"{len(rest_points):,} more milestones are counted, not drawn (by category: "
            f"{crowding.counts_text(rest_points, 'category')})"
        )
    if len(rest_events):
        parts.append(
            f"{len(rest_events):,} more finance events are counted, not drawn (by year: "
            f"{crowding.counts_text(rest_events, 'status_date', label=crowding.year_of)})"
        )
    if not parts:
        return points, events, ""
    return (
        drawn_points,
        drawn_events,
        (
            f"The chart draws at most {limit:,} markers per row (milestones, finance events): in the opening years, the latest "
            "of each category and financier first; "
            + "; ".join(parts)
            + ". Narrow the filters or the years to draw them; the table lists every row. "
        ),
    )


def milestones_and_events(data: Dataset, filters: Filters, window: str, today: dt.date) -> ChartView:
    """Milestones (date and project filters) and finance events (every filter) on one date axis.

    ``window`` "recent" opens the axis on 2022 onward; "whole" fits every point.
    """
    points, events = _points(data, filters)
    x_range = milestones.timeline_window(points, events, filters, RECENT_START if window == "recent" else None)
    if window == "recent" and x_range and not filters.date_to and x_range[0] < RECENT_END < x_range[1]:
        x_range = (x_range[0], RECENT_END)
    drawn_points, drawn_events, crowded = _thinned(points, events, x_range)
    if crowded and x_range is None:  # the whole record stays on the axis, not just the drawn markers
        days = pd.concat([points["date"], points["end_date"], events["status_date"]]).dropna()
        x_range = (days.min().date(), days.max().date())
    fig = build_timeline(
        drawn_points, drawn_events, today=today, x_range=x_range, title=TITLES.get(filters.project, TITLES["reko-diq"])
    )
    note = f"{len(points):,} milestones and {len(events):,} finance events match the filters. {crowded}" + (
        "The chart opens on 2022-2028, where the finance events happen; choose 'Whole timeline' for the record since 1978."
        if window == "recent"
        else "Most of the events fall after 2022: choose '2022-2028' to spread them out, or drag across the chart to zoom."
    )
    alt = (
        f"Timeline with two rows sharing one date axis: {len(points)} milestones by category, marker symbol by status, and "
        f"{len(events)} financing claims by financier at their status date, symbol by claim status."
    )
    first = events.sort_values("status_date").iloc[0] if len(events) else None
    summary = f"{len(points):,} milestones and {len(events):,} finance events" + (
        f", the first finance event on {first['status_date']:%-d %b %Y}." if first is not None else "."
    )
    if not len(points) and not len(events):  # the page shows this sentence instead of an empty chart
        summary = "No milestones or finance events match the current filters."
    return ChartView(fig, milestones.timeline_table(points, events, data.sources), alt, note, summary=summary)


def tracked_milestones(data: Dataset) -> list[str]:
    """Milestone keys with a target history (the choices of the slippage chart)."""
    return milestones.tracked_milestones(data.milestone_targets)


def slippage_summary(rows) -> str:
    """ "Financial close: targeted for Q4 2025 when first stated, now 2028 (moved 3 years later)." per milestone (two at most)."""
    parts = []
    for _key, part in list(rows.groupby("milestone_key", sort=False))[:2]:
        dated = part.dropna(subset=["target_date"]).sort_values("stated_on", kind="stable")
        if len(dated) < 2:
            continue
        first, last = dated.iloc[0], dated.iloc[-1]
        years = (last["target_date"] - first["target_date"]).days / 365.25
        parts.append(
            f"{part['milestone'].iloc[0]}: first targeted for {first['target_label']}, latest {last['target_label']} "
            f"({years:.1f} years later)"
        )
    return "; ".join(parts) + "." if parts else ""


def slippage(data: Dataset, keys: tuple[str, ...], today: dt.date | None = None) -> ChartView:
    """How the target dates of the chosen milestones moved (every stated target, whatever the filters)."""
    available = milestones.tracked_milestones(data.milestone_targets)
    rows = milestones.slippage_rows(data.milestone_targets, data.sources, tuple(k for k in available if k in keys))
    alt = (
        "Line chart of target dates against the date each target was stated, one line per milestone; deferred targets without a "
        "date are marked in a band at the top."
    )
    fig = build_slippage(rows, title="How the target dates moved", today=today)
    return ChartView(fig, milestones.slippage_table(rows, data.sources), alt, summary=slippage_summary(rows))


def milestones_table(data: Dataset, filters: Filters) -> TableView:
    """Milestones under the date and project filters, newest first."""
    points = milestones.milestone_points(milestones.filter_milestones(data.milestones, filters), data.sources)
    return TableView(milestones.milestones_table(points, data.sources))

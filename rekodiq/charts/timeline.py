"""Timeline chart: milestones and finance events on one time axis (planned vs actual: ``charts.slippage``).

Pure builders: tidy frames in (see ``rekodiq.milestones``), ``go.Figure`` out.
Every dataset string is passed through ``plotly_safe`` before it reaches a label.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rekodiq.charts.common import LEGEND_ABOVE, LEGEND_BELOW, SUBTITLE_CHARS, empty_figure, wrap_words
from rekodiq.format import date_text
from rekodiq.text import plotly_safe
from rekodiq.theme import TEMPLATE_NAME
from rekodiq.vocabulary import (
    LAPSED_STATUSES,
    MILESTONE_CATEGORIES,
    MILESTONE_COLORS,
    MILESTONE_STATUSES,
    MILESTONE_SYMBOLS,
    STATUS_COLORS,
    STATUS_LADDER,
    STATUS_SYMBOLS,
    statuses_in_order,
)

# Light statuses would vanish on white as markers; they are drawn in grey (the symbol names them).
GREY_STATUSES = (STATUS_LADDER[0], *LAPSED_STATUSES)


def lanes(frame: pd.DataFrame, group: str, date: str, min_gap_days: float, n_lanes: int = 3) -> list[int]:
    """A lane (0, 1, 2 ...) per row so that points of one group closer than ``min_gap_days`` alternate.

    Rows are taken in date order; a row goes to the first lane whose last point is far enough,
    else to the least recently used lane. Returned in the frame's row order.
    """
    result = [0] * len(frame)
    last: dict[tuple[object, int], pd.Timestamp] = {}
    keys, days = frame[group].tolist(), frame[date].tolist()  # element access on a frame costs ~10 µs a cell
    order = sorted(range(len(frame)), key=lambda i: (days[i], i))
    for i in order:
        key, day = keys[i], days[i]
        free = [lane for lane in range(n_lanes) if (key, lane) not in last or (day - last[(key, lane)]).days >= min_gap_days]
        lane = free[0] if free else min(range(n_lanes), key=lambda ln: last[(key, ln)])
        last[(key, lane)] = day
        result[i] = lane
    return result


LANE_OFFSETS = (0.0, -0.24, 0.24)


def _in_order(values, order: tuple[str, ...]) -> list[str]:
    """Distinct ``values`` in the order of ``order``, unknown ones last (sorted)."""
    seen = set(values)
    return [v for v in order if v in seen] + sorted(seen - set(order))


def _timeline_frame(
    title: str, milestones: pd.DataFrame, events: pd.DataFrame, n_top: int, n_bottom: int
) -> tuple[go.Figure, float]:
    """The two-row figure (milestones above, finance events below) sized to its rows; returns it and the top row's share."""
    top_px = 40 * max(n_top, 1) if len(milestones) else 30
    bottom_px = 24 * max(n_bottom, 1) if len(events) else 30
    bottom_title = "Finance events by financier" if len(events) else "Finance events: none match the current filters"
    top_title = "Milestones by category" if len(milestones) else "Milestones: none match the current filters"
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=90 / (210 + top_px + bottom_px + 90),
        row_heights=[top_px, bottom_px],
        subplot_titles=(top_title, bottom_title),
    )
    subtitle = wrap_words(
        "Symbols show status; lines show events that span a period; finance events are the claims under the "
        "filters; hover for the title and source",
        SUBTITLE_CHARS,
    )
    fig.update_layout(
        template=TEMPLATE_NAME, title={"text": title, "subtitle": {"text": subtitle}}, height=int(210 + top_px + bottom_px + 90)
    )
    for ann in fig.layout.annotations:  # the two subplot titles
        ann.update(x=0, xanchor="left", font={"size": 13, "color": "#444444"})
    return fig, top_px / (top_px + bottom_px)


def _x_bounds(
    milestones: pd.DataFrame, events: pd.DataFrame, x_range: tuple[dt.date, dt.date] | None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    if x_range is not None:
        return pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1])
    days = pd.concat(
        [milestones["date"], milestones["end_date"].dropna(), events["status_date"] if len(events) else milestones["date"]]
    )
    return days.min(), days.max()


# Row names beside the plot are cut to this many characters (the hover card names them in full):
# "Government of Pakistan (for BMRL)" left the plot about 110 px wide on a phone.
ROW_LABEL_CHARS = 12


def _row_axis(fig: go.Figure, labels: list[str], row: int) -> None:
    """Category (or financier) names top to bottom on one row's y axis; hidden when there are none."""
    if not labels:
        fig.update_yaxes(visible=False, row=row, col=1)
        return
    fig.update_yaxes(
        tickvals=list(range(len(labels))),
        ticktext=[plotly_safe(c, max_chars=ROW_LABEL_CHARS) for c in labels],
        tickfont={"size": 11},
        range=[len(labels) - 0.5, -0.5],
        showgrid=True,
        gridcolor="#EEEEEE",
        zeroline=False,
        row=row,
        col=1,
    )


def _milestone_customdata(rows: pd.DataFrame) -> list[list[str]]:
    return [
        [
            plotly_safe(t),
            date_text(d, p) + (f" to {date_text(e)}" if pd.notna(e) else ""),
            plotly_safe(s),
            plotly_safe(c),
            plotly_safe(i),
        ]
        for t, d, p, e, s, c, i in zip(
            rows["title"],
            rows["date"],
            rows["date_precision"],
            rows["end_date"],
            rows["source_label"],
            rows["category"],
            rows["milestone_id"],
            strict=True,
        )
    ]


def _with_lane_y(frame: pd.DataFrame, group: str, date_col: str, order: list[str], span_days: int) -> pd.DataFrame:
    """``frame`` with a ``y``: the row of its ``group`` value in ``order`` plus a lane offset that
    keeps points of one row that fall close in time apart."""
    index = {g: i for i, g in enumerate(order)}
    out = frame.reset_index(drop=True)
    return out.assign(
        y=[index[g] + LANE_OFFSETS[lane] for g, lane in zip(out[group], lanes(out, group, date_col, span_days / 45), strict=True)]
    )


def _add_status_markers(
    fig: go.Figure,
    rows: pd.DataFrame,
    status: str,
    legend: tuple[str, str, str],
    *,
    x: str,
    row: int,
    symbol: str,
    color: str,
    customdata: list[list[str]],
    hovertemplate: str,
) -> None:
    """One marker trace for the ``rows`` of one status; ``legend`` = (legend, group, group title)."""
    name, group, title = legend
    fig.add_scatter(
        name=plotly_safe(status),
        legend=name,
        legendgroup=group,
        legendgrouptitle={"text": title},
        x=rows[x].tolist(),
        y=rows["y"].tolist(),
        mode="markers",
        row=row,
        col=1,
        marker={"symbol": symbol, "size": 11, "opacity": 0.85, "color": color, "line": {"width": 1.5, "color": color}},
        customdata=customdata,
        hovertemplate=hovertemplate,
    )


def _add_milestones(fig: go.Figure, milestones: pd.DataFrame, categories: list[str], span_days: int) -> None:
    """Spans as thick lines, then one marker trace per milestone status (top row)."""
    ms = _with_lane_y(milestones, "category", "date", categories, span_days)
    spans = ms[ms["end_date"].notna()]
    # One line trace per status, segments separated by gaps (None): the same drawing as one trace
    # per span, but a figure of 1,000 spans stays a handful of traces (rekodiq.synth's 100x data).
    for status in _in_order(spans["status"], MILESTONE_STATUSES):
        rows = spans[spans["status"] == status]
        xs = [v for d, e in zip(rows["date"], rows["end_date"], strict=True) for v in (d, e, None)][:-1]
        ys = [v for y in rows["y"] for v in (y, y, None)][:-1]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            row=1,
            col=1,
            showlegend=False,
            line={"color": MILESTONE_COLORS.get(status, "#555555"), "width": 6},
            opacity=0.55,
            hoverinfo="skip",
            connectgaps=False,
        )
    for status in _in_order(ms["status"], MILESTONE_STATUSES):
        rows = ms[ms["status"] == status]
        _add_status_markers(
            fig,
            rows,
            status,
            ("legend", "milestones", "Milestone status"),
            x="date",
            row=1,
            symbol=MILESTONE_SYMBOLS.get(status, "square"),
            color=MILESTONE_COLORS.get(status, "#555555"),
            customdata=_milestone_customdata(rows),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[3]} · "
            + plotly_safe(status)
            + "<br>Source: %{customdata[2]}<br>%{customdata[4]}<extra></extra>",
        )


def _event_customdata(rows: pd.DataFrame) -> list[list[str]]:
    return [
        [
            plotly_safe(f),
            plotly_safe(i),
            "n/a" if pd.isna(a) else f"USD {a:,.0f} m",
            date_text(d),
            plotly_safe(s),
            "yes" if c else "no (another version is counted)",
            plotly_safe(cid),
        ]
        for f, i, a, d, s, c, cid in zip(
            rows["financier"],
            rows["instrument"],
            rows["amount_usd"],
            rows["status_date"],
            rows["source_label"],
            rows["counts_in_totals"],
            rows["claim_id"],
            strict=True,
        )
    ]


def _add_events(fig: go.Figure, events: pd.DataFrame, financiers: list[str], span_days: int) -> None:
    """One marker trace per claim status (bottom row), the status's one symbol from the vocabulary."""
    ev = _with_lane_y(events, "financier", "status_date", financiers, span_days)
    for status in statuses_in_order(ev["status"]):
        rows = ev[ev["status"] == status]
        _add_status_markers(
            fig,
            rows,
            status,
            ("legend2", "claims", "Claim status"),
            x="status_date",
            row=2,
            symbol=STATUS_SYMBOLS.get(status, "square"),
            color="#6E6E6E" if status in GREY_STATUSES else STATUS_COLORS.get(status, "#555555"),
            customdata=_event_customdata(rows),
            hovertemplate="<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{customdata[2]} · "
            + plotly_safe(status)
            + " on %{customdata[3]}<br>Counts in totals: %{customdata[5]}"
            "<br>Source: %{customdata[4]}<br>claim %{customdata[6]}<extra></extra>",
        )


def _finish_timeline(fig: go.Figure, today: dt.date, lo: pd.Timestamp, hi: pd.Timestamp, top_share: float) -> None:
    """The "today" line, the shared date axis and the two legends."""
    today_ts = pd.Timestamp(today)
    pad = pd.Timedelta(days=max(30, int((hi - lo).days * 0.02)))
    # The "today" line in each row's plot area: what add_vline draws, without its scan of every
    # trace for empty subplots (a third of this function's time).
    for xref, yref in (("x", "y domain"), ("x2", "y2 domain")):
        fig.add_shape(
            type="line",
            x0=today_ts,
            x1=today_ts,
            xref=xref,
            yref=yref,
            y0=0,
            y1=1,
            line={"color": "#D55E00", "width": 1.5, "dash": "dash"},
        )
    fig.add_annotation(
        x=today_ts,
        y=1.0,
        xref="x",
        yref="paper",
        text=f"today ({today.isoformat()})",
        showarrow=False,
        xanchor="right",  # left of the line: to its right the label ran off a phone's screen
        yanchor="top",  # inside the plot: above it sits the subplot title
        xshift=-3,
        font={"size": 11, "color": "#A04000"},
    )
    fig.update_xaxes(type="date", range=[lo - pad, hi + pad], showgrid=True, gridcolor="#F0F0F0")
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    fig.update_layout(
        hovermode="closest",
        # Room above the plot for the title and the milestone legend (several rows on a phone).
        margin={"l": 10, "r": 10, "t": 200, "b": 40},
        title={"y": 0.99, "yref": "container", "yanchor": "top"},
        # Milestone legend above, finance-event legend below: beside the plot they left it 64 px wide on a phone.
        legend=LEGEND_ABOVE,
        legend2=LEGEND_BELOW,
    )
    fig.update_yaxes(automargin=True)


def build_timeline(
    milestones: pd.DataFrame,
    events: pd.DataFrame,
    *,
    today: dt.date,
    x_range: tuple[dt.date, dt.date] | None = None,
    title: str = "Reko Diq milestones and finance events",
) -> go.Figure:
    """Milestones by category (top) and finance events by financier (bottom), one shared date axis.

    ``milestones``: ``milestone_id, date, date_precision, end_date, title, category, status,
    source_label`` (``milestones.milestone_points``). Spans with an ``end_date`` are
    drawn as thick lines. Marker *symbols* encode status (legend on the right).
    ``events``: ``claim_id, financier, instrument, amount_usd, status, status_date,
    counts_in_totals, source_label`` (``milestones.finance_events``), symbol by claim status
    (the same symbol per status as on every chart: ``vocabulary.STATUS_SYMBOLS``).
    ``x_range`` zooms the shared axis; points outside it stay in the data (pan to see them).
    """
    if milestones.empty and events.empty:
        return empty_figure(title, "No milestones or finance events match the current filters.")
    categories = _in_order(milestones["category"], MILESTONE_CATEGORIES)
    financiers = list(dict.fromkeys(events.sort_values("status_date")["financier"])) if len(events) else []
    fig, top_share = _timeline_frame(title, milestones, events, len(categories), len(financiers))
    lo, hi = _x_bounds(milestones, events, x_range)
    span_days = max((hi - lo).days, 1)
    if len(milestones):
        _add_milestones(fig, milestones, categories, span_days)
    _row_axis(fig, categories if len(milestones) else [], 1)
    if len(events):
        _add_events(fig, events, financiers, span_days)
    _row_axis(fig, financiers, 2)
    _finish_timeline(fig, today, lo, hi, top_share)
    return fig

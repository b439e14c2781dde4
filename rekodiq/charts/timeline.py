"""Timeline charts: milestones and finance events on one time axis; planned vs actual dates.

Pure builders: tidy frames in (see ``rekodiq.ownership_timeline``), ``go.Figure`` out.
Every dataset string is passed through ``plotly_safe`` before it reaches a label.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.ownership_timeline import CATEGORY_ORDER, MILESTONE_STATUSES
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE, STATUS_COLORS, TEMPLATE_NAME

# Status is encoded by symbol (and fill), colour only repeats it.
MILESTONE_SYMBOLS = {"done": "circle", "planned": "circle-open", "slipped": "x-thin-open", "under review": "hourglass"}
MILESTONE_COLORS = {"done": "#0072B2", "planned": "#009E73", "slipped": "#D55E00", "under review": "#E69F00"}
CLAIM_SYMBOLS = {
    "rumoured": "circle-open-dot",
    "expected": "diamond-open",
    "announced": "triangle-up-open",
    "board-approved": "square",
    "signed": "star",
    "disbursed": "diamond",
    "cancelled": "x",
    "not concluded": "x-open",
}
SERIES_STYLES = [("circle", "solid"), ("square", "dash"), ("diamond", "dot"), ("triangle-up", "dashdot")]
DATE_FMT = "%Y-%m-%d"


def lanes(frame: pd.DataFrame, group: str, date: str, min_gap_days: float, n_lanes: int = 3) -> list[int]:
    """A lane (0, 1, 2 ...) per row so that points of one group closer than ``min_gap_days`` alternate.

    Rows are taken in date order; a row goes to the first lane whose last point is far enough,
    else to the least recently used lane. Returned in the frame's row order.
    """
    result = [0] * len(frame)
    last: dict[tuple[object, int], pd.Timestamp] = {}
    order = sorted(range(len(frame)), key=lambda i: (frame[date].iloc[i], i))
    for i in order:
        key, day = frame[group].iloc[i], frame[date].iloc[i]
        free = [lane for lane in range(n_lanes) if (key, lane) not in last or (day - last[(key, lane)]).days >= min_gap_days]
        lane = free[0] if free else min(range(n_lanes), key=lambda ln: last[(key, ln)])
        last[(key, lane)] = day
        result[i] = lane
    return result


LANE_OFFSETS = (0.0, -0.24, 0.24)


def _date_text(value: pd.Timestamp, precision: str | None = None) -> str:
    if value is None or pd.isna(value):
        return ""
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return value.strftime("%Y-%m")
    return value.strftime(DATE_FMT)


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
    source_label`` (``ownership_timeline.milestone_points``). Spans with an ``end_date`` are
    drawn as thick lines. Marker *symbols* encode status (legend on the right).
    ``events``: ``claim_id, financier, instrument, amount_usd, status, status_date,
    counts_in_totals, source_label`` (``ownership_timeline.finance_events``), symbol by claim status.
    ``x_range`` zooms the shared axis; points outside it stay in the data (pan to see them).
    """
    if milestones.empty and events.empty:
        return empty_figure(title, "No milestones or finance events match the current filters.")
    categories = [c for c in CATEGORY_ORDER if c in set(milestones["category"])] + sorted(set(milestones["category"]) - set(CATEGORY_ORDER))
    financiers = list(dict.fromkeys(events.sort_values("status_date")["financier"])) if len(events) else []
    n_top, n_bottom = max(len(categories), 1), max(len(financiers), 1)
    top_px, bottom_px = 40 * n_top, 24 * n_bottom
    if not len(events):
        bottom_px = 30
    if not len(milestones):
        top_px = 30
    bottom_title = "Finance events (claims under the filters) by financier" if len(events) else "Finance events: none match the current filters"
    top_title = "Milestones by category" if len(milestones) else "Milestones: none match the current filters"
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=90 / (210 + top_px + bottom_px + 90),
                        row_heights=[top_px, bottom_px], subplot_titles=(top_title, bottom_title))
    fig.update_layout(template=TEMPLATE_NAME, title={"text": title, "subtitle": {"text": "Symbols show status; lines show events that span a period; hover for the title and source"}},
                      height=int(210 + top_px + bottom_px + 90))
    for ann in fig.layout.annotations:  # the two subplot titles
        ann.update(x=0, xanchor="left", font={"size": 13, "color": "#444444"})

    if x_range is not None:
        lo, hi = pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1])
    else:
        all_days = pd.concat([milestones["date"], milestones["end_date"].dropna(), events["status_date"] if len(events) else milestones["date"]])
        lo, hi = all_days.min(), all_days.max()
    pad = pd.Timedelta(days=max(30, int((hi - lo).days * 0.02)))
    span_days = max((hi - lo).days, 1)

    # --- milestones
    cat_index = {c: i for i, c in enumerate(categories)}
    if len(milestones):
        ms = milestones.reset_index(drop=True)
        ms_lanes = lanes(ms, "category", "date", span_days / 45)
        ms = ms.assign(y=[cat_index[c] + LANE_OFFSETS[lane] for c, lane in zip(ms["category"], ms_lanes, strict=True)])
        spans = ms[ms["end_date"].notna()]
        for row in spans.itertuples(index=False):
            fig.add_scatter(
                x=[row.date, row.end_date], y=[row.y, row.y], mode="lines", row=1, col=1, showlegend=False,
                line={"color": MILESTONE_COLORS.get(row.status, "#555555"), "width": 6},
                opacity=0.55, hoverinfo="skip",
            )
        statuses = [s for s in MILESTONE_STATUSES if s in set(ms["status"])] + sorted(set(ms["status"]) - set(MILESTONE_STATUSES))
        for status in statuses:
            rows = ms[ms["status"] == status]
            fig.add_scatter(
                name=plotly_safe(status), legend="legend", legendgroup="milestones",
                legendgrouptitle={"text": "Milestone status"},
                x=rows["date"].tolist(), y=rows["y"].tolist(), mode="markers", row=1, col=1,
                marker={"symbol": MILESTONE_SYMBOLS.get(status, "square"), "size": 11, "opacity": 0.85, "color": MILESTONE_COLORS.get(status, "#555555"),
                        "line": {"width": 1.5, "color": MILESTONE_COLORS.get(status, "#555555")}},
                customdata=[[plotly_safe(t), _date_text(d, p) + (f" to {_date_text(e)}" if pd.notna(e) else ""), plotly_safe(s), plotly_safe(c), plotly_safe(i)]
                            for t, d, p, e, s, c, i in zip(rows["title"], rows["date"], rows["date_precision"], rows["end_date"],
                                                         rows["source_label"], rows["category"], rows["milestone_id"], strict=True)],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[3]} · " + plotly_safe(status)
                              + "<br>Source: %{customdata[2]}<br>%{customdata[4]}<extra></extra>",
            )
    if len(milestones):
        fig.update_yaxes(tickvals=list(range(len(categories))), ticktext=[plotly_safe(c) for c in categories],
                         range=[len(categories) - 0.5, -0.5], showgrid=True, gridcolor="#EEEEEE", zeroline=False, row=1, col=1)
    else:
        fig.update_yaxes(visible=False, row=1, col=1)

    # --- finance events
    if len(events):
        fin_index = {f: i for i, f in enumerate(financiers)}
        ev = events.reset_index(drop=True)
        ev_lanes = lanes(ev, "financier", "status_date", span_days / 45)
        ev = ev.assign(y=[fin_index[f] + LANE_OFFSETS[lane] for f, lane in zip(ev["financier"], ev_lanes, strict=True)])
        ladder = [s for s in CLAIM_SYMBOLS if s in set(ev["status"])] + sorted(set(ev["status"]) - set(CLAIM_SYMBOLS))
        for status in ladder:
            rows = ev[ev["status"] == status]
            color = STATUS_COLORS.get(status, "#555555")
            color = "#6E6E6E" if status in ("rumoured", "cancelled", "not concluded") else color
            fig.add_scatter(
                name=plotly_safe(status), legend="legend2", legendgroup="claims", legendgrouptitle={"text": "Claim status"},
                x=rows["status_date"].tolist(), y=rows["y"].tolist(), mode="markers", row=2, col=1,
                marker={"symbol": CLAIM_SYMBOLS.get(status, "square"), "size": 11, "opacity": 0.85, "color": color, "line": {"width": 1.5, "color": color}},
                customdata=[[plotly_safe(f), plotly_safe(i), "n/a" if pd.isna(a) else f"USD {a:,.0f} m", _date_text(d), plotly_safe(s),
                             "yes" if c else "no (another version is counted)", plotly_safe(cid)]
                            for f, i, a, d, s, c, cid in zip(rows["financier"], rows["instrument"], rows["amount_usd"], rows["status_date"],
                                                           rows["source_label"], rows["counts_in_totals"], rows["claim_id"], strict=True)],
                hovertemplate="<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{customdata[2]} · " + plotly_safe(status)
                              + " on %{customdata[3]}<br>Counts in totals: %{customdata[5]}<br>Source: %{customdata[4]}<br>claim %{customdata[6]}<extra></extra>",
            )
        fig.update_yaxes(tickvals=list(range(len(financiers))), ticktext=[plotly_safe(f) for f in financiers],
                         range=[len(financiers) - 0.5, -0.5], showgrid=True, gridcolor="#EEEEEE", zeroline=False, row=2, col=1)
    else:
        fig.update_yaxes(visible=False, row=2, col=1)

    today_ts = pd.Timestamp(today)
    fig.add_vline(x=today_ts, line={"color": "#D55E00", "width": 1.5, "dash": "dash"})
    fig.add_annotation(x=today_ts, y=1.0, xref="x", yref="paper", text=f"today ({today.isoformat()})", showarrow=False,
                       xanchor="left", yanchor="bottom", xshift=3, font={"size": 11, "color": "#D55E00"})
    fig.update_xaxes(type="date", range=[lo - pad, hi + pad], showgrid=True, gridcolor="#F0F0F0")
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    top_share = top_px / (top_px + bottom_px)
    fig.update_layout(
        hovermode="closest",
        margin={"l": 10, "r": 10, "t": 110, "b": 40},
        legend={"x": 1.01, "y": 1.0, "yanchor": "top", "xanchor": "left"},
        legend2={"x": 1.01, "y": max(1.0 - top_share - 0.06, 0.0), "yanchor": "top", "xanchor": "left"},
    )
    fig.update_yaxes(automargin=True)
    return fig


def target_text(day: pd.Timestamp, precision: object) -> str:
    """A target date as worded at its precision: 'Jun 2025', 'H2 2025', 'Q3 2025', '2028', '22 Aug 2025'."""
    if day is None or pd.isna(day):
        return "no date"
    if precision == "year":
        return f"{day.year}"
    if precision == "half":
        return f"H{1 if day.month <= 6 else 2} {day.year}"
    if precision == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if precision == "day":
        return f"{day.day} {day:%b %Y}"
    return f"{day:%b %Y}"


def _date_ticks(lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[list[pd.Timestamp], list[str]]:
    """Ticks on the last day of each quarter (short ranges) or year, where targets are plotted."""
    if (hi - lo).days < 800:
        ticks = pd.date_range(lo, hi, freq="QE")
        return list(ticks), [f"end {t:%b %Y}" for t in ticks]
    ticks = pd.date_range(lo, hi, freq="YE")
    return list(ticks), [f"end {t.year}" for t in ticks]


def build_slippage(rows: pd.DataFrame, *, title: str = "How the target dates moved: financial close and first production") -> go.Figure:
    """Target date (y) against the date it was stated (x), one line per milestone.

    ``rows``: ``milestone, milestone_key, target_label, target_date, target_precision,
    stated_on, outcome, slip_days, source_label`` (``ownership_timeline.slippage_rows``).
    Each point is labelled with its target as worded ("H2 2025"). A dotted diagonal marks
    "target = date stated". Targets deferred without a date sit in a grey band labelled
    "no date" above the dated ones, joined to the last dated target by a dotted line and
    annotated. Each milestone has its own colour, marker symbol and line dash.
    """
    if rows.empty:
        return empty_figure(title, "No target history for these milestones.")
    dated = rows.dropna(subset=["target_date"])
    x_lo, x_hi = rows["stated_on"].min(), rows["stated_on"].max()
    y_lo = dated["target_date"].min() if len(dated) else x_lo
    y_hi = dated["target_date"].max() if len(dated) else x_hi
    y_span = max((y_hi - y_lo).days, 180)
    band_lo = y_hi + pd.Timedelta(days=int(y_span * 0.15))
    band_hi = band_lo + pd.Timedelta(days=int(y_span * 0.25))
    band_mid = band_lo + (band_hi - band_lo) / 2
    fig = base_figure(title, "Each point is a target as reported on that date; a line that climbs = the target moved later", height=580)
    lo = min(x_lo, y_lo) - pd.Timedelta(days=60)
    hi = max(x_hi, y_hi) + pd.Timedelta(days=60)
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="target = date stated (due now)",
                    line={"color": "#999999", "width": 1.5, "dash": "dot"}, hoverinfo="skip")
    fig.add_hrect(y0=band_lo, y1=band_hi, fillcolor="#EFEFEF", line_width=0, layer="below")
    keys = list(dict.fromkeys(rows["milestone_key"]))
    n_def = 0
    for i, key in enumerate(keys):
        part = rows[rows["milestone_key"] == key].sort_values("stated_on", kind="stable")
        name = plotly_safe(part["milestone"].iloc[0])
        color = PALETTE[i % len(PALETTE)]
        symbol, dash = SERIES_STYLES[i % len(SERIES_STYLES)]
        with_date = part.dropna(subset=["target_date"])
        fig.add_scatter(
            name=name, x=with_date["stated_on"].tolist(), y=with_date["target_date"].tolist(), mode="lines+markers+text",
            line={"color": color, "width": 2.5, "dash": dash},
            marker={"symbol": [symbol + ("" if o != "met" else "-open") for o in with_date["outcome"]], "size": 11, "color": color,
                    "line": {"width": 2, "color": color}},
            text=[target_text(d, p) for d, p in zip(with_date["target_date"], with_date["target_precision"], strict=True)],
            textposition=["top left" if j % 2 == 0 else "bottom right" for j in range(len(with_date))],
            textfont={"size": 11, "color": color},
            customdata=[[plotly_safe(t), plotly_safe(o), "" if pd.isna(s) else f"{int(s):+d} days", plotly_safe(src)]
                        for t, o, s, src in zip(with_date["target_label"], with_date["outcome"], with_date["slip_days"], with_date["source_label"], strict=True)],
            hovertemplate="<b>" + name + "</b><br>%{customdata[0]}<br>Stated %{x|%Y-%m-%d} · target %{y|%Y-%m-%d}"
                          "<br>Outcome: %{customdata[1]} · vs first target: %{customdata[2]}<br>Source: %{customdata[3]}<extra></extra>",
        )
        for row in part[part["target_date"].isna()].itertuples(index=False):
            y = band_lo + (band_hi - band_lo) * (0.7 - 0.4 * (n_def % 2))
            n_def += 1
            if len(with_date):
                last = with_date.iloc[-1]
                fig.add_scatter(x=[last["stated_on"], row.stated_on], y=[last["target_date"], y], mode="lines", showlegend=False,
                                line={"color": color, "width": 1.5, "dash": "dot"}, hoverinfo="skip")
            fig.add_scatter(
                name=f"{name}: deferred", x=[row.stated_on], y=[y], mode="markers", showlegend=False,
                marker={"symbol": "arrow-bar-up", "size": 16, "color": color, "line": {"width": 2, "color": color}},
                customdata=[[plotly_safe(row.target_label), plotly_safe(row.source_label)]],
                hovertemplate="<b>" + name + ": deferred</b><br>%{customdata[0]}<br>Stated %{x|%Y-%m-%d}<br>Source: %{customdata[1]}<extra></extra>",
            )
            fig.add_annotation(x=row.stated_on, y=y, text=f"{name} deferred, no date ({row.stated_on:%Y-%m-%d})", showarrow=False,
                               xanchor="right", xshift=-14, font={"size": 12, "color": color}, bgcolor="rgba(239,239,239,0.95)")
    ticks, labels = _date_ticks(y_lo - pd.Timedelta(days=int(y_span * 0.06)), y_hi + pd.Timedelta(days=int(y_span * 0.05)))
    fig.update_xaxes(title="date the target was stated", type="date",
                     range=[x_lo - pd.Timedelta(days=max(45, int((x_hi - x_lo).days * 0.08))), x_hi + pd.Timedelta(days=max(45, int((x_hi - x_lo).days * 0.06)))])
    fig.update_yaxes(title="target date", type="date", range=[y_lo - pd.Timedelta(days=int(y_span * 0.08)), band_hi],
                     tickvals=ticks + [band_mid], ticktext=labels + ["<b>no date</b>"])
    fig.update_layout(legend={"orientation": "h", "y": -0.18, "x": 0}, hovermode="closest")
    return fig

"""Planned vs actual: how the target dates of a milestone moved, one line per milestone.

Pure builder: ``milestones.slippage_rows`` in, ``go.Figure`` out. Every dataset string is
passed through ``plotly_safe`` before it reaches a label.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.format import target_text
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE

SERIES_STYLES = [("circle", "solid"), ("square", "dash"), ("diamond", "dot"), ("triangle-up", "dashdot")]


def _date_ticks(lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[list[pd.Timestamp], list[str]]:
    """Ticks on the last day of each quarter (short ranges) or year, where targets are plotted."""
    if (hi - lo).days < 800:
        ticks = pd.date_range(lo, hi, freq="QE")
        return list(ticks), [f"end {t:%b %Y}" for t in ticks]
    ticks = pd.date_range(lo, hi, freq="YE")
    return list(ticks), [f"end {t.year}" for t in ticks]


def _slippage_band(rows: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Axis bounds and the grey "no date" band above the dated targets."""
    dated = rows.dropna(subset=["target_date"])
    x_lo, x_hi = rows["stated_on"].min(), rows["stated_on"].max()
    y_lo = dated["target_date"].min() if len(dated) else x_lo
    y_hi = dated["target_date"].max() if len(dated) else x_hi
    y_span = max((y_hi - y_lo).days, 180)
    band_lo = y_hi + pd.Timedelta(days=int(y_span * 0.15))
    band_hi = band_lo + pd.Timedelta(days=int(y_span * 0.25))
    return {
        "x_lo": x_lo,
        "x_hi": x_hi,
        "y_lo": y_lo,
        "y_hi": y_hi,
        "y_span": y_span,
        "band_lo": band_lo,
        "band_hi": band_hi,
        "band_mid": band_lo + (band_hi - band_lo) / 2,
    }


def _dated_targets(fig: go.Figure, name: str, with_date: pd.DataFrame, color: str, symbol: str, dash: str) -> None:
    """One milestone's dated targets as a line with markers labelled by the target as worded."""
    fig.add_scatter(
        name=name,
        x=with_date["stated_on"].tolist(),
        y=with_date["target_date"].tolist(),
        mode="lines+markers+text",
        line={"color": color, "width": 2.5, "dash": dash},
        marker={
            "symbol": [symbol + ("" if o != "met" else "-open") for o in with_date["outcome"]],
            "size": 11,
            "color": color,
            "line": {"width": 2, "color": color},
        },
        text=[target_text(d, p) for d, p in zip(with_date["target_date"], with_date["target_precision"], strict=True)],
        textposition=["top left" if j % 2 == 0 else "bottom right" for j in range(len(with_date))],
        textfont={"size": 11, "color": color},
        customdata=[
            [plotly_safe(t), plotly_safe(o), "" if pd.isna(s) else f"{int(s):+d} days", plotly_safe(src)]
            for t, o, s, src in zip(
                with_date["target_label"], with_date["outcome"], with_date["slip_days"], with_date["source_label"], strict=True
            )
        ],
        hovertemplate="<b>" + name + "</b><br>%{customdata[0]}<br>Stated %{x|%Y-%m-%d} · target %{y|%Y-%m-%d}"
        "<br>Outcome: %{customdata[1]} · vs first target: %{customdata[2]}<br>Source: %{customdata[3]}<extra></extra>",
    )


def _deferred_target(
    fig: go.Figure, name: str, row, y: pd.Timestamp, last: pd.Series | None, color: str, upper: bool = True
) -> None:
    """A target deferred without a date: a marker in the band, joined to the last dated target, and a note."""
    if last is not None:
        fig.add_scatter(
            x=[last["stated_on"], row.stated_on],
            y=[last["target_date"], y],
            mode="lines",
            showlegend=False,
            line={"color": color, "width": 1.5, "dash": "dot"},
            hoverinfo="skip",
        )
    fig.add_scatter(
        name=f"{name}: deferred",
        x=[row.stated_on],
        y=[y],
        mode="markers",
        showlegend=False,
        marker={"symbol": "arrow-bar-up", "size": 16, "color": color, "line": {"width": 2, "color": color}},
        customdata=[[plotly_safe(row.target_label), plotly_safe(row.source_label)]],
        hovertemplate="<b>"
        + name
        + ": deferred</b><br>%{customdata[0]}<br>Stated %{x|%Y-%m-%d}<br>Source: %{customdata[1]}<extra></extra>",
    )
    fig.add_annotation(
        x=row.stated_on,
        y=y,
        text=f"{name} deferred,<br>no date ({row.stated_on:%Y-%m-%d})",  # two short lines: one long line was cut on a phone
        showarrow=False,
        xanchor="right",
        # Two deferrals stated the same day sit one above the other, never on top of each other.
        yanchor="bottom" if upper else "top",
        xshift=-14,
        font={"size": 12, "color": color},
        bgcolor="rgba(239,239,239,0.95)",
    )


def _slippage_axes(fig: go.Figure, b: dict) -> None:
    ticks, labels = _date_ticks(
        b["y_lo"] - pd.Timedelta(days=int(b["y_span"] * 0.06)), b["y_hi"] + pd.Timedelta(days=int(b["y_span"] * 0.05))
    )
    x_pad = (b["x_hi"] - b["x_lo"]).days
    fig.update_xaxes(
        title="date the target was stated",
        type="date",
        range=[
            b["x_lo"] - pd.Timedelta(days=max(60, int(x_pad * 0.45))),  # room for the first point's label (top left) on a phone
            b["x_hi"] + pd.Timedelta(days=max(45, int(x_pad * 0.06))),
        ],
    )
    fig.update_yaxes(
        title=None,  # the subtitle names it: the axis title took 30 px of a phone's width
        type="date",
        range=[b["y_lo"] - pd.Timedelta(days=int(b["y_span"] * 0.08)), b["band_hi"]],
        tickvals=ticks + [b["band_mid"]],
        ticktext=labels + ["<b>no date</b>"],
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"}, hovermode="closest")


def build_slippage(
    rows: pd.DataFrame, *, title: str = "How the target dates moved: financial close and first production", today=None
) -> go.Figure:
    """Target date (y) against the date it was stated (x), one line per milestone.

    ``rows``: ``milestone, milestone_key, target_label, target_date, target_precision,
    stated_on, outcome, slip_days, source_label`` (``milestones.slippage_rows``).
    Each point is labelled with its target as worded ("H2 2025"). A dotted diagonal marks
    "target = date stated". Targets deferred without a date sit in a grey band labelled
    "no date" above the dated ones, joined to the last dated target by a dotted line and
    annotated. Each milestone has its own colour, marker symbol and line dash.
    """
    if rows.empty:
        return empty_figure(title, "No target history for these milestones.")
    b = _slippage_band(rows)
    fig = base_figure(
        title, "Up: the target date; across: when it was stated. A line that climbs = the target moved later", height=580
    )
    lo = min(b["x_lo"], b["y_lo"]) - pd.Timedelta(days=60)
    hi = max(b["x_hi"], b["y_hi"]) + pd.Timedelta(days=60)
    fig.add_scatter(
        x=[lo, hi],
        y=[lo, hi],
        mode="lines",
        name="target = date stated (due now)",
        line={"color": "#999999", "width": 1.5, "dash": "dot"},
        hoverinfo="skip",
    )
    fig.add_hrect(y0=b["band_lo"], y1=b["band_hi"], fillcolor="#EFEFEF", line_width=0, layer="below")
    n_deferred = 0
    for i, key in enumerate(dict.fromkeys(rows["milestone_key"])):
        part = rows[rows["milestone_key"] == key].sort_values("stated_on", kind="stable")
        name, color = plotly_safe(part["milestone"].iloc[0]), PALETTE[i % len(PALETTE)]
        symbol, dash = SERIES_STYLES[i % len(SERIES_STYLES)]
        with_date = part.dropna(subset=["target_date"])
        _dated_targets(fig, name, with_date, color, symbol, dash)
        for row in part[part["target_date"].isna()].itertuples(index=False):
            y = b["band_lo"] + (b["band_hi"] - b["band_lo"]) * (0.7 - 0.4 * (n_deferred % 2))
            n_deferred += 1
            last = with_date.iloc[-1] if len(with_date) else None
            _deferred_target(fig, name, row, y, last, color, upper=n_deferred % 2 == 1)
    _slippage_axes(fig, b)
    # Room for the two-line subtitle above the "no date" band, whose notes reach up from it.
    fig.update_layout(margin={"t": 120})
    if today is not None:  # "today" on the stated-on axis: targets left of it are what was promised until now
        fig.add_vline(x=pd.Timestamp(today), line={"color": "#D55E00", "width": 1.5, "dash": "dash"})
        fig.add_annotation(
            x=pd.Timestamp(today), y=1, yref="paper", text="today", showarrow=False, yanchor="bottom", font={"color": "#A04000"}
        )
    return fig

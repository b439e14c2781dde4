"""Ownership over time: the stakes in force since 1993 as stacked step bars, changes marked above.

Pure builder: ``ownership.ownership_periods`` and ``ownership.ownership_changes`` in, ``go.Figure``
out. Every dataset string is passed through ``plotly_safe`` before it reaches a label.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import LEGEND_BELOW, base_figure, empty_figure
from rekodiq.charts.ownership import SIDE_COLORS
from rekodiq.format import pct_text
from rekodiq.text import plotly_safe


def wrap_text(text: object, width: int = 28) -> str:
    """Escape dataset text and wrap it onto short lines joined with <br>."""
    raw = "" if text is None or text != text else str(text)
    return "<br>".join(plotly_safe(line) for line in textwrap.wrap(raw, width)) or plotly_safe(raw)


def text_color_on(fill: str) -> str:
    """Near-black or white, whichever reads better on the hex colour ``fill``."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#1a1a1a" if luminance > 0.42 else "#FFFFFF"


def holder_order(periods: pd.DataFrame) -> list[str]:
    """Stack order bottom-up: Pakistani holders first, then the others, each by first appearance."""
    first = periods.sort_values(["start", "stake_pct"], ascending=[True, False]).drop_duplicates("holder")
    pak = first[first["side"] == "Pakistan"]["holder"].tolist()
    rest = first[first["side"] != "Pakistan"]["holder"].tolist()
    return pak + rest


HOLDER_PATTERNS = ["", "/", ".", "\\", "x", "-", "|", "+"]
PAK_TINTS = ["#009E73", "#4DBB9D", "#80CFB9", "#B3E2D5"]
FOREIGN_COLORS = ["#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#F0E442"]


def holder_colors(periods: pd.DataFrame, order: list[str]) -> dict[str, str]:
    """Pakistani holders in greens, Barrick in blue, the other holders from the rest of the palette."""
    pak = set(periods.loc[periods["side"] == "Pakistan", "holder"])
    colors, spare, n_pak = {}, iter(FOREIGN_COLORS), 0
    for holder in order:
        if holder in pak:
            colors[holder] = PAK_TINTS[n_pak % len(PAK_TINTS)]
            n_pak += 1
        elif holder == "Barrick":
            colors[holder] = SIDE_COLORS["Barrick"]
        else:
            colors[holder] = next(spare, "#888888")
    return colors


def label_levels(
    days: list[pd.Timestamp],
    chars: list[int],
    *,
    lo: pd.Timestamp,
    hi: pd.Timestamp,
    plot_px: float = 650.0,
    char_px: float = 7.0,
) -> list[tuple[int, str]]:
    """``(level, xanchor)`` for labels anchored at ``days`` so that no two labels on a level overlap.

    A label runs right from its day for about ``chars * char_px`` pixels of a plot ``plot_px``
    wide spanning ``lo``..``hi``, or left (``xanchor="right"``) when it would run off the plot;
    it goes to the lowest level that is free. ``plot_px`` is a conservative guess of the width.
    """
    px_per_day = plot_px / max((hi - lo).days, 1)
    ends: list[float] = []
    out = []
    for day, n in zip(days, chars, strict=True):
        at, width = (day - lo).days * px_per_day, n * char_px
        left, anchor = (at, "left") if at + width <= plot_px else (at - width, "right")
        level = next((i for i, end in enumerate(ends) if left > end + 8), len(ends))
        if level == len(ends):
            ends.append(0.0)
        ends[level] = left + width
        out.append((level, anchor))
    return out


def build_ownership_history(
    periods: pd.DataFrame,
    changes: pd.DataFrame | None = None,
    context: pd.DataFrame | None = None,
    *,
    title: str = "Stakes in force since 1993, by holder",
) -> go.Figure:
    """Stacked step bars: each period between two changes is one bar as wide as the period.

    ``periods``: ``start, end, holder, side, stake_pct, vehicle, basis`` (``ownership.ownership_periods``).
    ``changes`` and ``context`` (optional): ``date, label, detail`` rows, the changes of the
    split (``ownership_changes``) and other events worth marking (e.g. a court ruling). Both are drawn as dotted lines with labels
    stacked above the plot so close dates never overlap; hovering a change label gives its
    detail. Each holder has its own colour, pattern and, where the bar is wide enough, a label.
    """
    if periods.empty:
        return empty_figure(title, "No stake in force in this period.")
    lo, hi = periods["start"].min(), periods["end"].max()
    fig = base_figure(
        title, "Percent of the project; bar width = how long the split lasted; hover for vehicle and basis", height=600
    )
    avoid = [] if context is None else [pd.Timestamp(d) for d in context["date"]]
    _history_bars(fig, periods, avoid)
    n_levels = _change_marks(fig, _marks(changes, context), lo - pd.Timedelta(days=120), hi + pd.Timedelta(days=120))
    fig.update_layout(
        barmode="stack",
        bargap=0,
        legend={"traceorder": "reversed", "title": {"text": "Holder"}, **LEGEND_BELOW},
        margin={"t": 100 + LEVEL_PX * n_levels},
        height=560 + LEVEL_PX * n_levels,
        title={"y": 0.99, "yref": "container", "yanchor": "top"},
    )
    fig.update_yaxes(title="percent of the project", range=[0, 100], ticksuffix=" %", dtick=25)
    fig.update_xaxes(type="date", range=[lo - pd.Timedelta(days=120), hi + pd.Timedelta(days=120)])
    return fig


LEVEL_PX = 24  # pixels between label levels above the history chart


def _label_x(s0: pd.Timestamp, e0: pd.Timestamp, avoid: list[pd.Timestamp], span: int) -> pd.Timestamp:
    """The middle of a bar, or of its longer side when a context line runs close to the middle."""
    x = s0 + (e0 - s0) / 2
    near = [d for d in avoid if s0 < d < e0 and abs((x - d).days) < span * 0.08]
    if near:
        d = near[0]
        x = d + (e0 - d) / 2 if (e0 - d) >= (d - s0) else s0 + (d - s0) / 2
    return x


def _history_bars(fig: go.Figure, periods: pd.DataFrame, avoid: list[pd.Timestamp]) -> None:
    """One bar trace per holder (each period a bar as wide as the period), then their labels."""
    order = holder_order(periods)
    colors = holder_colors(periods, order)
    span = max((periods["end"].max() - periods["start"].min()).days, 1)
    base = {start: 0.0 for start in periods["start"].unique()}
    labels: dict[str, list] = {"x": [], "y": [], "text": [], "color": []}
    for i, holder in enumerate(order):
        rows = periods[periods["holder"] == holder]
        starts, ends = rows["start"], rows["end"]
        name = plotly_safe(holder)
        for s0, e0, p in zip(starts, ends, rows["stake_pct"], strict=True):
            if (e0 - s0).days > span * 0.09 and p >= 7:
                for k, v in zip(
                    labels,
                    (
                        _label_x(s0, e0, avoid, span),
                        base[s0] + p / 2,
                        f"<b>{name}</b><br>{pct_text(p)}",
                        text_color_on(colors[holder]),
                    ),
                    strict=True,
                ):
                    labels[k].append(v)
            base[s0] += p
        fig.add_bar(
            name=name,
            x=(starts + (ends - starts) / 2).tolist(),
            y=rows["stake_pct"].tolist(),
            width=[(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)],
            marker={
                "color": colors[holder],
                "line": {"color": "white", "width": 1},
                "pattern": {
                    "shape": HOLDER_PATTERNS[i % len(HOLDER_PATTERNS)],
                    "fgcolor": "rgba(255,255,255,0.45)",
                    "size": 10,
                    "solidity": 0.15,
                    "fillmode": "overlay",
                },
            },
            customdata=[
                [name, plotly_safe(v), plotly_safe(b), s.date().isoformat(), e.date().isoformat()]
                for v, b, s, e in zip(rows["vehicle"], rows["basis"], starts, ends, strict=True)
            ],
            hovertemplate="<b>%{customdata[0]}</b>: %{y:.2f} %<br>via %{customdata[1]} · %{customdata[2]}"
            "<br>%{customdata[3]} to %{customdata[4]}<extra></extra>",
        )
    if labels["x"]:
        fig.add_scatter(
            x=labels["x"],
            y=labels["y"],
            text=labels["text"],
            mode="text",
            showlegend=False,
            hoverinfo="skip",
            textfont={"size": 12, "color": labels["color"]},
            name="labels",
        )


def _marks(changes: pd.DataFrame | None, context: pd.DataFrame | None) -> list[tuple]:
    """(date, label html, hover html, is_context) per marked date, in date order."""
    marks = []
    if changes is not None:
        marks += [(r.date, plotly_safe(r.label), wrap_text(r.detail, 60), False) for r in changes.itertuples(index=False)]
    if context is not None:
        marks += [(r.date, plotly_safe(r.label), wrap_text(r.detail, 60), True) for r in context.itertuples(index=False)]
    return sorted(marks, key=lambda m: m[0])


def _change_marks(fig: go.Figure, marks: list[tuple], x_lo: pd.Timestamp, x_hi: pd.Timestamp) -> int:
    """Dotted lines at the marked dates with labels stacked above the plot; returns the number of levels."""
    levels = label_levels([m[0] for m in marks], [len(m[1]) for m in marks], lo=x_lo, hi=x_hi)
    for (day, text, hover, is_context), (level, anchor) in zip(marks, levels, strict=True):
        color = "#D55E00" if is_context else "#444444"
        fig.add_shape(
            type="line",
            x0=day,
            x1=day,
            y0=0,
            y1=1,
            xref="x",
            yref="paper",
            line={"color": color, "width": 2 if is_context else 1, "dash": "dash" if is_context else "dot"},
        )
        fig.add_annotation(
            x=day,
            y=1,
            xref="x",
            yref="paper",
            text=text,
            hovertext=hover,
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=color,
            ax=0,
            ay=-(10 + LEVEL_PX * level),
            xanchor=anchor,
            yanchor="bottom",
            align="left",
            font={"size": 11, "color": "#8A3A00" if is_context else "#222222"},
            bgcolor="rgba(255,255,255,0.95)",
        )
    return max(level for level, _ in levels) + 1 if levels else 0

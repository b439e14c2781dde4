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


# The narrowest chart the labels are placed for: Streamlit's main column on a 390 px phone is
# 358 px wide, of which the y tick labels ("100 %") take about 45 px. Labels placed so that they
# fit there fit at every wider size too: their widths stay the same while the dates move apart.
NARROW_PLOT_PX = 290.0
NARROW_LEFT_PX = 40.0  # room left of the plot a change label may run into
NARROW_RIGHT_PX = 12.0  # ... and right of it
CHANGE_CHAR_PX = 6.5  # an 11 px change label's average character width (DejaVu Sans, measured 6.1)
CHANGE_LINE_CHARS = 26  # longer change labels go on two lines


def label_levels(
    days: list[pd.Timestamp],
    chars: list[int],
    *,
    lo: pd.Timestamp,
    hi: pd.Timestamp,
    lines: list[int] | None = None,
    plot_px: float = NARROW_PLOT_PX,
    left_px: float = NARROW_LEFT_PX,
    right_px: float = NARROW_RIGHT_PX,
    char_px: float = CHANGE_CHAR_PX,
) -> list[tuple[int, str]]:
    """``(level, xanchor)`` for labels anchored at ``days`` so that no two labels share a row.

    A label ``chars`` characters wide (its longest line) and ``lines`` lines tall (1 each by
    default) takes ``lines`` rows from its level up. It runs right from its day for about
    ``chars * char_px`` pixels of a plot ``plot_px`` wide spanning ``lo``..``hi``, or left
    (``xanchor="right"``) when it would run more than ``right_px`` past the plot's right edge
    (or runs less far past the chart's edges that way, ``left_px`` being the room left of the
    plot). It goes to the lowest level whose rows are free. The defaults describe the narrowest
    chart (a phone); on a wider plot the same levels and anchors never overlap nor leave the chart.
    """
    px_per_day = plot_px / max((hi - lo).days, 1)
    rows: list[list[tuple[float, float]]] = []
    out = []
    for day, n, tall in zip(days, chars, lines or [1] * len(days), strict=True):
        at, width = (day - lo).days * px_per_day, n * char_px
        over_right, over_left = at + width - (plot_px + right_px), -left_px - (at - width)
        left, anchor = (at, "left") if over_right <= 0 or over_right <= over_left else (at - width, "right")
        level = 0
        while any(left <= end + 8 and start <= left + width + 8 for row in rows[level : level + tall] for start, end in row):
            level += 1
        rows.extend([] for _ in range(level + tall - len(rows)))
        for row in rows[level : level + tall]:
            row.append((left, left + width))
        out.append((level, anchor))
    return out


def change_label_lines(text: str) -> list[str]:
    """A change label as one line, or two when longer than ``CHANGE_LINE_CHARS`` (after "; " if it can)."""
    if len(text) <= CHANGE_LINE_CHARS:
        return [text]
    head, sep, tail = text.partition("; ")
    if sep and len(head) < CHANGE_LINE_CHARS and len(tail) <= CHANGE_LINE_CHARS:
        return [head + ";", tail]
    return textwrap.wrap(text, CHANGE_LINE_CHARS - 2)


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
    cuts = [] if context is None else [pd.Timestamp(d) for d in context["date"]]
    _history_bars(fig, periods, cuts)
    n_rows = _change_marks(fig, _marks(changes, context), lo - pd.Timedelta(days=120), hi + pd.Timedelta(days=120))
    fig.update_layout(
        barmode="stack",
        bargap=0,
        # A holder's label shows only where it fits its bar at full size, decided in the browser
        # at the width the chart is drawn: on a phone the narrow bars keep theirs in the hover card.
        uniformtext={"mode": "hide", "minsize": BAR_TEXT_PX},
        legend={"traceorder": "reversed", "title": {"text": "Holder"}, **LEGEND_BELOW},
        margin={"t": 100 + LEVEL_PX * n_rows},
        height=560 + LEVEL_PX * n_rows,
        title={"y": 0.99, "yref": "container", "yanchor": "top"},
    )
    # No axis title: the subtitle says "Percent of the project", and on a phone the title's
    # 25 px were the plot's.
    fig.update_yaxes(range=[0, 100], ticksuffix=" %", dtick=25)
    fig.update_xaxes(type="date", range=[lo - pd.Timedelta(days=120), hi + pd.Timedelta(days=120)])
    return fig


LEVEL_PX = 20  # pixels per row of change labels above the history chart (a two-line label takes two)
BAR_TEXT_PX = 12  # holder labels inside the bars


def bar_pieces(s0: pd.Timestamp, e0: pd.Timestamp, cuts: list[pd.Timestamp]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The period ``s0``..``e0`` split at the ``cuts`` inside it (a context line such as the 2013
    ruling), so that a label centred in the longest piece never sits under that line."""
    inner = sorted({c for c in cuts if s0 < c < e0})
    edges = [s0, *inner, e0]
    return list(zip(edges[:-1], edges[1:], strict=True))


def bar_label(name: str, pct: float) -> str:
    """A holder's label in its bar (``name`` escaped): two lines, or one for a thin stake (below
    ``THIN_PCT`` two lines do not fit its height; one line fits wherever the bar is wide enough)."""
    return f"<b>{name}</b>{' ' if pct < THIN_PCT else '<br>'}{pct_text(pct)}"


THIN_PCT = 15


def _history_bars(fig: go.Figure, periods: pd.DataFrame, cuts: list[pd.Timestamp]) -> None:
    """One bar trace per holder: each period a bar as wide as the period (in pieces where a
    context line crosses it), labelled in its longest piece with the holder and stake."""
    order = holder_order(periods)
    colors = holder_colors(periods, order)
    for i, holder in enumerate(order):
        rows = periods[periods["holder"] == holder]
        name = plotly_safe(holder)
        bars: dict[str, list] = {"x": [], "y": [], "width": [], "text": [], "customdata": []}
        for s0, e0, p, vehicle, basis in zip(
            rows["start"], rows["end"], rows["stake_pct"], rows["vehicle"], rows["basis"], strict=True
        ):
            pieces = bar_pieces(s0, e0, cuts)
            longest = max(pieces, key=lambda piece: piece[1] - piece[0])
            for a, b in pieces:
                bars["x"].append(a + (b - a) / 2)
                bars["y"].append(p)
                bars["width"].append((b - a).total_seconds() * 1000)
                bars["text"].append(bar_label(name, p) if (a, b) == longest else "")
                bars["customdata"].append(
                    [name, plotly_safe(vehicle), plotly_safe(basis), s0.date().isoformat(), e0.date().isoformat()]
                )
        fig.add_bar(
            name=name,
            **bars,
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"size": BAR_TEXT_PX, "color": text_color_on(colors[holder])},
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
            hovertemplate="<b>%{customdata[0]}</b>: %{y:.2f} %<br>via %{customdata[1]} · %{customdata[2]}"
            "<br>%{customdata[3]} to %{customdata[4]}<extra></extra>",
        )


def _marks(changes: pd.DataFrame | None, context: pd.DataFrame | None) -> list[tuple]:
    """(date, label lines as plain text, hover html, is_context) per marked date, in date order."""
    marks = []
    for frame, is_context in ((changes, False), (context, True)):
        if frame is not None:
            marks += [
                (r.date, change_label_lines("" if r.label != r.label else str(r.label)), wrap_text(r.detail, 60), is_context)
                for r in frame.itertuples(index=False)
            ]
    return sorted(marks, key=lambda m: m[0])


def _change_marks(fig: go.Figure, marks: list[tuple], x_lo: pd.Timestamp, x_hi: pd.Timestamp) -> int:
    """Dotted lines at the marked dates with labels in rows above the plot; returns the number of rows used."""
    levels = label_levels(
        [m[0] for m in marks],
        [max(map(len, m[1]), default=0) for m in marks],
        lines=[len(m[1]) for m in marks],
        lo=x_lo,
        hi=x_hi,
    )
    # Drawn from the top row down: an arrow up to a high label passes behind the labels below it.
    placed = sorted(zip(marks, levels, strict=True), key=lambda pair: -pair[1][0])
    for (day, lines, hover, is_context), (level, anchor) in placed:
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
            text="<br>".join(plotly_safe(line) for line in lines),
            hovertext=hover,
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=color,
            ax=0,
            ay=-(10 + LEVEL_PX * level),
            xanchor=anchor,
            yanchor="bottom",
            align=anchor,
            font={"size": 11, "color": "#8A3A00" if is_context else "#222222"},
            bgcolor="rgba(255,255,255,0.95)",
        )
    return max((level + len(m[1]) for m, (level, _) in zip(marks, levels, strict=True)), default=0)

"""Ownership charts: the split in force, funded shares, the split over time, rumoured stakes.

Pure builders: tidy frames in (see ``rekodiq.ownership_timeline``), ``go.Figure`` out.
Every dataset string is passed through ``plotly_safe`` before it reaches a label.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.ownership_timeline import pct_text
from rekodiq.text import plotly_safe
from rekodiq.theme import STATUS_COLORS, STATUS_PATTERNS

# Basis is shown by pattern and by the label text, never by colour alone.
BASIS_PATTERNS = {"contributing": "", "fully funded": "/", "free-carried": "x"}
SIDE_COLORS = {"Pakistan": "#009E73", "Barrick": "#0072B2"}
# Lighter tints for the nested levels of one side.
TINTS = {
    "#009E73": ("#009E73", "#4DBB9D", "#80CFB9", "#B3E2D5"),
    "#0072B2": ("#0072B2", "#4D9CC9", "#80B9D9", "#B3D5E8"),
}
OTHER_COLORS = ["#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]


def _wrap(text: object, width: int = 28) -> str:
    """Escape dataset text and wrap it onto short lines joined with <br>."""
    raw = "" if text is None or text != text else str(text)
    return "<br>".join(plotly_safe(line) for line in textwrap.wrap(raw, width)) or plotly_safe(raw)


def side_colors(sides: list[str], known: dict[str, str] | None = None) -> dict[str, str]:
    """Barrick blue, Pakistan green, other holders from ``known`` (e.g. the history chart's) or the palette."""
    colors, spare = {}, iter(OTHER_COLORS)
    for side in sides:
        colors[side] = SIDE_COLORS.get(side) or (known or {}).get(side) or next(spare, "#888888")
    return colors


def tints(color: str) -> tuple[str, str, str, str]:
    """The colour and three lighter tints of it (mixed with white) for nested levels."""
    if color in TINTS:
        return TINTS[color]
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [tuple(round(c + (255 - c) * f) for c in (r, g, b)) for f in (0.0, 0.3, 0.5, 0.7)]
    return tuple(f"#{x:02X}{y:02X}{z:02X}" for x, y, z in mix)  # type: ignore[return-value]


def build_ownership_split(
    stakes: pd.DataFrame, *, title: str = "Who owns Reko Diq", subtitle: str | None = None, colors: dict[str, str] | None = None
) -> go.Figure:
    """Treemap of the split in force: side (Barrick vs Pakistan) → vehicle → holder.

    ``stakes`` has the columns of ``ownership_timeline.split_on`` (``side, vehicle, holder,
    stake_pct, basis, basis_label, funded_share_pct``...). Leaves carry the stakes
    (``branchvalues="remainder"``, parents 0), so leaf values sum to the whole project. Leaf
    labels spell out the basis ("15 % fully funded") and the basis also sets the fill pattern.
    Node ids are "side/vehicle/holder" (escaped); ``customdata`` is ``[name, stake, basis,
    funded share, vehicle]`` with basis empty on the inner nodes. ``colors`` (holder -> hex) keeps
    sides other than Barrick and Pakistan in the colours of the history chart.
    """
    if stakes.empty:
        return empty_figure(title, "No stake was in force on this date.")
    sides = list(dict.fromkeys(stakes["side"]))
    colors = side_colors(sides, colors)
    ids, labels, parents, values, marker_colors, patterns, custom = [], [], [], [], [], [], []

    def node(node_id: str, label: str, parent: str, value: float, color: str, pattern: str, info: list[str]) -> None:
        ids.append(node_id)
        labels.append(label)
        parents.append(parent)
        values.append(value)
        marker_colors.append(color)
        patterns.append(pattern)
        custom.append(info)

    for side in sides:
        part = stakes[stakes["side"] == side]
        side_id = plotly_safe(side)
        side_total = float(part["stake_pct"].sum())
        shades = tints(colors[side])
        node(side_id, f"<b>{side_id}</b> · {pct_text(side_total)}", "", 0.0, shades[0], "",
             [side_id, pct_text(side_total), "", "", ""])
        vehicles = part.groupby("vehicle", sort=False)["stake_pct"].sum().sort_values(ascending=False, kind="stable").index
        for vehicle in vehicles:
            rows = part[part["vehicle"] == vehicle]
            vehicle_id = f"{side_id}/{plotly_safe(vehicle)}"
            vehicle_total = float(rows["stake_pct"].sum())
            node(vehicle_id, f"{plotly_safe(vehicle)} · {pct_text(vehicle_total)}", side_id, 0.0, shades[1], "",
                 [plotly_safe(vehicle), pct_text(vehicle_total), "", "", ""])
            for row in rows.itertuples(index=False):
                basis = str(row.basis)
                leaf_id = f"{vehicle_id}/{plotly_safe(row.holder)}"
                if leaf_id in ids:  # one holder with two stakes through the same vehicle
                    leaf_id = f"{leaf_id} ({plotly_safe(row.stake_id)})"
                node(
                    leaf_id,
                    f"<b>{plotly_safe(row.holder)}</b><br>{plotly_safe(row.basis_label)}",
                    vehicle_id,
                    float(row.stake_pct),
                    shades[3] if basis == "free-carried" else shades[2],
                    BASIS_PATTERNS.get(basis, "."),
                    [plotly_safe(row.holder), pct_text(row.stake_pct), plotly_safe(basis),
                     pct_text(row.funded_share_pct), plotly_safe(row.vehicle)],
                )
    fig = base_figure(title, subtitle, height=520)
    fig.add_trace(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="remainder", sort=False,
        textfont={"size": 15}, textposition="middle center", tiling={"pad": 3},
        marker={"colors": marker_colors, "pattern": {"shape": patterns, "fgcolor": "rgba(0,0,0,0.35)", "size": 14, "solidity": 0.12, "fillmode": "overlay"},
                "line": {"color": "white", "width": 2}, "pad": {"t": 26, "l": 5, "r": 5, "b": 5}},
        pathbar={"visible": False}, root={"color": "white"},
        customdata=custom,
        hovertemplate="<b>%{customdata[0]}</b><br>Stake: %{customdata[1]} %{customdata[2]}"
                      "<br>Share of paid-in equity: %{customdata[3]}<extra></extra>",
    ))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


def build_funded_shares(stakes: pd.DataFrame, *, title: str = "Stake in the project vs share of the equity actually paid in") -> go.Figure:
    """Paired horizontal bars per stake: share of the project (top) and share of paid-in equity.

    ``stakes`` as for :func:`build_ownership_split`. Free-carried stakes get a 0 bar and a
    "free-carried: pays nothing" label. The two measures differ in colour *and* pattern and
    every bar carries its value as text.
    """
    if stakes.empty:
        return empty_figure(title, "No stake was in force on this date.")
    rows = stakes.sort_values("stake_pct", ascending=True, kind="stable")
    names = [f"{plotly_safe(h)} · {'held directly' if v == 'held directly' else 'via ' + plotly_safe(v)}"
             for h, v in zip(rows["holder"], rows["vehicle"], strict=True)]
    fig = base_figure(title, "Percent; free-carried stakes are paid for by nobody, so the paying stakes share the whole equity bill",
                      height=max(300, 120 + 60 * len(rows)))
    funded = rows["funded_share_pct"].tolist()
    fig.add_bar(
        name="share of paid-in equity", y=names, x=funded, orientation="h",
        marker={"color": "#0072B2", "pattern": {"shape": "/", "fgcolor": "rgba(255,255,255,0.6)", "size": 7, "fillmode": "overlay"},
                "line": {"color": "#333333", "width": 0.6}},
        text=[("0 % (free-carried: pays nothing)" if b == "free-carried" else pct_text(v)) for v, b in zip(funded, rows["basis"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>Share of the paid-in equity: %{x:.2f} %<extra></extra>",
    )
    fig.add_bar(
        name="stake in the project", y=names, x=rows["stake_pct"].tolist(), orientation="h",
        marker={"color": "#B3D5E8", "line": {"color": "#333333", "width": 0.6}},
        text=[f"{pct_text(v)} {plotly_safe(b)}" for v, b in zip(rows["stake_pct"], rows["basis"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>Stake in the project: %{x:.2f} %<extra></extra>",
    )
    top = max(float(rows["stake_pct"].max()), max(funded) if funded else 0.0)
    fig.update_layout(barmode="group", bargap=0.28, legend={"orientation": "h", "y": -0.1, "x": 0, "traceorder": "reversed"},
                      margin={"l": 10, "r": 30, "b": 40})
    fig.update_xaxes(title=None, range=[0, top * 1.4], ticksuffix=" %")
    fig.update_yaxes(title=None, automargin=True)
    return fig


def text_color_on(fill: str) -> str:
    """Near-black or white, whichever reads better on the hex colour ``fill``."""
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
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


def label_levels(days: list[pd.Timestamp], chars: list[int], *, lo: pd.Timestamp, hi: pd.Timestamp,
                 plot_px: float = 650.0, char_px: float = 7.0) -> list[tuple[int, str]]:
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

    ``periods``: ``start, end, holder, side, stake_pct, vehicle, basis`` (``ownership_periods``).
    ``changes`` and ``context`` (optional): ``date, label, detail`` rows, the changes of the
    split (``ownership_changes``) and other events worth marking (e.g. a court ruling). Both are drawn as dotted lines with labels
    stacked above the plot so close dates never overlap; hovering a change label gives its
    detail. Each holder has its own colour, pattern and, where the bar is wide enough, a label.
    """
    if periods.empty:
        return empty_figure(title, "No stake in force in this period.")
    order = holder_order(periods)
    colors = holder_colors(periods, order)
    lo, hi = periods["start"].min(), periods["end"].max()
    span = max((hi - lo).days, 1)
    fig = base_figure(title, "Percent of the project; bar width = how long the split lasted; hover for vehicle and basis", height=600)
    avoid = [] if context is None else [pd.Timestamp(d) for d in context["date"]]
    base = {start: 0.0 for start in periods["start"].unique()}
    label_x, label_y, label_text, label_color = [], [], [], []
    for i, holder in enumerate(order):
        rows = periods[periods["holder"] == holder]
        starts, ends = rows["start"], rows["end"]
        mids = starts + (ends - starts) / 2
        widths = [(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)]
        label = plotly_safe(holder)
        for s0, e0, p in zip(starts, ends, rows["stake_pct"], strict=True):
            if (e0 - s0).days > span * 0.09 and p >= 7:
                x = s0 + (e0 - s0) / 2
                near = [d for d in avoid if s0 < d < e0 and abs((x - d).days) < span * 0.08]
                if near:  # keep the label clear of a context line: centre it in the longer side
                    d = near[0]
                    x = d + (e0 - d) / 2 if (e0 - d) >= (d - s0) else s0 + (d - s0) / 2
                label_x.append(x)
                label_y.append(base[s0] + p / 2)
                label_text.append(f"<b>{label}</b><br>{pct_text(p)}")
                label_color.append(text_color_on(colors[holder]))
            base[s0] += p
        fig.add_bar(
            name=label, x=mids.tolist(), y=rows["stake_pct"].tolist(), width=widths,
            marker={"color": colors[holder], "line": {"color": "white", "width": 1},
                    "pattern": {"shape": HOLDER_PATTERNS[i % len(HOLDER_PATTERNS)], "fgcolor": "rgba(255,255,255,0.45)",
                                "size": 10, "solidity": 0.15, "fillmode": "overlay"}},
            customdata=[[label, plotly_safe(v), plotly_safe(b), s.date().isoformat(), e.date().isoformat()]
                        for v, b, s, e in zip(rows["vehicle"], rows["basis"], starts, ends, strict=True)],
            hovertemplate="<b>%{customdata[0]}</b>: %{y:.2f} %<br>via %{customdata[1]} · %{customdata[2]}"
                          "<br>%{customdata[3]} to %{customdata[4]}<extra></extra>",
        )
    if label_x:
        fig.add_scatter(x=label_x, y=label_y, text=label_text, mode="text", showlegend=False, hoverinfo="skip",
                        textfont={"size": 12, "color": label_color}, name="labels")
    marks = []  # (date, label html, hover html, is_context)
    if changes is not None:
        marks += [(r.date, plotly_safe(r.label), _wrap(r.detail, 60), False) for r in changes.itertuples(index=False)]
    if context is not None:
        marks += [(r.date, plotly_safe(r.label), _wrap(r.detail, 60), True) for r in context.itertuples(index=False)]
    marks.sort(key=lambda m: m[0])
    x_lo, x_hi = lo - pd.Timedelta(days=120), hi + pd.Timedelta(days=120)
    levels = label_levels([m[0] for m in marks], [len(m[1]) for m in marks], lo=x_lo, hi=x_hi)
    step = 24  # pixels between label levels
    for (day, text, hover, is_context), (level, anchor) in zip(marks, levels, strict=True):
        color = "#D55E00" if is_context else "#444444"
        fig.add_shape(type="line", x0=day, x1=day, y0=0, y1=1, xref="x", yref="paper",
                      line={"color": color, "width": 2 if is_context else 1, "dash": "dash" if is_context else "dot"})
        fig.add_annotation(
            x=day, y=1, xref="x", yref="paper", text=text, hovertext=hover, showarrow=True, arrowhead=0, arrowwidth=1,
            arrowcolor=color, ax=0, ay=-(10 + step * level), xanchor=anchor, yanchor="bottom", align="left",
            font={"size": 11, "color": "#8A3A00" if is_context else "#222222"}, bgcolor="rgba(255,255,255,0.95)",
        )
    n_levels = max(level for level, _ in levels) + 1 if levels else 0
    fig.update_layout(barmode="stack", bargap=0, legend={"traceorder": "reversed", "title": {"text": "Holder"}},
                      margin={"t": 100 + step * n_levels}, height=560 + step * n_levels,
                      title={"y": 0.99, "yref": "container", "yanchor": "top"})
    fig.update_yaxes(title="percent of the project", range=[0, 100], ticksuffix=" %", dtick=25)
    fig.update_xaxes(type="date", range=[x_lo, x_hi])
    return fig


def build_rumoured_stakes(stakes: pd.DataFrame, *, title: str = "Reported, rumoured and proposed stakes: NOT part of the legal split") -> go.Figure:
    """Hatched bars for stakes that were only rumoured or proposed (``ownership_timeline.other_stakes``).

    Each bar is labelled with its status and the date it was first reported.
    """
    if stakes.empty:
        return empty_figure(title, "No rumoured or proposed stakes are recorded.")
    names = [plotly_safe(h) for h in stakes["holder"]]
    fig = base_figure(title, "Percent of the project that each report said would change hands; never in force",
                      height=max(220, 150 + 45 * len(stakes)))
    for status, rows in stakes.groupby("status", sort=False):
        status = str(status)
        fig.add_bar(
            name=plotly_safe(status),
            y=[plotly_safe(h) for h in rows["holder"]],
            x=rows["stake_pct"].tolist(),
            orientation="h",
            marker={"color": STATUS_COLORS.get(status, "#D9D9D9"),
                    "pattern": {"shape": STATUS_PATTERNS.get(status) or "x", "fgcolor": "#333333", "size": 7},
                    "line": {"color": "#333333", "width": 1}},
            text=[f"{pct_text(p)} · {plotly_safe(status)} · first reported {d}" for p, d in zip(rows["stake_pct"], rows["first_reported"], strict=True)],
            textposition="outside", cliponaxis=False,
            customdata=[[plotly_safe(v), plotly_safe(status)] for v in rows["stake_id"]],
            hovertemplate="<b>%{y}</b><br>%{x:.2f} % · %{customdata[1]}<br>stake %{customdata[0]}<extra></extra>",
        )
    fig.update_layout(barmode="group", bargap=0.45, showlegend=False, margin={"l": 10, "r": 30, "b": 40})
    fig.update_xaxes(title=None, range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(reversed(list(dict.fromkeys(names)))), automargin=True)
    return fig

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
from rekodiq.theme import PALETTE, STATUS_COLORS, STATUS_PATTERNS

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


def side_colors(sides: list[str]) -> dict[str, str]:
    """Barrick blue, Pakistan green, other holders (history) from the rest of the palette."""
    colors, spare = {}, iter(OTHER_COLORS)
    for side in sides:
        colors[side] = SIDE_COLORS.get(side) or next(spare, "#888888")
    return colors


def build_ownership_split(stakes: pd.DataFrame, *, title: str = "Who owns Reko Diq", subtitle: str | None = None) -> go.Figure:
    """Treemap of the split in force: side (Barrick vs Pakistan) → vehicle → holder.

    ``stakes`` has the columns of ``ownership_timeline.split_on`` (``side, vehicle, holder,
    stake_pct, basis, basis_label, funded_share_pct``...). Leaves carry the stakes
    (``branchvalues="remainder"``, parents 0), so leaf values sum to the whole project. Leaf
    labels spell out the basis ("15 % fully funded") and the basis also sets the fill pattern.
    Node ids are "side/vehicle/holder" (escaped); ``customdata`` is ``[name, stake, basis,
    funded share, vehicle]`` with basis empty on the inner nodes.
    """
    if stakes.empty:
        return empty_figure(title, "No stake was in force on this date.")
    sides = list(dict.fromkeys(stakes["side"]))
    colors = side_colors(sides)
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
        tints = TINTS.get(colors[side], (colors[side],) * 4)
        node(side_id, f"<b>{side_id}</b> · {pct_text(side_total)}", "", 0.0, tints[0], "",
             [side_id, pct_text(side_total), "", "", ""])
        vehicles = part.groupby("vehicle", sort=False)["stake_pct"].sum().sort_values(ascending=False, kind="stable").index
        for vehicle in vehicles:
            rows = part[part["vehicle"] == vehicle]
            vehicle_id = f"{side_id}/{plotly_safe(vehicle)}"
            vehicle_total = float(rows["stake_pct"].sum())
            node(vehicle_id, f"{plotly_safe(vehicle)} · {pct_text(vehicle_total)}", side_id, 0.0, tints[1], "",
                 [plotly_safe(vehicle), pct_text(vehicle_total), "", "", ""])
            for row in rows.itertuples(index=False):
                basis = str(row.basis)
                node(
                    f"{vehicle_id}/{plotly_safe(row.holder)}",
                    f"<b>{plotly_safe(row.holder)}</b><br>{plotly_safe(row.basis_label)}",
                    vehicle_id,
                    float(row.stake_pct),
                    "#FFFFFF" if basis == "free-carried" else tints[2],
                    BASIS_PATTERNS.get(basis, "."),
                    [plotly_safe(row.holder), pct_text(row.stake_pct), plotly_safe(basis),
                     pct_text(row.funded_share_pct), plotly_safe(row.vehicle)],
                )
    fig = base_figure(title, subtitle, height=520)
    fig.add_trace(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="remainder", sort=False,
        textfont={"size": 15}, textposition="middle center", tiling={"pad": 3},
        marker={"colors": marker_colors, "pattern": {"shape": patterns, "fgcolor": "rgba(0,0,0,0.28)", "size": 14, "solidity": 0.12},
                "line": {"color": "white", "width": 2}, "pad": {"t": 26, "l": 5, "r": 5, "b": 5}},
        pathbar={"visible": False}, root={"color": "white"},
        customdata=custom,
        hovertemplate="<b>%{customdata[0]}</b><br>Stake: %{customdata[1]} %{customdata[2]}"
                      "<br>Share of paid-in equity: %{customdata[3]}<extra></extra>",
    ))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


def build_funded_shares(stakes: pd.DataFrame, *, title: str = "Stake in the project vs share of the equity actually paid in") -> go.Figure:
    """Paired horizontal bars per stake: share of the project and share of paid-in equity.

    ``stakes`` as for :func:`build_ownership_split`. Free-carried stakes get a 0 bar and a
    "free-carried: pays nothing" label. The two measures differ in colour *and* pattern.
    """
    if stakes.empty:
        return empty_figure(title, "No stake was in force on this date.")
    rows = stakes.sort_values("stake_pct", ascending=True, kind="stable")
    names = [f"{plotly_safe(h)} ({plotly_safe(v)})" if v != "held directly" else f"{plotly_safe(h)} (held directly)"
             for h, v in zip(rows["holder"], rows["vehicle"], strict=True)]
    fig = base_figure(title, "Percent; free-carried stakes are not paid for by anyone, so the paying stakes share the whole equity bill",
                      height=max(300, 110 + 62 * len(rows)))
    fig.add_bar(
        name="stake in the project", y=names, x=rows["stake_pct"].tolist(), orientation="h",
        marker={"color": "#80B9D9", "line": {"color": "#333333", "width": 0.6}},
        text=[f"{pct_text(v)} {plotly_safe(b)}" for v, b in zip(rows["stake_pct"], rows["basis"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>Stake in the project: %{x:.2f} %<extra></extra>",
    )
    funded = rows["funded_share_pct"].tolist()
    fig.add_bar(
        name="share of paid-in equity", y=names, x=funded, orientation="h",
        marker={"color": "#0072B2", "pattern": {"shape": "/", "fgcolor": "white", "size": 7}, "line": {"color": "#333333", "width": 0.6}},
        text=[("0 % (free-carried: pays nothing)" if b == "free-carried" else pct_text(v)) for v, b in zip(funded, rows["basis"], strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>Share of the paid-in equity: %{x:.2f} %<extra></extra>",
    )
    top = max(float(rows["stake_pct"].max()), max(funded) if funded else 0.0)
    fig.update_layout(barmode="group", bargap=0.3, legend={"orientation": "h", "y": -0.12, "traceorder": "reversed"},
                      margin={"l": 10, "r": 30})
    fig.update_xaxes(title="percent", range=[0, top * 1.45], ticksuffix=" %")
    fig.update_yaxes(title=None, automargin=True)
    return fig


def holder_order(periods: pd.DataFrame) -> list[str]:
    """Stack order bottom-up: Pakistani holders first, then the others, each by first appearance."""
    first = periods.sort_values(["start", "stake_pct"], ascending=[True, False]).drop_duplicates("holder")
    pak = first[first["side"] == "Pakistan"]["holder"].tolist()
    rest = first[first["side"] != "Pakistan"]["holder"].tolist()
    return pak + rest


HOLDER_PATTERNS = ["", "/", ".", "\\", "x", "-", "|", "+"]


def build_ownership_history(
    periods: pd.DataFrame,
    changes: pd.DataFrame | None = None,
    context: pd.DataFrame | None = None,
    *,
    title: str = "Stakes in force since 1993, by holder",
) -> go.Figure:
    """Stacked step bars: each period between two changes is one bar as wide as the period.

    ``periods``: ``start, end, holder, side, stake_pct, vehicle, basis`` (``ownership_periods``).
    ``changes``: ``date, label, detail`` (``ownership_changes``), drawn as labelled ticks above
    the plot, staggered so close dates do not overlap. ``context``: optional ``date, label``
    rows (e.g. a court ruling) drawn as dotted lines. Each holder has its own colour, pattern
    and, where the bar is wide enough, a text label.
    """
    if periods.empty:
        return empty_figure(title, "No stake in force in this period.")
    order = holder_order(periods)
    pak = [h for h in order if (periods.loc[periods["holder"] == h, "side"] == "Pakistan").any()]
    pak_tints = ["#009E73", "#4DBB9D", "#80CFB9", "#B3E2D5"]
    other = [c for c in PALETTE if c not in ("#009E73", "#F0E442", "#000000")] + ["#999999", "#F0E442"]
    colors: dict[str, str] = {}
    for i, h in enumerate(pak):
        colors[h] = pak_tints[i % len(pak_tints)]
    spare = iter(other)
    for h in order:
        if h not in colors:
            colors[h] = "#0072B2" if h == "Barrick" else next(spare, "#888888")
            if colors[h] == "#0072B2" and h != "Barrick":
                colors[h] = next(spare, "#888888")
    span = (periods["end"].max() - periods["start"].min()).days or 1
    fig = base_figure(title, "Percent of the project; bar width = how long the split lasted; hover for vehicle and basis", height=560)
    for i, holder in enumerate(order):
        rows = periods[periods["holder"] == holder]
        starts, ends = rows["start"], rows["end"]
        mids = starts + (ends - starts) / 2
        widths = [(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)]
        label = plotly_safe(holder)
        texts = [f"{label} {pct_text(p)}" if (e - s).days > span * 0.09 and p >= 7 else ""
                 for s, e, p in zip(starts, ends, rows["stake_pct"], strict=True)]
        fig.add_bar(
            name=label, x=mids.tolist(), y=rows["stake_pct"].tolist(), width=widths,
            marker={"color": colors[holder], "line": {"color": "white", "width": 0.8},
                    "pattern": {"shape": HOLDER_PATTERNS[i % len(HOLDER_PATTERNS)], "fgcolor": "rgba(0,0,0,0.45)", "size": 8, "solidity": 0.2}},
            text=texts, textposition="inside", insidetextanchor="middle", textangle=0, textfont={"size": 12},
            constraintext="none",
            customdata=[[label, plotly_safe(v), plotly_safe(b), s.date().isoformat(), e.date().isoformat()]
                        for v, b, s, e in zip(rows["vehicle"], rows["basis"], starts, ends, strict=True)],
            hovertemplate="<b>%{customdata[0]}</b>: %{y:.2f} %<br>via %{customdata[1]} · %{customdata[2]}"
                          "<br>%{customdata[3]} to %{customdata[4]}<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0, legend={"traceorder": "reversed", "title": {"text": "Holder"}},
                      margin={"t": 170})
    fig.update_yaxes(title="percent of the project", range=[0, 100], ticksuffix=" %", dtick=25)
    fig.update_xaxes(type="date", range=[periods["start"].min() - pd.Timedelta(days=120), periods["end"].max() + pd.Timedelta(days=120)])
    if changes is not None and len(changes):
        last, level = None, 0
        for row in changes.sort_values("date").itertuples(index=False):
            level = level + 1 if last is not None and (row.date - last).days < span * 0.12 else 0
            last = row.date
            fig.add_shape(type="line", x0=row.date, x1=row.date, y0=0, y1=1.0 + 0.035 + 0.085 * level, xref="x", yref="paper",
                          line={"color": "#444444", "width": 1, "dash": "dot"})
            fig.add_annotation(
                x=row.date, y=1.0 + 0.035 + 0.085 * level, xref="x", yref="paper", text=_wrap(row.label, 34), showarrow=False,
                xanchor="left", yanchor="bottom", align="left", font={"size": 11}, bgcolor="rgba(255,255,255,0.9)",
                hovertext=_wrap(row.detail, 60),
            )
    if context is not None and len(context):
        for row in context.itertuples(index=False):
            fig.add_shape(type="line", x0=row.date, x1=row.date, y0=0, y1=1, xref="x", yref="paper",
                          line={"color": "#D55E00", "width": 2, "dash": "dash"})
            fig.add_annotation(x=row.date, y=0.5, xref="x", yref="paper", text=_wrap(row.label, 24), showarrow=False,
                               xanchor="left", xshift=4, align="left", font={"size": 11, "color": "#222222"},
                               bgcolor="rgba(255,255,255,0.85)", bordercolor="#D55E00", borderwidth=1)
    return fig


def build_rumoured_stakes(stakes: pd.DataFrame, *, title: str = "Reported, rumoured and proposed stakes: NOT part of the legal split") -> go.Figure:
    """Hatched bars for stakes that were only rumoured or proposed (``ownership_timeline.other_stakes``).

    Each bar is labelled with its status and the date it was first reported.
    """
    if stakes.empty:
        return empty_figure(title, "No rumoured or proposed stakes are recorded.")
    names = [plotly_safe(h) for h in stakes["holder"]]
    fig = base_figure(title, "Percent of the project that each report said would change hands; never in force",
                      height=max(240, 150 + 50 * len(stakes)))
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
    fig.update_layout(barmode="group", showlegend=False, margin={"l": 10, "r": 30})
    fig.update_xaxes(title="percent of the project", range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(reversed(list(dict.fromkeys(names)))), automargin=True)
    return fig

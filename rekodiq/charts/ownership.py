"""Ownership charts: the split in force, funded shares, rumoured stakes (history: ``ownership_history``).

Pure builders: tidy frames in (see ``rekodiq.ownership``), ``go.Figure`` out.
Every dataset string is passed through ``plotly_safe`` before it reaches a label.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure, labels_above
from rekodiq.format import pct_text
from rekodiq.text import plotly_safe
from rekodiq.vocabulary import BASIS_PATTERNS, FREE_CARRIED, STATUS_COLORS, STATUS_PATTERNS

SIDE_COLORS = {"Pakistan": "#009E73", "Barrick": "#0072B2"}
# Lighter tints for the nested levels of one side.
TINTS = {
    "#009E73": ("#009E73", "#4DBB9D", "#80CFB9", "#B3E2D5"),
    "#0072B2": ("#0072B2", "#4D9CC9", "#80B9D9", "#B3D5E8"),
}
OTHER_COLORS = ["#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"]


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
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    mix = [tuple(round(c + (255 - c) * f) for c in (r, g, b)) for f in (0.0, 0.3, 0.5, 0.7)]
    return tuple(f"#{x:02X}{y:02X}{z:02X}" for x, y, z in mix)  # type: ignore[return-value]


def _treemap_nodes(stakes: pd.DataFrame, colors: dict[str, str]) -> dict[str, list]:
    """Treemap node lists (ids, labels, parents, values, colors, patterns, custom): side -> vehicle -> holder."""
    nodes: dict[str, list] = {k: [] for k in ("ids", "labels", "parents", "values", "colors", "patterns", "custom")}

    def node(node_id: str, label: str, parent: str, value: float, color: str, pattern: str, info: list[str]) -> None:
        for k, v in zip(nodes, (node_id, label, parent, value, color, pattern, info), strict=True):
            nodes[k].append(v)

    for side in dict.fromkeys(stakes["side"]):
        part = stakes[stakes["side"] == side]
        side_id = plotly_safe(side)
        side_total = float(part["stake_pct"].sum())
        shades = tints(colors[side])
        node(
            side_id,
            f"<b>{side_id}</b> · {pct_text(side_total)}",
            "",
            0.0,
            shades[0],
            "",
            [side_id, pct_text(side_total), "", "", ""],
        )
        vehicles = part.groupby("vehicle", sort=False)["stake_pct"].sum().sort_values(ascending=False, kind="stable").index
        for vehicle in vehicles:
            rows = part[part["vehicle"] == vehicle]
            vehicle_id = f"{side_id}/{plotly_safe(vehicle)}"
            vehicle_total = float(rows["stake_pct"].sum())
            node(
                vehicle_id,
                f"{plotly_safe(vehicle)} · {pct_text(vehicle_total)}",
                side_id,
                0.0,
                shades[1],
                "",
                [plotly_safe(vehicle), pct_text(vehicle_total), "", "", ""],
            )
            for row in rows.itertuples(index=False):
                basis = str(row.basis)
                leaf_id = f"{vehicle_id}/{plotly_safe(row.holder)}"
                if leaf_id in nodes["ids"]:  # one holder with two stakes through the same vehicle
                    leaf_id = f"{leaf_id} ({plotly_safe(row.stake_id)})"
                node(
                    leaf_id,
                    f"<b>{plotly_safe(row.holder)}</b><br>{plotly_safe(row.basis_label)}",
                    vehicle_id,
                    float(row.stake_pct),
                    shades[3] if basis == FREE_CARRIED else shades[2],
                    BASIS_PATTERNS.get(basis, "."),
                    [
                        plotly_safe(row.holder),
                        pct_text(row.stake_pct),
                        plotly_safe(basis),
                        pct_text(row.funded_share_pct),
                        plotly_safe(row.vehicle),
                    ],
                )
    return nodes


def build_ownership_split(
    stakes: pd.DataFrame, *, title: str = "Who owns Reko Diq", subtitle: str | None = None, colors: dict[str, str] | None = None
) -> go.Figure:
    """Treemap of the split in force: side (Barrick vs Pakistan) → vehicle → holder.

    ``stakes`` has the columns of ``ownership.split_on`` (``side, vehicle, holder,
    stake_pct, basis, basis_label, funded_share_pct``...). Leaves carry the stakes
    (``branchvalues="remainder"``, parents 0), so leaf values sum to the whole project. Leaf
    labels spell out the basis ("15 % fully funded") and the basis also sets the fill pattern.
    Node ids are "side/vehicle/holder" (escaped); ``customdata`` is ``[name, stake, basis,
    funded share, vehicle]`` with basis empty on the inner nodes. ``colors`` (holder -> hex) keeps
    sides other than Barrick and Pakistan in the colours of the history chart.
    """
    if stakes.empty:
        return empty_figure(title, "No stake was in force on this date.")
    nodes = _treemap_nodes(stakes, side_colors(list(dict.fromkeys(stakes["side"])), colors))
    fig = base_figure(title, subtitle, height=520)
    fig.add_trace(
        go.Treemap(
            ids=nodes["ids"],
            labels=nodes["labels"],
            parents=nodes["parents"],
            values=nodes["values"],
            branchvalues="remainder",
            sort=False,
            textfont={"size": 15},
            textposition="middle center",
            tiling={"pad": 3},
            marker={
                "colors": nodes["colors"],
                "pattern": {
                    "shape": nodes["patterns"],
                    "fgcolor": "rgba(0,0,0,0.35)",
                    "size": 14,
                    "solidity": 0.12,
                    "fillmode": "overlay",
                },
                "line": {"color": "white", "width": 2},
                "pad": {"t": 26, "l": 5, "r": 5, "b": 5},
            },
            pathbar={"visible": False},
            root={"color": "white"},
            customdata=nodes["custom"],
            hovertemplate="<b>%{customdata[0]}</b><br>Stake: %{customdata[1]} %{customdata[2]}"
            "<br>Share of paid-in equity: %{customdata[3]}<extra></extra>",
        )
    )
    fig.update_layout(margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


def _stake_names(rows: pd.DataFrame) -> list[str]:
    """ "Holder · via vehicle" (or "· held directly") per stake, escaped."""
    return [
        f"{plotly_safe(h)} · {'held directly' if v == 'held directly' else 'via ' + plotly_safe(v)}"
        for h, v in zip(rows["holder"], rows["vehicle"], strict=True)
    ]


def build_funded_shares(stakes: pd.DataFrame, *, title: str = "Stake vs share of the equity paid in") -> go.Figure:
    """Paired horizontal bars per stake: share of the project (top) and share of paid-in equity.

    ``stakes`` as for :func:`build_ownership_split`. Free-carried stakes get a 0 bar and a
    "free-carried: pays nothing" label. The two measures differ in colour *and* pattern and
    every bar carries its value as text.
    """
    if stakes.empty:
        return empty_figure(title, "No stake was in force on this date.")
    rows = stakes.sort_values("stake_pct", ascending=True, kind="stable")
    names = _stake_names(rows)
    fig = base_figure(
        title,
        "Percent; free-carried stakes are paid for by nobody, so the paying stakes share the whole equity bill",
        height=max(300, 170 + 72 * len(rows)),
    )
    funded = rows["funded_share_pct"].tolist()
    fig.add_bar(
        name="share of paid-in equity",
        y=names,
        x=funded,
        orientation="h",
        marker={
            "color": "#0072B2",
            "pattern": {"shape": "/", "fgcolor": "rgba(255,255,255,0.6)", "size": 7, "fillmode": "overlay"},
            "line": {"color": "#333333", "width": 0.6},
        },
        text=[
            ("0 % (free-carried: pays nothing)" if b == FREE_CARRIED else pct_text(v))
            for v, b in zip(funded, rows["basis"], strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>Share of the paid-in equity: %{x:.2f} %<extra></extra>",
    )
    fig.add_bar(
        name="stake in the project",
        y=names,
        x=rows["stake_pct"].tolist(),
        orientation="h",
        marker={"color": "#B3D5E8", "line": {"color": "#333333", "width": 0.6}},
        text=[f"{pct_text(v)} {plotly_safe(b)}" for v, b in zip(rows["stake_pct"], rows["basis"], strict=True)],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="<b>%{y}</b><br>Stake in the project: %{x:.2f} %<extra></extra>",
    )
    top = max(float(rows["stake_pct"].max()), max(funded) if funded else 0.0)
    fig.update_layout(
        barmode="group",
        bargap=0.4,
        legend={"orientation": "h", "y": -0.1, "x": 0, "traceorder": "reversed"},
        margin={"l": 10, "r": 30, "b": 40},
    )
    # Room right of the longest bar for its text ("50 % contributing") on a phone as well.
    fig.update_xaxes(title=None, range=[0, top * 1.7], ticksuffix=" %")
    fig.update_yaxes(title=None, automargin=True)
    # Holder names above their pair of bars (a click on a bar still filters by the holder).
    # Category k's pair of bars spans k +- (1 - bargap) / 2; the range leaves room above the top one.
    labels_above(fig, [k + 0.3 for k in range(len(names))], names, shift=2)
    fig.update_yaxes(range=[-0.5, len(names) - 0.5 + 0.35])
    return fig


def build_rumoured_stakes(
    stakes: pd.DataFrame, *, title: str = "Rumoured and proposed stakes:<br>NOT part of the legal split"
) -> go.Figure:
    """Hatched bars for stakes that were only rumoured or proposed (``ownership.other_stakes``).

    Each bar is labelled with its status and the date it was first reported.
    """
    if stakes.empty:
        return empty_figure(title, "No rumoured or proposed stakes are recorded.")
    names = [plotly_safe(h) for h in stakes["holder"]]
    fig = base_figure(
        title,
        "Percent of the project that each report said would change hands; never in force",
        height=max(220, 150 + 45 * len(stakes)),
    )
    for status, rows in stakes.groupby("status", sort=False):
        status = str(status)
        fig.add_bar(
            name=plotly_safe(status),
            y=[plotly_safe(h) for h in rows["holder"]],
            x=rows["stake_pct"].tolist(),
            orientation="h",
            marker={
                "color": STATUS_COLORS.get(status, "#D9D9D9"),
                "pattern": {"shape": STATUS_PATTERNS.get(status) or "x", "fgcolor": "#333333", "size": 7},
                "line": {"color": "#333333", "width": 1},
            },
            text=[
                f"{pct_text(p)} · {plotly_safe(status)}<br>first reported {d}"  # two lines fit a phone
                for p, d in zip(rows["stake_pct"], rows["first_reported"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=[[plotly_safe(v), plotly_safe(status)] for v in rows["stake_id"]],
            hovertemplate="<b>%{y}</b><br>%{x:.2f} % · %{customdata[1]}<br>stake %{customdata[0]}<extra></extra>",
        )
    fig.update_layout(barmode="group", bargap=0.45, showlegend=False, margin={"l": 10, "r": 30, "b": 40})
    fig.update_xaxes(title=None, range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=list(reversed(list(dict.fromkeys(names)))), automargin=True)
    return fig

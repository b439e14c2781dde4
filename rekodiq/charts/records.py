"""Charts of the record pages: each claim's status up the ladder over time, and one claim group's versions."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.format import usd_m
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE
from rekodiq.vocabulary import STATUS_LADDER, STATUS_SYMBOLS

LADDER_TICKS = {"tickvals": [0, *range(1, len(STATUS_LADDER) + 1)], "ticktext": ["lapsed", *STATUS_LADDER]}


def _hover(rows: pd.DataFrame) -> list[list[str]]:
    return [
        [plotly_safe(c), plotly_safe(s), plotly_safe(e, 120), usd_m(a) if pd.notna(a) else "amount not stated"]
        for c, s, e, a in zip(rows["claim_id"], rows["status"], rows["event"], rows["amount_usd"], strict=True)
    ]


HOVER = "<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{x|%Y-%m-%d}: %{customdata[2]}<br>%{customdata[3]}<extra></extra>"


def build_ladder_steps(steps: pd.DataFrame, *, title: str) -> go.Figure:
    """One step line per claim group: x the date, y the rung reached (rumoured 1 ... disbursed 6, lapsed 0).

    ``steps`` is ``records.ladder_steps``: the line follows the versions' status dates (``event ==
    "status"``); first reports and linked milestones are open markers on the same line. Line dash
    and marker shape differ per group, so groups never rest on colour alone.
    """
    if steps.empty:
        return empty_figure(title, "No dated steps for these claims.")
    groups = list(dict.fromkeys(steps["claim_group"]))
    fig = base_figure(
        title, "Status of each commitment over time; ● status of a version, ○ first report or milestone", height=420
    )
    dashes = ("solid", "dash", "dot", "dashdot", "longdash")
    for i, group in enumerate(groups):
        rows = steps[steps["claim_group"] == group]
        color = PALETTE[i % len(PALETTE)]
        status = rows[rows["event"] == "status"]
        other = rows[rows["event"] != "status"]
        name = plotly_safe(f"{group} ({rows['project'].iloc[0]})", 80)
        fig.add_scatter(
            name=name,
            legendgroup=name,
            x=status["date"].tolist(),
            y=status["rung"].tolist(),
            mode="lines+markers",
            line={"shape": "hv", "color": color, "dash": dashes[i % len(dashes)], "width": 2.5},
            marker={"size": 10, "symbol": [STATUS_SYMBOLS.get(s, "circle") for s in status["status"]], "color": color},
            customdata=_hover(status),
            hovertemplate=HOVER,
        )
        if len(other):
            fig.add_scatter(
                name=name,
                legendgroup=name,
                showlegend=False,
                x=other["date"].tolist(),
                y=other["rung"].tolist(),
                mode="markers",
                marker={"size": 9, "symbol": "circle-open", "color": color, "line": {"width": 2}},
                customdata=_hover(other),
                hovertemplate=HOVER,
            )
    fig.update_yaxes(range=[-0.5, len(STATUS_LADDER) + 0.5], title=None, **LADDER_TICKS)
    fig.update_xaxes(title=None, type="date")
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return fig


def build_claim_versions(versions: pd.DataFrame, *, title: str, selected: str) -> go.Figure:
    """Every version of one claim group on a timeline (x status date, y amount), labelled with its source.

    ``versions`` is ``records.group_versions`` with a ``source_label`` column. The counted version
    is a filled diamond, the others open circles; ``selected`` (the page's claim) is ringed.
    Versions without an amount sit on the axis at 0 and say "amount not stated".
    """
    rows = versions.dropna(subset=["status_date"])
    if rows.empty:
        return empty_figure(title, "No dated versions.")
    fig = base_figure(title, "Each version by status date and amount; ◆ counted in totals, ○ other versions", height=420)
    amounts = rows["amount_usd"].fillna(0.0)
    for counted, name, symbol, color in (
        (True, "counted in totals", "diamond", "#0072B2"),
        (False, "not counted", "circle-open", "#D55E00"),
    ):
        part = rows[rows["counts_in_totals"] == counted]
        if part.empty:
            continue
        fig.add_scatter(
            name=name,
            x=part["status_date"].tolist(),
            y=amounts[part.index].tolist(),
            mode="markers+text",
            text=[plotly_safe(c) for c in part["claim_id"]],
            textposition="top center",
            marker={
                "symbol": symbol,
                "size": [18 if c == selected else 13 for c in part["claim_id"]],
                "color": color,
                "line": {
                    "width": [4 if c == selected else 2 for c in part["claim_id"]],
                    "color": "#000000" if counted else color,
                },
            },
            customdata=[
                [
                    plotly_safe(c),
                    plotly_safe(s),
                    plotly_safe(src, 120),
                    usd_m(a) if pd.notna(a) else "amount not stated",
                    plotly_safe(r),
                ]
                for c, s, src, a, r in zip(
                    part["claim_id"], part["status"], part["source_label"], part["amount_usd"], part["role"], strict=True
                )
            ],
            hovertemplate="<b>%{customdata[0]}</b> · %{customdata[1]} · %{customdata[4]}<br>%{x|%Y-%m-%d}: %{customdata[3]}"
            "<br>%{customdata[2]}<extra></extra>",
        )
    fig.update_yaxes(title="USD millions", rangemode="tozero")
    fig.update_xaxes(title="Status date", type="date")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig

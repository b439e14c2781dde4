"""The capital stack as reported beside the same stack under a reader's scenario."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.charts.funding import EQUITY_COLORS, GAP_LINE, fixed_stack_color
from rekodiq.format import usd_m
from rekodiq.text import plotly_safe

AS_REPORTED, SCENARIO = "As reported", "Scenario"


def _color(row, equity_colors: dict[str, str]) -> str:
    """The funding chart's stack colours; one warm colour per equity component across both bars."""
    return fixed_stack_color(row) or equity_colors.setdefault(
        row.component, EQUITY_COLORS[len(equity_colors) % len(EQUITY_COLORS)]
    )


def build_scenario_stack(stacks: pd.DataFrame, *, title: str) -> go.Figure:
    """Two capital stacks on shared rows: "Debt · As reported", "Debt · Scenario", and so on.

    ``stacks`` is ``claims.capital_stack`` rows with a ``case`` column (AS_REPORTED or
    SCENARIO). Gaps are white with an orange hatch; the scenario rows carry the word "Scenario"
    on the axis, in every hover label and in the title, so they cannot be read as reported.
    A component shows in the legend once (its first appearance).
    """
    if stacks.empty:
        return empty_figure(title)
    fig = base_figure(title, "USD millions; hatched = not yet committed; Scenario rows add the picked pending claims", height=520)
    equity_colors: dict[str, str] = {}
    seen: set[str] = set()
    for row in stacks.itertuples(index=False):
        gap = row.kind == "gap"
        name = plotly_safe(row.component)
        color = _color(row, equity_colors)
        fig.add_bar(
            name=name,
            legendgroup=name,
            showlegend=name not in seen,
            y=[f"{row.block} · {row.case}" if row.kind != "target" else row.block],
            x=[row.amount_usd],
            orientation="h",
            marker={
                "color": color,
                "pattern": {"shape": "/" if gap else "", "fgcolor": GAP_LINE, "size": 8},
                "line": {"color": GAP_LINE if gap else "#FFFFFF", "width": 1.5 if gap else 1},
            },
            text=[usd_m(row.amount_usd) if row.amount_usd >= 500 else ""],
            textposition="inside",
            customdata=[[name, row.case]],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: USD %{x:,.0f} m<extra></extra>",
        )
        seen.add(name)
    order = ["Requirement"] + [f"{block} · {case}" for block in ("Equity", "Debt") for case in (SCENARIO, AS_REPORTED)]
    present = {f"{r.block} · {r.case}" if r.kind != "target" else r.block for r in stacks.itertuples(index=False)}
    fig.update_yaxes(categoryorder="array", categoryarray=[c for c in order if c in present], title=None)
    fig.update_xaxes(title="USD millions", rangemode="tozero")
    fig.update_layout(barmode="stack", bargap=0.3, uniformtext={"minsize": 10, "mode": "hide"}, legend={"x": 1.02, "y": 1})
    return fig

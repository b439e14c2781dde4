"""Deal velocity: days from first report to a step, Reko Diq's commitments beside the same lenders' peer deals."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.text import plotly_safe
from rekodiq.vocabulary import REKO_DIQ

SCOPE_STYLE = {REKO_DIQ: ("#D55E00", ""), "peer deals": ("#0072B2", "")}
OPEN_PATTERN = "/"


def _label(row) -> str:
    return plotly_safe(f"{row.financier} · {row.claim_group}", 80)


def _add_bars(fig: go.Figure, part: pd.DataFrame, labels: list[str], scope: str, color: str, is_open: bool) -> None:
    """One scope's completed (filled) or open (hatched, ending in an arrow) bars."""
    name = f"{scope}{' (still running)' if is_open else ''}"
    fig.add_bar(
        name=name,
        y=[labels[i] for i in part.index],
        x=part["days"].tolist(),
        orientation="h",
        marker={
            "color": "#FFFFFF" if is_open else color,
            "pattern": {"shape": OPEN_PATTERN if is_open else "", "fgcolor": color, "size": 7},
            "line": {"color": color, "width": 1.5},
        },
        customdata=[[plotly_safe(c), plotly_safe(p, 80)] for c, p in zip(part["claim_ids"], part["project"], strict=True)],
        hovertemplate="<b>%{y}</b><br>%{x:,.0f} days"
        + (" so far (still running)" if is_open else "")
        + "<br>%{customdata[1]}<br>claims %{customdata[0]}<extra></extra>",
    )
    if is_open:
        fig.add_scatter(
            x=part["days"].tolist(),
            y=[labels[i] for i in part.index],
            mode="markers",
            marker={"symbol": "triangle-right", "size": 12, "color": color},
            showlegend=False,
            hoverinfo="skip",
        )


def _add_medians(fig: go.Figure, rows: pd.DataFrame) -> None:
    """A black tick at each lender's median per scope, on that lender's row of the scope."""
    medians = rows.dropna(subset=["median_days"]).drop_duplicates(["financier", "scope"])
    if len(medians):
        first = {(r.financier, r.scope): _label(r) for r in rows.itertuples(index=False)}
        fig.add_scatter(
            name="median (completed)",
            x=medians["median_days"].tolist(),
            y=[first[(f, s)] for f, s in zip(medians["financier"], medians["scope"], strict=True)],
            mode="markers",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#000000"}},
            customdata=[[plotly_safe(f), plotly_safe(s)] for f, s in zip(medians["financier"], medians["scope"], strict=True)],
            hovertemplate="Median of %{customdata[0]} (%{customdata[1]}): %{x:,.0f} days<extra></extra>",
        )


def build_velocity(rows: pd.DataFrame, *, step_label: str, title: str) -> go.Figure:
    """Horizontal bars of days from first report to ``step_label``, one per commitment, grouped by lender.

    ``rows`` is ``velocity.comparison``. Reko Diq's commitments are orange, peer deals blue; an
    open step (not reached yet) is a hatched bar to today ending in an arrow and named "still
    running"; a black tick marks each lender's median per scope (completed steps only).
    """
    if rows.empty:
        return empty_figure(title, "No lender has both a Reko Diq commitment and dated peer deals here.")
    labels = [_label(r) for r in rows.itertuples(index=False)]
    fig = base_figure(
        title,
        f"Days from first report to {step_label}; hatched bar ending in ▶ = still running (days so far)",
        height=max(380, 120 + 26 * len(rows)),
    )
    for scope, (color, _) in SCOPE_STYLE.items():
        for is_open in (False, True):
            mask = (rows["scope"] == scope) & (rows["open"] == is_open)
            part = rows[mask]
            if part.empty:
                continue
            _add_bars(fig, part, labels, scope, color, is_open)
    _add_medians(fig, rows)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(list(dict.fromkeys(labels)))), title=None)
    fig.update_xaxes(title="Days", rangemode="tozero")
    fig.update_layout(barmode="overlay", legend={"orientation": "h", "y": -0.12})
    return fig

"""A claim's history: its versions across releases and its claim group's other versions on one date axis.

Pure builder: ``curation.claim_history`` rows in, ``go.Figure`` out. Each point is one
version of a claim at the date of the release that first held it, one row per claim; the
chosen claim's versions are joined by a line, the hover names status, amount and source.
Every dataset string goes through ``plotly_safe``.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rekodiq.charts.common import base_figure, empty_figure
from rekodiq.text import plotly_safe
from rekodiq.theme import PALETTE

TITLE = "Versions of this claim and of its claim group"
ROLE_STYLES = {"this claim": ("diamond", 0), "same group": ("circle-open", 3)}


def _labels(rows: pd.DataFrame) -> list[str]:
    out = []
    for row in rows.itertuples(index=False):
        amount = f"USD {row.amount_usd} m" if row.amount_usd else "no amount"
        counted = "counted" if row.counts_in_totals == "True" else "not counted"
        out.append(
            f"{plotly_safe(row.claim_id)} in release {plotly_safe(row.version)}<br>{plotly_safe(row.status)} "
            f"({plotly_safe(row.status_date)}), {amount}, "
            f"{counted}<br>source: {plotly_safe(row.source, 80)}"
        )
    return out


def build_claim_history(history: pd.DataFrame) -> go.Figure:
    """The history rows on a date axis (status date), one row per claim, the chosen claim's versions joined."""
    if history.empty:
        return empty_figure(TITLE, "This claim is in no release yet.")
    fig = base_figure(
        TITLE,
        "Each point is a version, at the date of the release that first held it",
        height=220 + 28 * history["claim_id"].nunique(),
    )
    for role, (symbol, colour) in ROLE_STYLES.items():
        rows = history[history["role"] == role]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(rows["released"]),
                y=[plotly_safe(c) for c in rows["claim_id"]],
                mode="lines+markers" if role == "this claim" else "markers",
                marker={"symbol": symbol, "size": 13, "color": PALETTE[colour]},
                name=role,
                hovertext=_labels(rows),
                hoverinfo="text",
            )
        )
    fig.update_yaxes(title=None, type="category")
    ticks = history.drop_duplicates("released").sort_values("released")
    fig.update_xaxes(
        title="release",
        tickvals=list(pd.to_datetime(ticks["released"])),
        ticktext=[f"{plotly_safe(v)}<br>{d}" for v, d in zip(ticks["version"], ticks["released"], strict=True)],
    )
    return fig

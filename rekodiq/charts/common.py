"""Helpers shared by the chart builders: titles, number formats, empty states."""

from __future__ import annotations

import plotly.graph_objects as go

from rekodiq.theme import TEMPLATE_NAME, register_template

register_template()


def usd_m(value: float | None) -> str:
    """USD millions as text: 1250 -> 'USD 1.25 bn', 410 -> 'USD 410 m'."""
    if value is None or value != value:
        return "n/a"
    if abs(value) >= 1000:
        return f"USD {value / 1000:,.2f}".rstrip("0").rstrip(".") + " bn"
    return f"USD {value:,.0f} m"


def base_figure(title: str, subtitle: str | None = None, height: int = 460) -> go.Figure:
    """An empty figure with the house template and a title (subtitle in smaller type).

    Titles are written in code; callers pass no dataset text here.
    """
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE_NAME,
        height=height,
        title={"text": title, "subtitle": {"text": subtitle or ""}},
    )
    return fig


def empty_figure(title: str, message: str = "Nothing matches the current filters.") -> go.Figure:
    """A figure that says it is empty instead of drawing blank axes."""
    fig = base_figure(title, height=260)
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 15})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig

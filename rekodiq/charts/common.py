"""Helpers shared by the chart builders: the house figure and the empty state.

Number and date wording lives in ``rekodiq.format``.
"""

from __future__ import annotations

import plotly.graph_objects as go

from rekodiq.theme import TEMPLATE_NAME, register_template

register_template()


# Legends sit under the plot, left-aligned and wrapping: on a phone a legend beside the plot
# squeezes it to a sliver, and one inside the plot covers data.
LEGEND_BELOW = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.2, "yanchor": "top"}
LEGEND_ABOVE = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}


def wrap_words(text: str, width: int = 48) -> str:
    """``text`` broken into lines of about ``width`` characters with <br> (for annotations; escape first)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


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

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


SUBTITLE_CHARS = 56  # about what a 390 px phone shows of a subtitle in one line


def wrap_words(text: str, width: int = 48) -> str:
    """``text`` broken into lines of about ``width`` characters with <br> (for annotations; escape first)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def labels_above(fig: go.Figure, values: list, texts: list[str], *, shift: int, yref: str = "y", size: int = 12) -> None:
    """Row labels drawn just above their rows, flush left over the plot, instead of as y tick labels.

    Beside the plot, long labels ("Government of Pakistan (for BMRL) · equity") took two thirds
    of a phone's width; above the rows the plot keeps the whole width at every size. ``values``
    are the rows' y values (categories or numbers) on axis ``yref``, ``texts`` their labels
    (already escaped); ``shift`` (px) lifts a label clear of its row's bar or marker, so rows
    need about ``2 * shift + 16`` px. The y values stay what hover cards and clicks report.
    """
    fig.update_layout({f"yaxis{yref[1:]}": {"showticklabels": False, "ticks": ""}})
    font = {"size": size, "color": "#222222"}
    labels = [
        {
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": value,
            "yref": yref,
            "yanchor": "bottom",
            "yshift": shift,
            "text": text,
            "showarrow": False,
            "align": "left",
            "font": font,
        }
        for value, text in zip(values, texts, strict=True)
    ]
    # One assignment: add_annotation re-validates every earlier annotation each time (quadratic;
    # seconds for a few hundred rows).
    fig.layout.annotations = (*fig.layout.annotations, *labels)


def base_figure(title: str, subtitle: str | None = None, height: int = 460) -> go.Figure:
    """An empty figure with the house template and a title (subtitle in smaller type).

    Titles are written in code; callers pass no dataset text here.
    """
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE_NAME,
        height=height,
        # The subtitle wraps (one long line ran off a phone's screen); the title is kept short.
        title={"text": title, "subtitle": {"text": wrap_words(subtitle or "", SUBTITLE_CHARS)}},
    )
    return fig


def empty_figure(title: str, message: str = "Nothing matches the current filters.") -> go.Figure:
    """A figure that says it is empty instead of drawing blank axes."""
    fig = base_figure(title, height=260)
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 15})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig

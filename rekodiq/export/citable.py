"""Citable figures: a chart copy with a title and a footer naming filters, sources and data version.

Text drawn into the figure is passed through :func:`rekodiq.text.plotly_safe`, so dataset
values never become Plotly markup. Also the figure's plain title and its standalone HTML page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio

from rekodiq.export.names import SITE_NAME
from rekodiq.text import plotly_safe

CITABLE_WIDTH = 1200
PNG_SCALE = 2

FOOTER_FONT_SIZE = 13
FOOTER_LINE_PX = 18
FOOTER_MAX_PX = 1120  # of the 1200 px image, after the 12 px inset
FOOTER_MAX_FILTER_LINES = 4
TITLE_FONT_SIZE = 20
AXIS_BAND_PX = 70  # x-axis ticks and title below the plot area
FOOTER_LEGEND = "legend9"  # a legend with no real items, used as a footer anchored to the image


def _resolved(value: object, *fallbacks: object) -> object:
    for candidate in (value, *fallbacks):
        if candidate is not None:
            return candidate
    return None


# Upper bounds of DejaVu Sans advance widths at 13 px (measured), for wrapping footer text.
_WIDE_PUNCT = {
    "#": 11.0,
    "%": 12.5,
    "&": 10.2,
    "+": 11.0,
    "<": 11.0,
    "=": 11.0,
    ">": 11.0,
    "@": 13.0,
    "^": 11.0,
    "~": 11.0,
    "$": 8.4,
    "{": 8.4,
    "}": 8.4,
    "?": 7.0,
    "_": 6.6,
    "`": 6.6,
    "*": 6.6,
    '"': 6.1,
}


def _char_px(ch: str) -> float:
    if ch == " ":
        return 4.2
    if ch.isascii():
        if ch in "mwMW":
            return 13.0
        if ch.isupper():
            return 9.5
        if ch.isdigit():
            return 8.4
        if ch.isalpha():
            return 7.6
        return _WIDE_PUNCT.get(ch, 5.2)
    if unicodedata.east_asian_width(ch) in "WF" or ch in "…—@":
        return 13.5
    return 9.5


def text_px(text: str, font_size: float = FOOTER_FONT_SIZE) -> float:
    """Estimated rendered width of ``text`` in pixels (an upper bound for DejaVu Sans)."""
    return sum(_char_px(ch) for ch in text) * font_size / 13


def _wrap(text: str, max_px: float = FOOTER_MAX_PX) -> list[str]:
    """Greedy word wrap by estimated pixel width; over-long words are broken."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_px(candidate) <= max_px:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if text_px(line + ch) > max_px:
                lines.append(line)
                line = ""
            line += ch
    if line or not lines:
        lines.append(line)
    return lines


def footer_lines(
    *,
    filter_lines: Sequence[str],
    source_line: str,
    as_of: dt.date | str,
    data_version: str,
    max_px: float = FOOTER_MAX_PX,
    freshness_line: str = "",
) -> list[str]:
    """The plain-text footer lines drawn under a citable chart (wrapped to ``max_px``; the
    filters take at most :data:`FOOTER_MAX_FILTER_LINES` lines, then end with a pointer to the
    permalink / README). ``freshness_line`` (how current the rows are) goes before the last line."""
    filters_text = "Filters: " + (" · ".join(filter_lines) if filter_lines else "none")
    wrapped = _wrap(filters_text, max_px)
    if len(wrapped) > FOOTER_MAX_FILTER_LINES:
        wrapped = wrapped[:FOOTER_MAX_FILTER_LINES]
        suffix = " … (full list in the permalink / README)"
        last = wrapped[-1]
        while last and text_px(last + suffix) > max_px:
            last = last[:-1]
        cut = max(last.rfind(", "), last.rfind(" · "))
        wrapped[-1] = (last[:cut] if cut > 0 else last).rstrip(" ,·") + suffix
    as_of_text = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)
    last = f"Data as of {as_of_text} · data version {data_version} · {SITE_NAME}"
    current = _wrap(freshness_line, max_px) if freshness_line else []
    return wrapped + _wrap(source_line, max_px) + current + _wrap(last, max_px)


def _screen_size(layout: go.Layout) -> tuple[float, dict]:
    """The plot area's on-screen height and the margins, from the layout or its template."""
    template_layout = layout.template.layout if layout.template else go.Layout()
    height0 = _resolved(layout.height, template_layout.height, 450)
    margin0 = {side: _resolved(getattr(layout.margin, side), getattr(template_layout.margin, side), 80) for side in "tblr"}
    return max(height0 - margin0["t"] - margin0["b"], 180), margin0


def _legend_to_the_right(out: go.Figure) -> int:
    """Move a horizontal legend (usually under the plot) to the right; returns its entry count."""
    layout = out.layout
    # A treemap has no legend entry (and no ``showlegend``): it counts as none.
    n_legend = sum(1 for trace in out.data if getattr(trace, "showlegend", False) is not False and getattr(trace, "name", None))
    if layout.legend.orientation == "h":
        out.update_layout(
            legend={
                "orientation": "v",
                "x": 1.02,
                "xanchor": "left",
                "y": 1,
                "yanchor": "top",
                "traceorder": layout.legend.traceorder or "normal",
            }
        )
    return n_legend


def _add_footer(out: go.Figure, lines: Sequence[str], width: int) -> None:
    """The footer lines as the title of an otherwise empty legend anchored to the image's bottom-left."""
    footer_text = "<br>".join(plotly_safe(line, max_chars=1000) for line in lines)
    out.add_shape(  # the footer legend's only entry: invisible, and it creates no axes
        type="line",
        xref="paper",
        yref="paper",
        x0=0,
        x1=0,
        y0=0,
        y1=0,
        line={"width": 0, "color": "rgba(0,0,0,0)"},
        opacity=0,
        showlegend=True,
        legend=FOOTER_LEGEND,
        name=" ",
    )
    out.update_layout(
        {
            FOOTER_LEGEND: {
                "xref": "container",
                "yref": "container",
                "x": 12 / width,
                "y": 0,
                "xanchor": "left",
                "yanchor": "bottom",
                "orientation": "h",
                "bgcolor": "rgba(0,0,0,0)",
                "borderwidth": 0,
                "font": {"size": 1},
                "itemwidth": 30,
                "itemclick": False,
                "itemdoubleclick": False,
                "title": {"text": footer_text, "side": "top", "font": {"size": FOOTER_FONT_SIZE, "color": "#333333"}},
            }
        }
    )


def citable_figure(
    fig: go.Figure,
    *,
    filter_lines: Sequence[str],
    source_line: str,
    as_of: dt.date | str,
    data_version: str,
    title: str | None = None,
    width: int = CITABLE_WIDTH,
    freshness_line: str = "",
) -> go.Figure:
    """A copy of ``fig`` made for citing: white background, ``width`` px wide, title kept (and
    enlarged), and a footer with the filters, the source line, the as-of date and the data version.

    The footer is the title of an otherwise empty legend anchored to the image's bottom-left
    corner (``xref/yref="container"``): Plotly reserves its height below the x axis, so it
    never overlaps the axis, whatever the tick labels push. The plot area keeps roughly its
    on-screen height. Horizontal legends (usually placed under the plot) move to the right.
    ``title`` is used only when ``fig`` has none. Footer text is escaped with ``plotly_safe``.
    """
    out = go.Figure(fig)
    layout = out.layout
    plot_h, margin0 = _screen_size(layout)
    title_text = layout.title.text or (plotly_safe(title) if title else "")
    has_subtitle = bool(layout.title.subtitle and layout.title.subtitle.text)
    top = 22 + TITLE_FONT_SIZE + (28 if has_subtitle else 0) + 24
    plot_h = max(plot_h, 22 * _legend_to_the_right(out) + 40)
    lines = footer_lines(
        filter_lines=filter_lines,
        source_line=source_line,
        as_of=as_of,
        data_version=data_version,
        max_px=width - 80,
        freshness_line=freshness_line,
    )
    axis_band = AXIS_BAND_PX if layout.xaxis.visible is not False else 16  # maps hide their axes
    height = int(top + plot_h + axis_band + len(lines) * FOOTER_LINE_PX + 24)
    out.update_layout(
        width=width,
        height=height,
        autosize=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"t": top, "b": axis_band, "l": max(margin0["l"], 60), "r": max(margin0["r"], 30), "autoexpand": True},
        title=_title_at_top_left(title_text, width, height),
    )
    if has_subtitle:
        out.update_layout(title_subtitle_font_size=14)
    template_layout = layout.template.layout if layout.template else go.Layout()
    if _resolved(layout.font.size, template_layout.font.size, 12) < 13:
        out.update_layout(font_size=13)
    _add_footer(out, lines, width)
    return out


def _title_at_top_left(text: str, width: int, height: int) -> dict:
    """The citable title: large, anchored to the image's top-left corner (not the plot's)."""
    return {
        "text": text,
        "x": 12 / width,
        "xref": "container",
        "xanchor": "left",
        "y": 1 - 20 / height,
        "yref": "container",
        "yanchor": "top",
        "font": {"size": TITLE_FONT_SIZE},
    }


def figure_title(fig: go.Figure | None, fallback: str = "") -> str:
    """The figure's title as plain text (tags dropped, entities decoded), or ``fallback``."""
    text = fig.layout.title.text if fig is not None and fig.layout.title else None
    if not text:
        return fallback
    return html.unescape(re.sub(r"<br\s*/?>", " ", re.sub(r"<(?!br)[^>]*>", "", text))).strip() or fallback


def figure_html(fig: go.Figure) -> bytes:
    """A standalone interactive HTML page: plotly.js embedded (works offline), UTF-8."""
    page = pio.to_html(
        fig,
        include_plotlyjs=True,
        full_html=True,
        config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": PNG_SCALE}},
        validate=False,
    )
    title = html.escape(figure_title(fig, SITE_NAME))
    page = page.replace('<meta charset="utf-8" />', f'<meta charset="utf-8" />\n    <title>{title}</title>', 1)
    return page.encode("utf-8")

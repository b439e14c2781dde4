"""A "PDF brief" of one page: title, filters, as-of date, permalink, each chart (vector) with its
summary and key table, and the sources by publisher and date. Text stays text (selectable).

:func:`page_brief` is the one entry: it takes the page's views (``ChartView`` / ``TableView``,
the same objects the page draws) and lays them out; ``rekodiq.ui.brief`` collects them per page.

Built with fpdf2 (pure Python). Charts come in as SVG (Kaleido, ``export.figure_svg``); fpdf2
draws SVG as vector paths. Without Chromium the brief still has every summary and table.
The core fonts cover Latin-1 only, so text is transliterated to it (a dash for "–", "..." for
"…"); nothing else is dropped silently: an unmappable character becomes "?".
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from rekodiq.export.names import SITE_NAME

LOG = logging.getLogger(__name__)
MAX_TABLE_ROWS = 25
REPLACE = {"–": "-", "—": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "·": "-", "◆": "*", "○": "o", "≥": ">="}
REPLACE |= {"●": "o", "▶": ">", "■": "#", "▲": "^", "▼": "v", "→": "->", "◇": "o", "□": "o", "★": "*", "✕": "x"}


@dataclass(frozen=True)
class BriefChart:
    """One chart of the brief: its title, one-sentence summary, SVG (or None) and a short table."""

    title: str
    summary: str
    svg: bytes | None
    table: pd.DataFrame


def latin1(text: object) -> str:
    """``text`` in the core fonts' Latin-1 (typographic marks mapped, anything else "?")."""
    out = str(text)
    for a, b in REPLACE.items():
        out = out.replace(a, b)
    return out.encode("latin-1", "replace").decode("latin-1")


# What fpdf2's SVG reader refuses in Plotly's SVG, and the plain form it reads:
_DASH = re.compile(r"(stroke-dasharray\s*[:=]\s*\"?)([^;\"]*)")  # units in dash patterns ("3px, 3px")
_CLIPS = re.compile(r'<g class="clips">((?:(?!</?g[ >]).)*)</g>|<g class="clips"/>', re.S)  # clip paths one level down
_SHAPE = re.compile(r"<(?:path|rect)\b[^>]*/>")  # a self-closing shape; see _visible
_OPACITY = re.compile(r"(?<![\w-])(opacity\s*:\s*)(\d+(?:\.\d+)?)")  # a treemap's "opacity: 100"


def _visible(shape: str) -> str:
    """``shape``, or "" when it draws nothing (no fill, no stroke): fpdf2 ignores a zero fill-opacity
    and would paint Plotly's invisible hover targets black."""
    no_fill = "fill-opacity: 0;" in shape or "fill: none" in shape
    no_stroke = "stroke-width: 0px" in shape or "stroke-opacity: 0;" in shape or "stroke:" not in shape
    return "" if no_fill and no_stroke else shape


def vector_ready(svg: bytes) -> bytes:
    """``svg`` in the form fpdf2 draws: dash patterns without units, clip paths directly under
    ``<defs>``, no invisible shapes, opacities within 0-1, and text in the core fonts' Latin-1 (markers such as "●"
    mapped like every other text of the brief)."""
    text = svg.decode("utf-8")
    text = _DASH.sub(lambda m: m.group(1) + m.group(2).replace("px", ""), text)
    text = _CLIPS.sub(lambda m: m.group(1) or "", text)
    text = _SHAPE.sub(lambda m: _visible(m.group(0)), text)
    text = _OPACITY.sub(lambda m: m.group(1) + str(min(float(m.group(2)), 1.0)), text)
    return latin1(text).encode("utf-8")


_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def _chart(pdf, svg: bytes, title: str) -> None:
    """Draw one chart as vector paths, clipped to its box (map outlines run past the plot area).

    A chart fpdf2 cannot read is named as missing; the rest of the brief stays.
    """
    size = _SIZE.search(svg)
    ratio = float(size.group(2)) / float(size.group(1)) if size else 0.6
    w, h = pdf.epw, pdf.epw * ratio
    if pdf.y + h > pdf.page_break_trigger:
        pdf.add_page()
    x, y = pdf.l_margin, pdf.y
    try:
        with pdf.rect_clip(x, y, w, h):
            pdf.image(io.BytesIO(vector_ready(svg)), x=x, y=y, w=w, h=h, alt_text=latin1(title))
        pdf.set_y(y + h)
    except Exception:  # noqa: BLE001 (an SVG feature fpdf2 lacks must not cost the reader the whole brief)
        LOG.warning("PDF brief: a chart could not be drawn", exc_info=True)
        missing = "(This chart could not be drawn here; the PNG and SVG downloads have it.)"
        pdf.multi_cell(0, 4.5, missing, new_x="LMARGIN", new_y="NEXT")


def _cell(value: object) -> str:
    """A table cell as brief text: numbers with thousands separators (1,250; 8.33), text cut at 80 characters."""
    if isinstance(value, float) and not pd.isna(value):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return latin1("" if pd.isna(value) else value)[:80]


def _table(pdf, table: pd.DataFrame) -> None:
    cols = list(table.columns)[:6]
    if not cols:
        return
    pdf.set_font("Helvetica", size=7)
    with pdf.table(text_align="LEFT", line_height=3.6) as grid:
        grid.row([latin1(c) for c in cols])
        for row in table[cols].head(MAX_TABLE_ROWS).itertuples(index=False):
            grid.row([_cell(v) for v in row])
    if len(table) > MAX_TABLE_ROWS:
        more = f"... {len(table) - MAX_TABLE_ROWS} more rows in the CSV/XLSX download."
        pdf.cell(0, 4, latin1(more), new_x="LMARGIN", new_y="NEXT")


def brief_pdf(
    *,
    title: str,
    filter_lines: Sequence[str],
    as_of: str,
    permalink: str,
    charts: Sequence[BriefChart],
    source_lines: Sequence[str],
) -> bytes:
    """The brief as PDF bytes (A4 portrait); every text is real text a reader can select and search."""
    from fpdf import FPDF

    # fpdf2 leaves out SVG clip paths and fill patterns (it says so once per element); bars keep
    # their labels and legend names, so nothing rests on the lost patterns.
    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(latin1(f"{SITE_NAME}: {title}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, latin1(f"{SITE_NAME}: {title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for line in (
        f"Data as of {as_of}",
        "Filters: " + ("; ".join(filter_lines) or "none"),
        f"Permalink: {permalink}",
    ):
        pdf.multi_cell(0, 4.5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    for chart in charts:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 6, latin1(chart.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        if chart.summary:
            pdf.multi_cell(0, 4.5, latin1(chart.summary), new_x="LMARGIN", new_y="NEXT")
        if chart.svg:
            _chart(pdf, chart.svg, chart.title)
        _table(pdf, chart.table)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 6, "Sources", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    for line in source_lines:
        pdf.multi_cell(0, 4, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def part_of(view: object, key: str, sources: pd.DataFrame, images: bool) -> BriefChart:
    """One view (a ``ChartView`` or ``TableView``) as a part of the brief.

    The title is the figure's (or the block key in words); the table is the reader's short form
    (``readable_frame``) when it fits, else the download's form (page headers, key columns first).
    """
    from rekodiq.export.citable import figure_title
    from rekodiq.export.download import download_frame
    from rekodiq.export.images import figure_svg
    from rekodiq.export.readable import readable_frame

    figure = getattr(view, "figure", None)
    fallback = key.replace("-", " ").capitalize()
    title = figure_title(figure, fallback) if figure is not None else fallback
    table = view.table
    readable = readable_frame(table, max_rows=None)
    shown = readable if readable is not None else download_frame(table, sources)
    svg = figure_svg(figure) if images and figure is not None else None
    return BriefChart(title, getattr(view, "summary", ""), svg, shown)


def page_brief(
    title: str,
    views: Sequence[tuple[str, object]],
    *,
    filter_lines: Sequence[str],
    as_of: str,
    permalink: str,
    sources: pd.DataFrame,
    images: bool,
) -> bytes:
    """The PDF brief of a page from its ``(key, view)`` pairs in page order (``images``: draw charts as SVG).

    Sources are those the views' rows cite, by publisher and date; a page whose tables cite none
    says so and points to the Sources page.
    """
    parts = [part_of(view, key, sources, images) for key, view in views]
    lines = source_lines([view.table for _, view in views], sources)
    if not lines:
        lines = [f"These tables cite no single source per row; the Sources page lists all {len(sources)} sources."]
    return brief_pdf(title=title, filter_lines=filter_lines, as_of=as_of, permalink=permalink, charts=parts, source_lines=lines)


def source_lines(tables: Sequence[pd.DataFrame], sources: pd.DataFrame) -> list[str]:
    """ "Publisher, date: title - url" for every source the tables cite (newest first; dates at the
    precision they are known, as in the CSV/XLSX "Source" column)."""
    from rekodiq.export.sources import sources_for
    from rekodiq.sources import publisher_dates

    cited = pd.concat([sources_for(t, sources) for t in tables if "source_ids" in t.columns] or [sources.head(0)])
    cited = cited.drop_duplicates("source_id").sort_values("published", ascending=False, kind="stable")
    named = publisher_dates(cited["source_id"].tolist(), sources)
    return [f"{name}: {r.title} - {r.url}" for name, r in zip(named, cited.itertuples(index=False), strict=True)]

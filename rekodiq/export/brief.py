"""A "PDF brief" of one page: title, filters, as-of date, permalink, each chart (vector) with its
summary and key table, and the sources by publisher and date. Text stays text (selectable).

Built with fpdf2 (pure Python). Charts come in as SVG (Kaleido, ``export.figure_svg``); fpdf2
draws SVG as vector paths. Without Chromium the brief still has every summary and table.
The core fonts cover Latin-1 only, so text is transliterated to it (a dash for "–", "..." for
"…"); nothing else is dropped silently: an unmappable character becomes "?".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from rekodiq.export.names import SITE_NAME

MAX_TABLE_ROWS = 25
REPLACE = {"–": "-", "—": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "·": "-", "◆": "*", "○": "o", "≥": ">="}


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


def _table(pdf, table: pd.DataFrame) -> None:
    cols = list(table.columns)[:6]
    if not cols:
        return
    pdf.set_font("Helvetica", size=7)
    with pdf.table(text_align="LEFT", line_height=3.6) as grid:
        grid.row([latin1(c) for c in cols])
        for row in table[cols].head(MAX_TABLE_ROWS).itertuples(index=False):
            grid.row([latin1("" if pd.isna(v) else v)[:80] for v in row])
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
    import logging

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
            pdf.image(io.BytesIO(chart.svg), w=pdf.epw)
        _table(pdf, chart.table)
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 6, "Sources", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    for line in source_lines:
        pdf.multi_cell(0, 4, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _day(value: object) -> str:
    return f"{pd.Timestamp(value):%d %b %Y}" if pd.notna(value) else "undated"


def source_lines(tables: Sequence[pd.DataFrame], sources: pd.DataFrame) -> list[str]:
    """ "Publisher, date: title - url" for every source the tables cite (newest first)."""
    from rekodiq.export.sources import sources_for

    cited = pd.concat([sources_for(t, sources) for t in tables if "source_ids" in t.columns] or [sources.head(0)])
    cited = cited.drop_duplicates("source_id").sort_values("published", ascending=False, kind="stable")
    return [f"{r.publisher}, {_day(r.published)}: {r.title} - {r.url}" for r in cited.itertuples(index=False)]

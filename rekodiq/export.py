"""Downloads: file names, citable chart images, spreadsheet-safe tables, bundles, the dataset zip.

Pure: no Streamlit import; ``rekodiq.ui.downloads`` wires these to download buttons.

Contracts
---------
* **File names** (:func:`export_file_name`): ``reko-diq_<chart-slug>_<filters>_<YYYY-MM-DD>.<ext>``
  using only ``[A-Za-z0-9._-]``, at most :data:`MAX_NAME_CHARS` characters. ``<filters>`` is
  ``default`` when no filter differs from the defaults; long filter lists are cut and end with
  a short hash of the full list, so they stay distinguishable.
* **Spreadsheet safety** (OWASP "CSV injection"): every *text* cell whose first character, after
  leading spaces / NBSP / zero-width characters, is ``= + - @``, tab, CR, LF or NUL (also the
  full-width ``＝ ＋ － ＠``) gets a leading ``'``; so does every line of a multi-line cell that
  starts that way. Numbers, booleans, dates and missing values are never changed (a negative
  amount stays a negative number). CSV and XLSX apply this; JSON is the lossless format.
* **Images**: PNG and SVG are drawn by Kaleido in one headless Chromium that is started on the
  first request and then kept running in a background thread (thread-safe; restarted after a
  crash or timeout). Without Chromium every image call raises :class:`ImageExportUnavailable`;
  all other formats work without it.
* **Text drawn into images** (:func:`citable_figure`) is passed through
  :func:`rekodiq.text.plotly_safe`, so dataset values never become Plotly markup.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import csv
import datetime as dt
import hashlib
import html
import io
import math
import os
import re
import shutil
import threading
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import orjson
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from rekodiq.filters import Filters
from rekodiq.text import plotly_safe
from rekodiq.urlstate import PAGE_KEYS, to_query

SITE_NAME = "Reko Diq finance tracker"
NAME_PREFIX = "reko-diq"
MAX_NAME_CHARS = 150
MAX_SLUG_CHARS = 40

CITABLE_WIDTH = 1200
PNG_SCALE = 2

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "html": "text/html",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "zip": "application/zip",
}

NO_ROW_SOURCES_NOTE = "No row-level sources in this table: the list gives every source in this data version."
SPREADSHEET_NOTE = (
    "Spreadsheet safety: text cells that begin with = + - @, a tab or a line break carry a leading "
    "apostrophe so that no spreadsheet runs them as formulas; numbers are unchanged. "
    "The JSON download is the lossless, unaltered form."
)


# --------------------------------------------------------------------------------------
# File names and permalinks
# --------------------------------------------------------------------------------------

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9]+")


def _short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def _token(text: object) -> str:
    """ASCII letters, digits and single hyphens only ('Société Générale/..' -> 'Societe-Generale')."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return _NOT_TOKEN.sub("-", ascii_text).strip("-")


def _value_token(value: str) -> str:
    # A value with no Latin letters or digits (e.g. a name in another script) still gets a
    # distinct, stable token.
    return _token(value) or "x" + _short_hash(value, 6)


def page_query(params: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    """The page-level URL settings (``view``, ``stack``... in ``urlstate.PAGE_KEYS``) from ``params``,
    bounded; anything else (filters, embed options, unknown keys) is dropped."""
    out: dict[str, list[str]] = {}
    for key in PAGE_KEYS:
        values = (params or {}).get(key)
        if values:
            values = [values] if isinstance(values, str) else list(values)
            out[key] = [str(v)[:200] for v in values[:50]]
    return out


def filters_token(
    filters: Filters | Mapping[str, Sequence[str]] | None, page_params: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The filters as a file-name part: ``view-equity_lender-JBIC.US-EXIM_status-signed``, or ``default``.

    Keys and values come from :func:`rekodiq.urlstate.to_query` (the same words as the URL),
    after the page settings of :func:`page_query`; values of one key are joined with ``.``,
    keys with ``_``; on/off flags appear as their bare name. Not length-bounded (see
    :func:`export_file_name`).
    """
    query = dict(page_query(page_params))
    query.update(to_query(filters) if isinstance(filters, Filters) else dict(filters or {}))
    parts = []
    for key, values in query.items():
        values = [values] if isinstance(values, str) else list(values)
        if values == ["1"]:
            parts.append(_token(key))
        else:
            parts.append(_token(key) + "-" + ".".join(_value_token(str(v)) for v in values))
    return "_".join(p for p in parts if p) or "default"


def export_file_name(
    chart_slug: str,
    filters: Filters | Mapping[str, Sequence[str]] | None,
    ext: str,
    day: dt.date,
    page_params: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """``reko-diq_<chart-slug>_<filters>_<YYYY-MM-DD>.<ext>``; safe characters, bounded length.

    ``filters=None`` leaves the filters part out (e.g. the whole-dataset zip); ``page_params``
    (the current query parameters) adds the page's own settings such as ``view-equity``. Every part is
    reduced to ``[A-Za-z0-9-]`` (accents folded, slashes and dots removed, so ``../`` cannot
    survive); a filters part that would push the name past :data:`MAX_NAME_CHARS` is cut and
    ends with ``-h<hash>`` of the full filters text.
    """
    slug = (_token(chart_slug).lower() or "chart")[:MAX_SLUG_CHARS].strip("-") or "chart"
    extension = _token(ext).lower()[:8] or "bin"
    day_text = (day.date() if isinstance(day, dt.datetime) else day).isoformat()
    head = f"{NAME_PREFIX}_{slug}_"
    tail = f"_{day_text}.{extension}"
    if filters is None:
        return f"{NAME_PREFIX}_{slug}{tail}"
    token = filters_token(filters, page_params)
    budget = MAX_NAME_CHARS - len(head) - len(tail)
    if len(token) > budget:
        digest = "-h" + _short_hash(token)
        token = token[: budget - len(digest)].rstrip("-._") + digest
    return head + token + tail


def permalink(page_url: str | None, filters: Filters, page_params: Mapping[str, Sequence[str]] | None = None) -> str:
    """The page address with its settings and filters as query parameters (``?view=equity&lender=JBIC``).

    ``page_url`` is the page's address without a query (``st.context.url``); any query or
    fragment on it is dropped. ``page_params`` (e.g. ``st.query_params`` as lists) contributes
    only the page settings named in ``urlstate.PAGE_KEYS``; the filters always come from
    ``filters``. ``None`` as ``page_url`` gives a relative link (``?lender=JBIC`` or ``""``).
    """
    base = (page_url or "").split("#", 1)[0].split("?", 1)[0]
    query = page_query(page_params)
    query.update(to_query(filters))
    text = urlencode(query, doseq=True)
    return base + ("?" + text if text else "")


# --------------------------------------------------------------------------------------
# Spreadsheet safety
# --------------------------------------------------------------------------------------

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")
# Characters a spreadsheet may skip before reading "=": spaces (incl. NBSP) and zero-width marks.
_LEAD = re.compile(r"(?:(?![\t\r\n])[\s\u200b\u200c\u200d\u2060\ufeff])*")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _starts_dangerously(text: str) -> bool:
    rest = text[_LEAD.match(text).end() :]
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """One text cell made inert for spreadsheets (see the module contract)."""
    if not text:
        return text
    if "\n" not in text and "\r" not in text:  # one line (most cells): the same rule, without the split
        return "'" + text if _starts_dangerously(text) else text
    segments = _LINE_BREAK.split(text)
    for i in range(0, len(segments), 2):  # even indices are lines, odd ones the line breaks
        if _starts_dangerously(segments[i]):
            segments[i] = "'" + segments[i]
    out = "".join(segments)
    return "'" + out if _starts_dangerously(out) else out


def _is_text_column(series: pd.Series) -> bool:
    return (
        series.dtype == object
        or isinstance(series.dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(series.dtype)
    )


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are neutralised; nothing else changes.

    A text column with a neutralised cell comes back as ``object`` dtype; every other column
    (numeric, boolean, date, and text with nothing to neutralise) is left exactly as it was.
    """
    out = df.copy()
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if _is_text_column(col):
            values = col.tolist()
            safe = [neutralise(v) if isinstance(v, str) else v for v in values]
            # Replacing a column costs more than scanning it; most columns have nothing to change.
            if any(a is not b for a, b in zip(safe, values)):
                out.isetitem(i, pd.Series(safe, index=out.index, dtype=object))
    return out


def _plain(value: object) -> object:
    """A cell as a plain Python value: None for missing, date/datetime, bool, int, float or str."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.date() if value == dt.datetime.combine(value.date(), dt.time()) else value
    if isinstance(value, (bool, int, str, dt.date)):
        return value
    return str(value)


def _cells(df: pd.DataFrame) -> Iterable[list[object]]:
    columns = [df.iloc[:, i].tolist() for i in range(df.shape[1])]
    for row in zip(*columns, strict=True):
        yield [_plain(v) for v in row]


# --------------------------------------------------------------------------------------
# Tables: CSV, XLSX, JSON, sources
# --------------------------------------------------------------------------------------


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def table_csv(df: pd.DataFrame) -> bytes:
    """``df`` as spreadsheet-safe CSV: UTF-8 with a BOM (so Excel reads the accents), CRLF rows.

    Text cells are neutralised and always quoted (a ``;`` in a cell cannot split it in a
    semicolon-separated locale); numbers are written bare (``-5.0``, ``1250.0``), booleans as
    ``true``/``false``, dates as ``YYYY-MM-DD``, missing values as ``""``. Python's ``csv``
    module reads it back (``encoding="utf-8-sig"``, ``newline=""``).
    """
    safe = spreadsheet_safe(df)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([str(c) for c in safe.columns])
    for row in _cells(safe):
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _source_ids(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(";") if part.strip()]


def has_row_sources(df: pd.DataFrame) -> bool:
    """True when ``df`` carries a ``source_ids`` column (``;``-separated ids into data.sources)."""
    return "source_ids" in df.columns


def sources_for(df: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` behind ``df``, ordered by ``source_id``.

    With a ``source_ids`` column: exactly the sources its rows cite, plus ``rows_citing`` (how
    many rows of ``df`` cite each). Without one: every source (see :data:`NO_ROW_SOURCES_NOTE`;
    callers may pass a narrower ``sources`` frame instead).
    """
    if not has_row_sources(df):
        return sources.sort_values("source_id", kind="stable").reset_index(drop=True)
    counts: dict[str, int] = {}
    for value in df["source_ids"].tolist():
        for sid in dict.fromkeys(_source_ids(value)):
            counts[sid] = counts.get(sid, 0) + 1
    out = sources[sources["source_id"].isin(counts)].copy()
    out["rows_citing"] = out["source_id"].map(counts).astype("int64")
    return out.sort_values("source_id", kind="stable").reset_index(drop=True)


def sources_note(df: pd.DataFrame) -> str | None:
    """The note to print with the sources of ``df`` (``None`` when its rows cite sources)."""
    return None if has_row_sources(df) else NO_ROW_SOURCES_NOTE


def source_line(df: pd.DataFrame, sources: pd.DataFrame) -> str:
    """One line for the image footer naming where the rows come from (plain text)."""
    cited = sources_for(df, sources)
    n = len(cited)
    if has_row_sources(df):
        ids = ", ".join(cited["source_id"].astype(str).head(8))
        more = ", …" if n > 8 else ""
        return (
            f"Source: {SITE_NAME}, compiled from {n} public document{'s' if n != 1 else ''} ({ids}{more}); "
            "titles and links in the CSV/XLSX download."
        )
    return f"Source: {SITE_NAME}, compiled from the {n} public documents listed on its Sources page."


def _xlsx_widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    widths = [len(str(h)) for h in header]
    for row in rows[:200]:
        for i, value in enumerate(row):
            text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value if value is not None else "")
            widths[i] = max(widths[i], max((len(line) for line in text.splitlines()), default=0))
    return [min(max(w + 2, 8), 60) for w in widths]


def _xlsx_sheet(workbook, title: str, header: Sequence[str] | None, rows: list[list[object]], *, note: str | None = None) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)

    def cell(value: object, *, header_cell: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):  # XML would turn CR into LF anyway; control characters are illegal
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))[:32767]
        c = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text
        elif isinstance(value, dt.datetime):
            c.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, dt.date):
            c.number_format = "yyyy-mm-dd"
        if header_cell:
            c.font = bold
        return c

    widths = _xlsx_widths(header, rows) if header is not None else [110]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    first = 1
    if note:
        sheet.append([cell(neutralise(note))])
        sheet.append([])
        first = 3
    if header is not None:
        sheet.freeze_panes = f"A{first + 1}"
        sheet.append([cell(h, header_cell=True) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])


def table_xlsx(
    df: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    readme_lines: Sequence[str],
    sources_note_text: str | None = None,
) -> bytes:
    """A workbook with sheets ``Data`` (``df``), ``Sources`` and ``README`` (one line per row).

    Every text cell on every sheet is neutralised and stored as a string cell (never a
    formula); line breaks become LF, other control characters U+FFFD, text is cut at Excel's
    32,767 characters. Numbers stay numbers, dates are real dates (``yyyy-mm-dd``), missing
    cells are empty. ``sources`` is what :func:`sources_for` returned; ``sources_note_text``, when given,
    is written above the Sources table.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = SITE_NAME
    safe = spreadsheet_safe(df)
    _xlsx_sheet(workbook, "Data", [str(c) for c in safe.columns], list(_cells(safe)))
    safe_sources = spreadsheet_safe(sources)
    _xlsx_sheet(workbook, "Sources", [str(c) for c in safe_sources.columns], list(_cells(safe_sources)), note=sources_note_text)
    _xlsx_sheet(workbook, "README", None, [[neutralise(line)] for line in readme_lines])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _json_default(value: object) -> object:
    plain = _plain(value)
    if isinstance(plain, (dt.date, dt.datetime)):
        return plain.isoformat()
    if plain is None or isinstance(plain, (bool, int, float, str)):
        return plain
    raise TypeError(f"cannot serialise {type(value).__name__}")


def table_json(df: pd.DataFrame, *, meta: Mapping[str, object] | None = None) -> bytes:
    """``df`` unaltered as JSON in pandas' ``orient="table"`` layout (Table Schema + rows).

    Lossless: text is not neutralised, numbers keep full precision, dates are ISO 8601, missing
    values are ``null``. ``pd.read_json(io.BytesIO(b), orient="table")`` reads it back; ``meta``
    (data version, filters, permalink...) is stored under an extra ``"meta"`` key.
    """
    frame = df.reset_index(drop=True)
    schema = pd.io.json.build_table_schema(frame, index=False)
    rows = [dict(zip(map(str, frame.columns), row, strict=True)) for row in _cells(frame)]
    payload: dict[str, object] = {"schema": schema, "data": rows}
    if meta:
        payload["meta"] = dict(meta)
    return orjson.dumps(payload, default=_json_default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATETIME)


def readme_lines(
    *,
    title: str,
    filter_lines: Sequence[str],
    permalink_url: str,
    data_version: str,
    as_of: dt.date,
    n_rows: int,
    n_sources: int,
    note: str | None = None,
    exported: dt.datetime | None = None,
) -> list[str]:
    """The README text shared by the XLSX README sheet and the bundle's README.txt."""
    exported = exported or dt.datetime.now(dt.timezone.utc)
    lines = [
        f"{SITE_NAME}: {title}",
        "",
        f"Permalink (this view with its filters): {permalink_url or 'not known (open the dashboard and apply the filters below)'}",
        f"Data version: {data_version}",
        f"Data as of: {as_of.isoformat()}",
        f"Exported: {exported.strftime('%Y-%m-%d %H:%M UTC')}",
        f"Rows: {n_rows}",
        "Filters: " + ("; ".join(filter_lines) if filter_lines else "none"),
        f"Sources: {n_sources} listed" + (f". {note}" if note else " (the documents cited by these rows)."),
        "",
        f'Cite as: {SITE_NAME}, "{title}", data version {data_version} (as of {as_of.isoformat()}), {permalink_url}',
        "Licence: data CC BY 4.0 (our curation; each row cites its public source).",
        "",
        SPREADSHEET_NOTE,
    ]
    return lines


# --------------------------------------------------------------------------------------
# Citable figures
# --------------------------------------------------------------------------------------

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
_WIDE_PUNCT = {"#": 11.0, "%": 12.5, "&": 10.2, "+": 11.0, "<": 11.0, "=": 11.0, ">": 11.0, "@": 13.0, "^": 11.0, "~": 11.0,
               "$": 8.4, "{": 8.4, "}": 8.4, "?": 7.0, "_": 6.6, "`": 6.6, "*": 6.6, '"': 6.1}


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
    *, filter_lines: Sequence[str], source_line: str, as_of: dt.date | str, data_version: str, max_px: float = FOOTER_MAX_PX
) -> list[str]:
    """The plain-text footer lines drawn under a citable chart (wrapped to ``max_px``; the
    filters take at most :data:`FOOTER_MAX_FILTER_LINES` lines, then end with a pointer to the
    permalink / README)."""
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
    return wrapped + _wrap(source_line, max_px) + _wrap(last, max_px)


def citable_figure(
    fig: go.Figure,
    *,
    filter_lines: Sequence[str],
    source_line: str,
    as_of: dt.date | str,
    data_version: str,
    title: str | None = None,
    width: int = CITABLE_WIDTH,
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
    template_layout = layout.template.layout if layout.template else go.Layout()
    height0 = _resolved(layout.height, template_layout.height, 450)
    margin0 = {side: _resolved(getattr(layout.margin, side), getattr(template_layout.margin, side), 80) for side in "tblr"}
    plot_h = max(height0 - margin0["t"] - margin0["b"], 180)

    title_text = layout.title.text or (plotly_safe(title) if title else "")
    has_subtitle = bool(layout.title.subtitle and layout.title.subtitle.text)
    top = 22 + TITLE_FONT_SIZE + (28 if has_subtitle else 0) + 24

    n_legend = sum(1 for trace in out.data if trace.showlegend is not False and getattr(trace, "name", None))
    if layout.legend.orientation == "h":
        out.update_layout(legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top", "traceorder": layout.legend.traceorder or "normal"})
    plot_h = max(plot_h, 22 * n_legend + 40)

    lines = footer_lines(
        filter_lines=filter_lines, source_line=source_line, as_of=as_of, data_version=data_version, max_px=width - 80
    )
    footer_px = len(lines) * FOOTER_LINE_PX + 24
    axis_band = AXIS_BAND_PX if layout.xaxis.visible is not False else 16  # maps hide their axes
    height = int(top + plot_h + axis_band + footer_px)
    out.update_layout(
        width=width,
        height=height,
        autosize=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"t": top, "b": axis_band, "l": max(margin0["l"], 60), "r": max(margin0["r"], 30), "autoexpand": True},
        title={
            "text": title_text,
            "x": 12 / width,
            "xref": "container",
            "xanchor": "left",
            "y": 1 - 20 / height,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": TITLE_FONT_SIZE},
        },
    )
    if has_subtitle:
        out.update_layout(title_subtitle_font_size=14)
    if _resolved(layout.font.size, template_layout.font.size, 12) < 13:
        out.update_layout(font_size=13)
    footer_text = "<br>".join(plotly_safe(line, max_chars=1000) for line in lines)
    out.add_shape(  # the footer legend's only entry: invisible, and it creates no axes
        type="line", xref="paper", yref="paper", x0=0, x1=0, y0=0, y1=0,
        line={"width": 0, "color": "rgba(0,0,0,0)"}, opacity=0,
        showlegend=True, legend=FOOTER_LEGEND, name=" ",
    )
    out.update_layout({
        FOOTER_LEGEND: {
            "xref": "container", "yref": "container", "x": 12 / width, "y": 0, "xanchor": "left", "yanchor": "bottom",
            "orientation": "h", "bgcolor": "rgba(0,0,0,0)", "borderwidth": 0, "font": {"size": 1},
            "itemwidth": 30, "itemclick": False, "itemdoubleclick": False,
            "title": {"text": footer_text, "side": "top", "font": {"size": FOOTER_FONT_SIZE, "color": "#333333"}},
        }
    })
    return out


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


# --------------------------------------------------------------------------------------
# PNG and SVG through Kaleido + Chromium
# --------------------------------------------------------------------------------------

RENDER_TIMEOUT_S = 30.0
START_TIMEOUT_S = 45.0
RETRY_AFTER_FAILURE_S = 300.0
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class ImageExportError(RuntimeError):
    """A PNG or SVG could not be rendered (timeout, browser crash)."""


class ImageExportUnavailable(ImageExportError):
    """PNG and SVG cannot be made on this server: Chromium (or Kaleido) is missing or broken."""


def chromium_path() -> str | None:
    """The browser Kaleido will use: ``$REKODIQ_CHROMIUM``, ``$BROWSER_PATH``, then ``chromium`` etc. on PATH."""
    for env in ("REKODIQ_CHROMIUM", "BROWSER_PATH"):
        value = os.environ.get(env)
        if value:
            return value if Path(value).is_file() and os.access(value, os.X_OK) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _kaleido_class(kaleido_module):
    """Kaleido, but a used tab is reloaded *after* the image is handed back, not before.

    Kaleido 1.5 reloads the tab (plotly.js and all) before returning each image; that reload
    is about half of a warm render. Here it runs in the background and the tab rejoins the
    queue when it is ready, so one request waits only for its own render. Falls back to plain
    Kaleido if the private hook is not there (another Kaleido version).
    """
    base = kaleido_module.Kaleido
    if not (hasattr(base, "_return_kaleido_tab") and hasattr(base, "_get_kaleido_tab")):
        return base

    class _BackgroundReloadKaleido(base):
        async def _return_kaleido_tab(self, tab) -> None:
            async def reload_then_return() -> None:
                try:
                    await tab.reload()
                    await self.tabs_ready.put(tab)
                except Exception:  # noqa: BLE001 - a broken browser is detected by the next render's timeout
                    pass

            task = asyncio.get_running_loop().create_task(reload_then_return())
            pending = self.__dict__.setdefault("_rekodiq_reloads", set())
            pending.add(task)
            task.add_done_callback(pending.discard)

    return _BackgroundReloadKaleido


class _Renderer:
    """One Kaleido (one Chromium tab) on a private event loop in a daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.failed_at: float | None = None
        self.failure: str | None = None
        self._atexit = False

    def running(self) -> bool:
        return self._kaleido is not None

    def _start(self):
        path = chromium_path()
        if path is None:
            raise ImageExportUnavailable("PNG and SVG export needs Chromium on the server, and none was found.")
        try:
            import kaleido
        except ImportError as err:  # pragma: no cover - kaleido is a pinned dependency
            raise ImageExportUnavailable("PNG and SVG export needs the kaleido package.") from err
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="rekodiq-kaleido", daemon=True).start()

        async def open_browser():
            k = _kaleido_class(kaleido)(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=path)
            await k.open()
            return k

        try:
            k = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
        except BaseException as err:
            loop.call_soon_threadsafe(loop.stop)
            self.failed_at, self.failure = time.monotonic(), f"{type(err).__name__}: {str(err)[:200]}"
            raise ImageExportUnavailable(f"Chromium could not be started on the server ({type(err).__name__}).") from err
        self._loop, self._kaleido, self.failed_at, self.failure = loop, k, None, None
        if not self._atexit:
            atexit.register(self.close)
            self._atexit = True
        return loop, k

    def ensure(self):
        with self._lock:
            if self._kaleido is None:
                return self._start()
            return self._loop, self._kaleido

    def _discard(self, k) -> None:
        """Forget a broken browser (closing it in the background); the next call starts a new one."""
        with self._lock:
            if self._kaleido is not k:
                return
            loop, self._loop, self._kaleido = self._loop, None, None
        future = asyncio.run_coroutine_threadsafe(k.close(), loop)
        future.add_done_callback(lambda _f: loop.call_soon_threadsafe(loop.stop))

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        from kaleido.errors import JavascriptError

        loop, k = self.ensure()
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(fig_dict, opts=opts), loop)
        try:
            return future.result(RENDER_TIMEOUT_S + 15)
        except concurrent.futures.TimeoutError as err:
            future.cancel()
            self._discard(k)
            raise ImageExportError("rendering the image timed out") from err
        except (JavascriptError, ValueError, TypeError):
            raise  # a problem with this figure, not with the browser
        except Exception as err:
            self._discard(k)
            raise ImageExportError(f"rendering the image failed ({type(err).__name__})") from err

    def close(self) -> None:
        with self._lock:
            loop, k, self._loop, self._kaleido = self._loop, self._kaleido, None, None
        if k is None or loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass
        loop.call_soon_threadsafe(loop.stop)


_RENDERER = _Renderer()


def image_export_available() -> bool:
    """Cheap check for the UI: Chromium is present and did not fail to start in the last 5 min."""
    if chromium_path() is None:
        return False
    failed = _RENDERER.failed_at
    return _RENDERER.running() or failed is None or time.monotonic() - failed > RETRY_AFTER_FAILURE_S


def start_renderer() -> None:
    """Start Chromium now (optional warm-up; the first image request does it otherwise)."""
    _RENDERER.ensure()


def stop_renderer() -> None:
    """Close Chromium (tests, shutdown). It starts again on the next image request."""
    _RENDERER.close()


def _render(fig: go.Figure | dict, fmt: str, scale: float) -> bytes:
    fig_dict = fig.to_dict() if isinstance(fig, go.Figure) else fig
    layout = fig_dict.get("layout", {})
    opts = {"format": fmt, "scale": scale, "width": layout.get("width") or CITABLE_WIDTH, "height": layout.get("height") or 500}
    return _RENDERER.render(fig_dict, opts)


def figure_png(fig: go.Figure, *, scale: float = PNG_SCALE) -> bytes:
    """PNG bytes at ``scale`` x the layout size (1200 px wide -> 2400 px). Needs Chromium."""
    return _render(fig, "png", scale)


def figure_svg(fig: go.Figure) -> bytes:
    """SVG bytes (text stays text, so titles and footers are searchable). Needs Chromium."""
    return _render(fig, "svg", 1)


# --------------------------------------------------------------------------------------
# Bundles
# --------------------------------------------------------------------------------------


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def chart_bundle(
    *,
    base_name: str,
    table: pd.DataFrame,
    sources: pd.DataFrame,
    readme: Sequence[str],
    fig: go.Figure | None = None,
) -> bytes:
    """A zip to cite one chart: ``<base>.png``, ``<base>.svg`` (when ``fig`` is given and
    Chromium works), ``<base>.csv``, ``<base>_sources.csv`` and ``README.txt``.

    ``base_name`` is an :func:`export_file_name` without its extension; ``fig`` should already
    be a :func:`citable_figure`; ``sources`` is what :func:`sources_for` returned; ``readme``
    are the :func:`readme_lines` (the permalink and data version among them). If the images
    cannot be made, the zip still holds the rest and README.txt says why.
    """
    base = re.sub(r"[^A-Za-z0-9._-]", "-", base_name)[:MAX_NAME_CHARS]
    members: list[tuple[str, bytes]] = []
    image_note = None
    if fig is not None:
        try:
            members.append((f"{base}.png", figure_png(fig)))
            members.append((f"{base}.svg", figure_svg(fig)))
        except ImageExportError as err:
            members = []
            image_note = f"PNG and SVG are not included: {err}"
        except Exception as err:  # noqa: BLE001 - a figure the browser rejects must not cost the data files
            members = []
            image_note = f"PNG and SVG are not included: the chart could not be rendered ({type(err).__name__})."
    members.append((f"{base}.csv", table_csv(table)))
    members.append((f"{base}_sources.csv", table_csv(sources)))
    text = list(readme) + ["", "Files in this bundle:"] + [f"  {name}" for name, _ in members] + ["  README.txt"]
    if image_note:
        text += ["", image_note]
    members.append(("README.txt", ("\r\n".join(text) + "\r\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            archive.writestr(_zip_info(name), payload)
    return buffer.getvalue()


def _neutralise_csv_file(raw: bytes) -> tuple[bytes, int]:
    """Neutralise formula-like text cells of a raw CSV; returns (bytes, cells changed).

    Cells that read as plain numbers (``-5``, ``1.2e3``) are left as they are. Unchanged
    files are returned byte for byte.
    """
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    changed = 0
    for row in rows:
        for i, value in enumerate(row):
            if _NUMBER_TEXT.fullmatch(value):
                continue
            safe = neutralise(value)
            if safe != value:
                row[i] = safe
                changed += 1
    if not changed:
        return raw, 0
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
    return buffer.getvalue().encode("utf-8"), changed


def dataset_zip(data_dir: Path) -> bytes:
    """Every CSV in ``data_dir`` (data_dictionary.csv among them), manifest.json and a README.txt.

    The CSVs are the published files byte for byte, so their SHA-256 matches manifest.json,
    unless a text cell would run as a spreadsheet formula: such a file is neutralised (see the
    module contract) and README.txt names it. Symlinks and sub-folders (geo/) are left out.
    """
    data_dir = Path(data_dir)
    members: list[tuple[str, bytes]] = []
    altered: list[str] = []
    for path in sorted(data_dir.glob("*.csv")):
        if path.is_symlink() or not path.is_file():
            continue
        payload, changed = _neutralise_csv_file(path.read_bytes())
        if changed:
            altered.append(f"{path.name} ({changed} cell{'s' if changed != 1 else ''})")
        members.append((path.name, payload))
    manifest = data_dir / "manifest.json"
    version = as_of = "unknown"
    if manifest.is_file() and not manifest.is_symlink():
        raw = manifest.read_bytes()
        members.append((manifest.name, raw))
        try:
            info = orjson.loads(raw)
            version, as_of = str(info.get("version", "unknown")), str(info.get("last_updated", "unknown"))
        except orjson.JSONDecodeError:
            pass
    readme = [
        f"{SITE_NAME}: the whole dataset",
        f"Data version: {version}",
        f"Data as of: {as_of}",
        "",
        "Files: " + ", ".join(name for name, _ in members),
        "data_dictionary.csv describes every column; manifest.json gives each file's SHA-256.",
        "source_ids columns hold ;-separated ids into sources.csv.",
        "Boundary files (geo/) are not included; they are published with the source code.",
        "Licence: data CC BY 4.0 (our curation; each row cites its public source).",
    ]
    if altered:
        readme += ["", "Neutralised for spreadsheets (checksums differ from manifest.json): " + ", ".join(altered), SPREADSHEET_NOTE]
    members.append(("README.txt", ("\r\n".join(readme) + "\r\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            archive.writestr(_zip_info(name), payload)
    return buffer.getvalue()

"""Tables as CSV, XLSX and JSON, and the spreadsheet safety that CSV and XLSX apply.

Spreadsheet safety (OWASP "CSV injection"): every *text* cell whose first character, after
leading spaces / NBSP / zero-width characters, is ``= + - @``, tab, CR, LF or NUL (also the
full-width ``＝ ＋ － ＠``) gets a leading ``'``; so does every line of a multi-line cell that
starts that way. Numbers, booleans, dates and missing values are never changed (a negative
amount stays a negative number). JSON is the lossless format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import orjson
import pandas as pd

from rekodiq.export.names import SITE_NAME

SPREADSHEET_NOTE = (
    "Spreadsheet safety: text cells that begin with = + - @, a tab or a line break carry a leading "
    "apostrophe so that no spreadsheet runs them as formulas; numbers are unchanged. "
    "The JSON download is the lossless, unaltered form."
)

# Number cells in XLSX: thousands separators; decimals only where the value has them (1,250.0; 8.333).
INT_FORMAT = "#,##0"
FLOAT_FORMAT = "#,##0.0##"

# --------------------------------------------------------------------------------------
# Spreadsheet safety
# --------------------------------------------------------------------------------------

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")
# Characters a spreadsheet may skip before reading "=": spaces (incl. NBSP) and zero-width marks.
_LEAD = re.compile(r"(?:(?![\t\r\n])[\s\u200b\u200c\u200d\u2060\ufeff])*")
# A superset of the cells neutralise() changes: a trigger after the lead, at the start or after a line break.
_CANDIDATE = re.compile(r"(?:^|[\r\n])" + _LEAD.pattern + "[" + re.escape("".join(sorted(FORMULA_TRIGGERS))) + "]")
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
    return series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(series.dtype)


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
            # One regex search per cell finds the few candidates (a table of 1,000 rows has
            # tens of thousands of cells); only those go through neutralise().
            hits = [j for j, v in enumerate(values) if isinstance(v, str) and _CANDIDATE.search(v)]
            safe = list(values)
            for j in hits:
                safe[j] = neutralise(values[j])
            # Replacing a column costs more than scanning it; most columns have nothing to change.
            if any(safe[j] is not values[j] for j in hits):
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
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.date() if value == dt.datetime.combine(value.date(), dt.time()) else value
    if isinstance(value, (bool, int, str, dt.date)):
        return value
    return str(value)


def _cells(df: pd.DataFrame) -> Iterable[list[object]]:
    columns = [df.iloc[:, i].tolist() for i in range(df.shape[1])]
    for row in zip(*columns, strict=True):
        yield [_plain(v) for v in row]


# --------------------------------------------------------------------------------------
# CSV, XLSX, JSON
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


def _xlsx_widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    widths = [len(str(h)) for h in header]
    for row in rows[:200]:
        for i, value in enumerate(row):
            text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value if value is not None else "")
            widths[i] = max(widths[i], max((len(line) for line in text.splitlines()), default=0))
    return [min(max(w + 2, 8), 60) for w in widths]


def _number_format(value: object) -> str | None:
    """The XLSX number format of a plain cell value (None for text, booleans and blanks)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return INT_FORMAT
    if isinstance(value, float):
        return FLOAT_FORMAT
    if isinstance(value, dt.datetime):
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    return None


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
        elif fmt := _number_format(value):
            c.number_format = fmt
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
    32,767 characters. Numbers stay numbers with a number format (``INT_FORMAT``,
    ``FLOAT_FORMAT``), dates are real dates (``yyyy-mm-dd``), missing
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


def neutralise_csv_file(raw: bytes) -> tuple[bytes, int]:
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

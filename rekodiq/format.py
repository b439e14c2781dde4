"""Numbers and dates as the dashboard writes them: money, percentages, dates at their precision.

Pure functions of plain values (no pandas objects beyond Timestamps and Series).
"""

from __future__ import annotations

import pandas as pd

from rekodiq.vocabulary import PRECISION_FORMATS

ISO_DAY = "%Y-%m-%d"


def usd_m(value: float | None) -> str:
    """USD millions as text: 1250 -> 'USD 1.25 bn', 410 -> 'USD 410 m'."""
    if value is None or value != value:
        return "n/a"
    if abs(value) >= 1000:
        return f"USD {value / 1000:,.2f}".rstrip("0").rstrip(".") + " bn"
    return f"USD {value:,.0f} m"


def pct_text(value: float | None) -> str:
    """A stake as short text: 50 -> '50 %', 8.3333 -> '8.33 %', 37.5 -> '37.5 %'."""
    if value is None or value != value:
        return "n/a"
    return f"{value:.2f}".rstrip("0").rstrip(".") + " %"


def date_text(value: pd.Timestamp | None, precision: str | None = None) -> str:
    """A date at the precision it is known: '2025', '2025-06' or '2025-06-12'; '' when missing."""
    if value is None or pd.isna(value):
        return ""
    return value.strftime(PRECISION_FORMATS.get(precision or "day", ISO_DAY))


def dates_text(days: pd.Series, precision: pd.Series) -> pd.Series:
    """:func:`date_text` per row; an unknown precision ('unknown') gives a blank."""
    out = [
        day.strftime(PRECISION_FORMATS[prec]) if prec in PRECISION_FORMATS and pd.notna(day) else ""
        for day, prec in zip(days, precision, strict=True)
    ]
    return pd.Series(out, index=days.index, dtype=object)


def target_text(day: pd.Timestamp | None, precision: object) -> str:
    """A target date as worded at its precision: 'Jun 2025', 'H2 2025', 'Q3 2025', '2028', '22 Aug 2025'."""
    if day is None or pd.isna(day):
        return "no date"
    if precision == "year":
        return f"{day.year}"
    if precision == "half":
        return f"H{1 if day.month <= 6 else 2} {day.year}"
    if precision == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if precision == "day":
        return f"{day.day} {day:%b %Y}"
    return f"{day:%b %Y}"


def date_columns_to_iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as plain dates, so tables and CSVs show 2025-06-12, not timestamps."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out


def plain_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with the named datetime columns as plain dates (a copy)."""
    out = frame.copy()
    for col in columns:
        out[col] = pd.to_datetime(out[col]).dt.date
    return out

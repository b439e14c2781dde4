"""Pure checks of one cell's text (memoised: values repeat across rows)."""

from __future__ import annotations

import datetime as dt
import functools
from fractions import Fraction

import pandas as pd


# The cell checks below are pure functions of the cell text, and dates, amounts and id lists
# repeat across rows: memoised, a 100,000-claim dataset parses each distinct value once.
@functools.lru_cache(maxsize=1 << 16)
def is_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value == value and value not in (float("inf"), float("-inf"))


def is_integer(text: str) -> bool:
    return text.lstrip("-").isdigit()


@functools.lru_cache(maxsize=1 << 16)
def is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


@functools.lru_cache(maxsize=1 << 16)
def cell_ids(value: object) -> tuple[str, ...]:
    return () if pd.isna(value) else tuple(part for part in str(value).split(";") if part)


@functools.lru_cache(maxsize=1 << 16)
def parse_date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(text) if isinstance(text, str) and is_iso_date(text) else None


def as_fraction(text: object) -> Fraction | None:
    """``text`` as an exact fraction ("25/3", "8.3333"), or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def exact_stake(row) -> Fraction | None:
    """The stake as an exact fraction: stake_fraction when set, else stake_pct as written."""
    fraction = getattr(row, "stake_fraction", None)  # optional column: older dictionaries lack it
    if isinstance(fraction, str):
        return as_fraction(fraction)
    return as_fraction(row.stake_pct) if is_number(str(row.stake_pct)) else None

"""How current a view is: the latest status date of the rows it draws, and when they were last checked.

Every curated row that states a figure or a date carries ``last_checked``: the day its figure
was last verified against its sources. A chart or table names the rows it draws through id
columns (``claim_id``/``claim_ids``, ``milestone_id``, ``kpi_row_id``, ``stake_id``,
``target_id``); :func:`of_table` looks those rows up and summarises their dates, so every
block on every page can say how current it is without each view computing it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from rekodiq.data import Dataset
from rekodiq.format import date_text
from rekodiq.sources import split_ids

# (table attribute, id column, the column holding the row's own status or event date)
ROW_DATES = (
    ("financing", "claim_id", "status_date"),
    ("milestones", "milestone_id", "date"),
    ("kpis", "kpi_row_id", "as_of"),
    ("ownership", "stake_id", "valid_from"),
    ("milestone_targets", "target_id", "stated_on"),
)
# Columns of a shown table that name curated rows (a ``claim_ids`` or ``stake_ids`` cell may list
# several; the timeline's ``id`` holds milestone and claim ids).
ID_COLUMNS = ("id", "claim_id", "claim_ids", "milestone_id", "kpi_row_id", "stake_id", "stake_ids", "target_id")


@dataclass(frozen=True)
class Freshness:
    """The dates of the rows behind one view. ``latest_status`` is None when no row has a date."""

    n_rows: int
    latest_status: dt.date | None
    checked_oldest: dt.date
    checked_newest: dt.date

    def text(self) -> str:
        """One plain-text line, e.g. "Latest status 12 Jun 2025 · 14 rows last checked 23-27 Nov 2026"."""
        status = f"Latest status or event date {date_text(self.latest_status)}" if self.latest_status else "No dated rows"
        if self.checked_oldest == self.checked_newest:
            checked = date_text(self.checked_newest)
        else:
            checked = f"between {date_text(self.checked_oldest)} and {date_text(self.checked_newest)}"
        rows = "1 row" if self.n_rows == 1 else f"{self.n_rows} rows"
        return f"{status} · {rows} last checked against their sources {checked}"


def row_dates(data: Dataset) -> pd.DataFrame:
    """Every dated row of the dataset by ``row_id``: its ``file``, ``status_date`` and ``last_checked``."""
    parts = []
    for table, id_column, date_column in ROW_DATES:
        frame = getattr(data, table)
        parts.append(
            pd.DataFrame(
                {
                    "row_id": frame[id_column],
                    "file": f"{table}.csv",
                    "status_date": frame[date_column],
                    "last_checked": frame["last_checked"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True).drop_duplicates("row_id").set_index("row_id")


def ids_in(table: pd.DataFrame) -> list[str]:
    """The curated row ids a shown table names, in first-seen order, without repeats."""
    ids: dict[str, None] = {}
    for column in ID_COLUMNS:
        if column in table.columns:
            for cell in table[column]:
                ids.update(dict.fromkeys(split_ids(cell)))
    return list(ids)


def of_rows(data: Dataset, ids: Iterable[str], dates: pd.DataFrame | None = None) -> Freshness | None:
    """The freshness of the named rows; None when none of them is a curated dated row.

    ``dates`` is ``row_dates(data)`` when the caller already has it (the app caches it per data
    version: building it was a tenth of every cold view's CPU, issue 17); it is only read.
    """
    dates = row_dates(data) if dates is None else dates
    rows = dates.loc[[row_id for row_id in dict.fromkeys(ids) if row_id in dates.index]]
    if rows.empty:
        return None
    status = rows["status_date"].dropna()
    return Freshness(
        n_rows=len(rows),
        latest_status=status.max().date() if len(status) else None,
        checked_oldest=rows["last_checked"].min().date(),
        checked_newest=rows["last_checked"].max().date(),
    )


def of_table(data: Dataset, table: pd.DataFrame, dates: pd.DataFrame | None = None) -> Freshness | None:
    """The freshness of the rows a shown table draws (see :func:`ids_in`; ``dates`` as in :func:`of_rows`)."""
    return of_rows(data, ids_in(table), dates)


def newest_source(data: Dataset) -> dt.date | None:
    """The publication date of the newest source in the dataset."""
    published = data.sources["published"].dropna()
    return published.max().date() if len(published) else None


def checked_in_release(data: Dataset) -> pd.DataFrame:
    """Rows verified for this data release (``last_checked`` on or after the release date), newest first."""
    dates = row_dates(data).reset_index()
    since = pd.Timestamp(data.last_updated)
    checked = dates[dates["last_checked"] >= since]
    return checked.sort_values(["last_checked", "row_id"], ascending=[False, True]).reset_index(drop=True)

"""A table as the page shows it, computed once per cached view instead of on every rerun.

The grid (``st.dataframe``) shows a formula-safe copy of the table with claim links and at
most ``MAX_TABLE_ROWS`` rows (its first page); key tables also show their readable rows as plain text. Both
depend only on the table, so ``rekodiq.ui.cache.view`` computes them when it fills its cache
and hands them out with the view (:class:`ShownChart`, :class:`ShownTable`); the blocks use
them through :func:`shown_for`, which recomputes for any other table. Profiling the Funding
page put the formula-neutralising and readable rows at about a fifth of each rerun (issue 17).

No Streamlit here: pure pandas and pyarrow, so the result can be cached and pickled.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from rekodiq import export
from rekodiq.export.readable import readable_frame
from rekodiq.records import with_claim_links
from rekodiq.views.base import ChartView, TableView

MAX_TABLE_ROWS = 300  # rows a table shows per page (the real data's longest, the sources, has 255; bench/README.md, "scale")


@dataclass(frozen=True)
class Shown:
    """What the page draws for ``source``: the grid frame, the full row count, the readable rows as text.

    ``rows_text`` is None when the table has no readable form (too few reader columns or too
    many rows); the page then shows the grid only. ``arrow`` is ``grid`` converted to Arrow
    exactly as ``st.dataframe`` converts a pandas frame (``pa.Table.from_pandas``, index kept
    as schema metadata), so the grid sends the same bytes without converting on every rerun;
    None when pyarrow cannot convert it as is (``st.dataframe`` then gets ``grid`` and fixes it).
    """

    source: pd.DataFrame
    grid: pd.DataFrame
    total_rows: int
    rows_text: str | None
    arrow: pa.Table | None = None

    @property
    def data(self) -> pa.Table | pd.DataFrame:
        """What to pass to ``st.dataframe``."""
        return self.grid if self.arrow is None else self.arrow


def rows_text(readable: pd.DataFrame) -> str:
    """One line per row ("Financier: US EXIM (C014) · USD m: 1,250 counted"), empty cells left out."""
    rows = readable.itertuples(index=False)
    lines = [" · ".join(f"{col}: {val}" for col, val in zip(readable.columns, row, strict=True) if val) for row in rows]
    return "\n".join(lines)


def grid_of(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as the grid shows them: claim links added, spreadsheet formulas neutralised."""
    return export.spreadsheet_safe(with_claim_links(rows))


def _compact(arrow: pa.Table) -> pa.Table:
    """``arrow`` with buffers of its own rows only.

    ``from_pandas`` of the first page of an Arrow-backed frame gives zero-copy slices of the
    whole column, and a slice pickles its parent's buffers: the 300-row grid of the 100x
    sources table carried 8 MB into the view cache, unpickled on every rerun. ``take`` copies
    just the rows shown.
    """
    return arrow.take(pa.array(range(arrow.num_rows), type=pa.int64())) if arrow.num_rows else arrow


def shown(table: pd.DataFrame) -> Shown:
    """Compute what the page shows for ``table`` (see :class:`Shown`)."""
    readable = readable_frame(table)
    grid = grid_of(table.head(MAX_TABLE_ROWS) if len(table) > MAX_TABLE_ROWS else table)
    try:
        arrow = _compact(pa.Table.from_pandas(grid))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        arrow = None  # mixed-type columns: st.dataframe converts them its own way
    return Shown(table, grid, len(table), None if readable is None else rows_text(readable), arrow)


def shown_for(table: pd.DataFrame, view: object = None) -> Shown:
    """The precomputed :class:`Shown` of ``view`` if it was made from this very ``table``, else computed now."""
    pre = getattr(view, "shown", None)
    if isinstance(pre, Shown) and pre.source is table:
        return pre
    return shown(table)


@dataclass(frozen=True)
class ShownChart(ChartView):
    """A ChartView as ``ui.view`` returns it: with what the page shows of its table."""

    shown: Shown | None = None


@dataclass(frozen=True)
class ShownTable(TableView):
    """A TableView as ``ui.view`` returns it: with what the page shows of its table."""

    shown: Shown | None = None

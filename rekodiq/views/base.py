"""What a view returns: a chart with its table and alt text, or a table.

A view is a plain function ``view(data, *args, **options)`` of the typed dataset, the filters
and page options (strings, dates, tuples): no Streamlit, no I/O beyond the data folder's
static geometry. ``rekodiq.ui.view`` calls it once per distinct argument set and data version
and caches the result for every session.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go

from rekodiq import freshness
from rekodiq.data import Dataset
from rekodiq.explain import Remedy
from rekodiq.freshness import Freshness


@dataclass(frozen=True)
class ChartView:
    """One chart: the figure, the rows behind it exactly as shown (what CSV/XLSX export), its alt text.

    ``note`` (plain text, may be empty) is shown just above the chart, e.g. how many rows match.
    ``summary`` is one sentence computed from the data saying what the chart shows (shown on the
    page, appended to the alt text and written into the downloads). ``remedy`` (an
    ``explain.Remedy``) is the one filter change that shows data when the chart is empty.
    """

    figure: go.Figure
    table: pd.DataFrame
    alt: str
    note: str = ""
    freshness: Freshness | None = None
    summary: str = ""
    remedy: Remedy | None = None


@dataclass(frozen=True)
class TableView:
    """One table as shown and downloaded, with an optional plain-text ``note`` shown above it."""

    table: pd.DataFrame
    note: str = ""
    freshness: Freshness | None = None


def with_freshness(result: ChartView | TableView, data: Dataset, dates: pd.DataFrame | None = None) -> ChartView | TableView:
    """``result`` with the freshness of the curated rows its table draws (None when it draws none).

    ``dates``: ``freshness.row_dates(data)`` if the caller has it already.
    """
    return replace(result, freshness=freshness.of_table(data, result.table, dates))


ARROW_TEXT_MIN_ROWS = 1000  # longer tables keep their text in Arrow (the real data's longest has 255 rows)


def with_arrow_text(result):
    """``result`` (a ChartView or TableView) with the text columns of a long table stored as Arrow strings.

    A cached view is handed to each rerun as a copy (a pickle load): a column of 25,000 Python
    strings costs about ten times as much to load as the same column in Arrow, and the grid sends
    Arrow anyway. Only columns whose every value is text change (missing values become ``<NA>``);
    tables under ``ARROW_TEXT_MIN_ROWS`` rows, and anything else, are returned unchanged.
    """
    table = getattr(result, "table", None)
    if not isinstance(table, pd.DataFrame) or len(table) < ARROW_TEXT_MIN_ROWS:
        return result
    text = [c for c in table.columns if table[c].dtype == object and pd.api.types.infer_dtype(table[c], skipna=True) == "string"]
    if not text:
        return result
    return replace(result, table=table.astype(dict.fromkeys(text, "string[pyarrow]")))

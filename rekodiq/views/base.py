"""What a view returns: a chart with its table and alt text, or a table.

A view is a plain function ``view(data, *args, **options)`` of the typed dataset, the filters
and page options (strings, dates, tuples): no Streamlit, no I/O beyond the data folder's
static geometry. ``rekodiq.ui.view`` calls it once per distinct argument set and data version
and caches the result for every session.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go


@dataclass(frozen=True)
class ChartView:
    """One chart: the figure, the rows behind it exactly as shown (what CSV/XLSX export), its alt text.

    ``note`` (plain text, may be empty) is shown just above the chart, e.g. how many rows match.
    """

    figure: go.Figure
    table: pd.DataFrame
    alt: str
    note: str = ""


@dataclass(frozen=True)
class TableView:
    """One table as shown and downloaded, with an optional plain-text ``note`` shown above it."""

    table: pd.DataFrame
    note: str = ""

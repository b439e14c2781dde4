"""What the page shows of a table, precomputed per cached view (rekodiq.ui.shown), and the view cache key."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.io as pio
import pyarrow as pa
import pytest

from rekodiq import theme, views
from rekodiq.export import spreadsheet_safe
from rekodiq.export.readable import readable_frame
from rekodiq.filters import Filters
from rekodiq.records import with_claim_links
from rekodiq.ui import cache
from rekodiq.ui.shown import MAX_TABLE_ROWS, ShownChart, ShownTable, shown, shown_for


def _ledger(mini_dataset) -> pd.DataFrame:
    return views.funding.ledger(mini_dataset, Filters(), dt.date(2026, 11, 27)).table


def test_shown_grid_is_the_safe_table_with_claim_links(mini_dataset):
    table = _ledger(mini_dataset)
    table.loc[table.index[0], "financier"] = "=HYPERLINK(1)"
    s = shown(table)
    pd.testing.assert_frame_equal(s.grid, spreadsheet_safe(with_claim_links(table)))
    assert s.grid["financier"].iloc[0] == "'=HYPERLINK(1)"
    assert "claim_link" in s.grid.columns and s.total_rows == len(table)
    # The Arrow form is what st.dataframe would make of the grid (same columns, same values).
    assert s.arrow is not None and s.data is s.arrow
    assert s.arrow.equals(pa.Table.from_pandas(s.grid))


def test_shown_rows_text_is_one_line_per_readable_row(mini_dataset):
    table = views.funding.disputed(mini_dataset, Filters()).table
    readable = readable_frame(table)
    s = shown(table)
    if readable is None:
        assert s.rows_text is None
        return
    lines = s.rows_text.split("\n")
    assert len(lines) == len(readable)
    first = readable.iloc[0]
    assert lines[0] == " · ".join(f"{c}: {v}" for c, v in first.items() if v)


def test_long_tables_show_their_first_rows_only():
    table = pd.DataFrame({"x": np.arange(MAX_TABLE_ROWS + 5)})
    s = shown(table)
    assert len(s.grid) == MAX_TABLE_ROWS and s.total_rows == MAX_TABLE_ROWS + 5


def test_shown_for_uses_the_precomputed_grid_only_for_its_own_table(mini_dataset):
    table = _ledger(mini_dataset)
    view = ShownTable(table, shown=shown(table))
    assert shown_for(table, view) is view.shown
    other = table.head(2)
    assert shown_for(other, view).total_rows == 2  # a different frame: computed afresh
    assert shown_for(table, None).source is table


def test_cached_views_come_with_what_the_page_shows(mini_data_dir):
    ctx = cache.PageContext(str(mini_data_dir), "mini", dt.date(2026, 11, 27), Filters())
    chart = cache.view(ctx, views.funding.capital_stack, Filters())
    assert isinstance(chart, ShownChart) and chart.shown.source is chart.table
    again = cache.view(ctx, views.funding.capital_stack, Filters())
    assert again.table is chart.table and again.figure is not chart.figure  # shared, read-only; own figure
    table = cache.view(ctx, views.funding.ledger, Filters(), dt.date(2026, 11, 27))
    assert isinstance(table, ShownTable) and table.shown.source is table.table


def test_view_keys_name_every_argument_by_value():
    a = cache._key("v", ("d", "1", "2026-11-27"), (Filters(lenders=("JBIC",)),), ())
    b = cache._key("v", ("d", "1", "2026-11-27"), (Filters(lenders=("US EXIM",)),), ())
    assert a != b and "JBIC" in a
    with pytest.raises(TypeError):
        cache._key("v", ("d",), (object(),), ())


def test_house_template_drops_defaults_no_chart_uses(mini_dataset):
    layout = pio.templates[theme.TEMPLATE_NAME].layout.to_plotly_json()
    assert not set(theme.TEMPLATE_LAYOUT_UNUSED) & set(layout)
    assert layout["font"]["family"] == theme.FONT_FAMILY
    # No chart has a 3D, polar or ternary subplot, or numeric colours without their own scale.
    fig = views.funding.by_financier(mini_dataset, Filters()).figure.to_plotly_json()
    assert not {"scene", "polar", "ternary"} & set(fig["layout"])

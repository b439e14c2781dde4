"""Readable CSV and XLSX downloads (issue 16, item 3): the page's headers, the columns that matter
first, sources named by publisher and date, numbers as numbers with a number format in XLSX,
formula neutralising kept. Every block's CSV/XLSX goes through ``export.download_frame``."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from rekodiq import export
from rekodiq.filters import Filters
from rekodiq.views import funding

LEDGER_FIRST = [
    "Financier",
    "Claim",
    "Amount (USD m)",
    "High end (USD m)",
    "Status",
    "Status date",
    "Counted in totals",
    "Source",
]


def _ledger_rows(mini_dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = funding.disputed(mini_dataset, Filters(include_unconfirmed=True)).table
    assert len(table) > 1
    return table, export.download_frame(table, mini_dataset.sources)


def test_csv_has_the_page_headers_key_columns_first_and_publishers(mini_dataset):
    table, rows = _ledger_rows(mini_dataset)
    parsed = list(csv.reader(io.StringIO(export.table_csv(rows).decode("utf-8-sig"), newline="")))
    head = parsed[0]
    assert head[: len(LEDGER_FIRST)] == LEDGER_FIRST
    assert head[-2:] == ["Source link", "Source ids"]  # the link and the ids for joins close the row
    assert "source_ids" not in head and "amount_usd" not in head
    publishers = set(mini_dataset.sources["publisher"])
    source = head.index("Source")
    for record, ids in zip(parsed[1:], table["source_ids"], strict=True):
        first_id = ids.split(";")[0]
        publisher = mini_dataset.sources.set_index("source_id").loc[first_id, "publisher"]
        assert record[source].startswith(f"{publisher}, "), record[source]  # "Publisher, 2025-08-22; ..."
        assert not any(part.strip().startswith("S0") for part in record[source].split(";"))
        assert record[source].split(",")[0] in publishers
    counted = head.index("Counted in totals")
    assert {r[counted] for r in parsed[1:]} <= {"yes", "no"}
    amount = head.index("Amount (USD m)")
    assert [float(r[amount]) for r in parsed[1:] if r[amount]] == [float(v) for v in table["amount_usd"].dropna()]


def test_xlsx_has_the_same_headers_and_formatted_numbers(mini_dataset):
    table, rows = _ledger_rows(mini_dataset)
    payload = export.table_xlsx(rows, sources=export.sources_for(table, mini_dataset.sources), readme_lines=["x"])
    sheet = openpyxl.load_workbook(io.BytesIO(payload))["Data"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][: len(LEDGER_FIRST)]) == LEDGER_FIRST
    assert list(values[0]) == list(rows.columns)
    amount = values[0].index("Amount (USD m)") + 1
    cells = [sheet.cell(row=r, column=amount) for r in range(2, sheet.max_row + 1)]
    numbers = [c for c in cells if c.value is not None]
    assert numbers and all(c.data_type == "n" and c.number_format == export.tables.FLOAT_FORMAT for c in numbers)
    source = values[0].index("Source")
    assert all(row[source] and not row[source].startswith("S0") for row in values[1:])


def test_readable_rows_keep_formula_neutralising(mini_dataset):
    table, _ = _ledger_rows(mini_dataset)
    hostile = table.assign(financier='=HYPERLINK("http://evil")')
    rows = export.download_frame(hostile, mini_dataset.sources)
    parsed = list(csv.reader(io.StringIO(export.table_csv(rows).decode("utf-8-sig"), newline="")))
    assert {r[0] for r in parsed[1:]} == {'\'=HYPERLINK("http://evil")'}


def test_headers_are_unique_for_every_funding_view(mini_dataset):
    filters = Filters(include_unconfirmed=True)
    for view in (funding.by_financier(mini_dataset, filters), funding.capital_stack(mini_dataset, filters)):
        rows = export.download_frame(view.table, mini_dataset.sources)
        assert rows.columns.is_unique and len(rows) == len(view.table)
        assert all("_" not in c for c in rows.columns), list(rows.columns)

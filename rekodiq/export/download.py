"""The rows of a chart or table as a reader downloads them (CSV and XLSX): the page's words as
headers, the columns that matter first, sources by publisher and date, yes/no for flags.

One place for every block's CSV and XLSX (``rekodiq.ui.blocks`` passes each ``ChartView.table``
or ``TableView.table`` through :func:`download_frame`). The JSON download and the data API keep
the raw columns (lossless, for code). Numbers stay numbers: CSV writes them bare, XLSX gives them
a number format (``export.tables``); formula neutralising still happens when the file is written.
"""

from __future__ import annotations

import pandas as pd

from rekodiq.sources import publisher_dates

# Raw column -> header, in the words the page uses. Columns not listed get their name with
# spaces ("claim_group" -> "Claim group").
HEADERS = {
    "financier": "Financier",
    "claim_id": "Claim",
    "claim_ids": "Claims",
    "n_claims": "Number of claims",
    "project": "Project",
    "block": "Block",
    "component": "Component",
    "holder": "Holder",
    "vehicle": "Vehicle",
    "side": "Side",
    "title": "Event",
    "milestone": "Milestone",
    "category": "Category",
    "date": "Date",
    "start": "From",
    "end": "To",
    "instrument": "Instrument",
    "amount_usd": "Amount (USD m)",
    "amount_usd_high": "High end (USD m)",
    "amount_kind": "Amount kind",
    "amount_reported": "Amount as reported",
    "selected_usd": "Selected (USD m)",
    "stake_pct": "Stake (%)",
    "funded_share_pct": "Share of equity paid (%)",
    "status": "Status",
    "status_date": "Status date",
    "counts_in_totals": "Counted in totals",
    "selection_note": "Why this version",
    "financier_country": "Financier country",
    "financier_type": "Financier type",
    "host_country": "Host country",
    "iso3": "Country code",
    "country_name": "Country",
    "last_checked": "Last checked",
    "health": "Record health (0-100)",
    "days": "Days",
    "publisher": "Publisher",
    "published": "Published",
    "grade": "Grade",
    "url": "Link",
    "is_mirror": "Mirror",
    "is_multilateral": "Multilateral",
    "source": "Source",
    "source_url": "Source link",
    "source_ids": "Source ids",
}
# The columns a reader looks for first, in this order (those present); the rest keep their order.
FIRST = (
    "country_name",
    "financier",
    "holder",
    "block",
    "component",
    "publisher",
    "published",
    "title",
    "milestone",
    "date",
    "start",
    "end",
    "claim_id",
    "amount_usd",
    "amount_usd_high",
    "stake_pct",
    "status",
    "status_date",
    "counts_in_totals",
    "source",
)
LAST = ("source_url", "source_ids")  # the link and the ids (for joins with the Sources sheet) close the row
# In a table of sources (it has a publisher), "title" is the document's title, not an event.
SOURCE_TABLE_HEADERS = {"title": "Title", "source_id": "Source id"}


def header(column: object, *, of_sources: bool = False) -> str:
    """The reader's header for a raw column name (``of_sources``: the table lists sources)."""
    name = str(column)
    if of_sources and name in SOURCE_TABLE_HEADERS:
        return SOURCE_TABLE_HEADERS[name]
    return HEADERS.get(name) or name.replace("_", " ").strip().capitalize()


def download_frame(table: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """``table`` as a reader downloads it: readable headers, key columns first, "Source" by publisher and date.

    Every row is kept; values are not rounded or turned into text except the flags (True/False
    -> "yes"/"no"). With ``source_ids``, "Source" reads "UrduPoint, 2025-08-22; ARY News, 2025-08-22"
    (it replaces the on-screen "publisher (grade)" column); the ids stay as the last column.
    """
    out = table.copy()
    if "source_ids" in out.columns:
        out["source"] = publisher_dates(out["source_ids"].tolist(), sources)
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column].dtype):
            out[column] = out[column].map({True: "yes", False: "no"})
    present = list(out.columns)
    order = [c for c in FIRST if c in present]
    order += [c for c in present if c not in order and c not in LAST]
    order += [c for c in LAST if c in present]
    out = out[order]
    out.columns = [header(c, of_sources="publisher" in present) for c in order]
    return out

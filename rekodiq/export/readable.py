"""Tables as a reader sees them: the columns that matter first, plain headers, formatted numbers.

Used for the findable key tables on the page (``st.table``) and the PDF brief. Text cells are
formula-neutralised like every download.
"""

from __future__ import annotations

import pandas as pd

from rekodiq.export.tables import spreadsheet_safe

# The columns a reader needs, first and with plain headers (key tables are drawn as st.table,
# real HTML text that the browser's find reaches; the full grid stays one click away). Few,
# short columns: on a 390 px phone the table must fit without scrolling sideways (axe: a
# scrolling region with nothing focusable in it is out of a keyboard's reach).
READABLE_COLUMNS = {
    "claim_id": "Claim",
    "financier": "Financier",
    "amount_usd": "USD m",
    "counts_in_totals": "Counted",
    "date": "Date",
    "title": "Event",
    "source": "Source",
}
MAX_READABLE_ROWS = 60


def readable_frame(table: pd.DataFrame, max_rows: int | None = MAX_READABLE_ROWS) -> pd.DataFrame | None:
    """The reader's columns of ``table`` with friendly headers and formatted numbers (None if too few match)."""
    cols = [c for c in READABLE_COLUMNS if c in table.columns]
    if len(cols) < 3 or (max_rows is not None and len(table) > max_rows):
        return None
    out = table[cols].copy()
    if "amount_usd" in out:
        out["amount_usd"] = [f"{v:,.0f}" if pd.notna(v) else "–" for v in out["amount_usd"]]
    if "counts_in_totals" in out:
        out["counts_in_totals"] = ["yes" if v is True or v == 1 else "no" for v in out["counts_in_totals"]]
    return spreadsheet_safe(out.astype(str).replace({"NaT": "", "nan": "", "None": ""})).rename(columns=READABLE_COLUMNS)

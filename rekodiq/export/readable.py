"""Tables as a reader sees them: the columns that matter first, plain headers, formatted numbers.

Used for the findable key tables on the page (plain text rows) and the PDF brief. Text cells are
formula-neutralised like every download.
"""

from __future__ import annotations

import pandas as pd

from rekodiq.export.tables import spreadsheet_safe

# The columns a reader needs, first and with plain headers (key tables are drawn as plain text,
# which the browser's find reaches; the full grid stays one click away). Few,
# short columns: on a 390 px phone the table must fit without scrolling sideways (axe: a
# scrolling region with nothing focusable in it is out of a keyboard's reach).
READABLE_COLUMNS = {
    "financier": "Financier",
    "claim_id": "Claim",
    "amount_usd": "USD m",
    "date": "Date",
    "title": "Event",
    "source": "Source",
}
MAX_READABLE_ROWS = 60


def readable_frame(table: pd.DataFrame, max_rows: int | None = MAX_READABLE_ROWS) -> pd.DataFrame | None:
    """The reader's columns of ``table`` with friendly headers and formatted numbers (None if too few match)."""
    cols = [c for c in READABLE_COLUMNS if c in table.columns]
    if len([c for c in cols if c != "claim_id"]) < 3 or (max_rows is not None and len(table) > max_rows):
        return None
    out = table[cols].copy()
    if "amount_usd" in out:
        out["amount_usd"] = [f"{v:,.0f}" if pd.notna(v) else "–" for v in out["amount_usd"]]
        if "counts_in_totals" in table:  # one column, not two: "1,250 counted" / "1,300 not counted"
            words = ["counted" if v is True or v == 1 else "not counted" for v in table["counts_in_totals"]]
            out["amount_usd"] = [f"{a} {w}" for a, w in zip(out["amount_usd"], words, strict=True)]
    if "claim_id" in out and "financier" in out:  # "US EXIM (C014)": one column fewer on a phone
        out["financier"] = [f"{f} ({c})" for f, c in zip(out["financier"], out["claim_id"], strict=True)]
        out = out.drop(columns="claim_id")
    return spreadsheet_safe(out.astype(str).replace({"NaT": "", "nan": "", "None": ""})).rename(columns=READABLE_COLUMNS)

"""Display tables: the rows behind each chart, with readable columns and source links.

Pure pandas. The frames returned here are exactly what pages show and what downloads
export, so a downloaded CSV always equals the table on screen.
"""

from __future__ import annotations

import pandas as pd

from rekodiq.filters import PSEUDO_COUNTRIES


def source_lookup(sources: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """source_id -> (url, publisher, grade)."""
    # zip over the columns: itertuples builds a namedtuple class on every call (~1 ms each).
    return dict(zip(sources["source_id"], zip(sources["url"], sources["publisher"], sources["grade"], strict=True), strict=True))


def _ids(value: str) -> list[str]:
    return [part for part in str(value).split(";") if part]


def with_sources(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add ``source`` (publishers with grades) and ``source_url`` (the first source's URL)."""
    lookup = source_lookup(sources)
    out = frame.copy()
    out["source"] = [
        "; ".join(f"{lookup[s][1]} ({lookup[s][2]})" for s in _ids(ids) if s in lookup) for ids in frame["source_ids"]
    ]
    out["source_url"] = [next((lookup[s][0] for s in _ids(ids) if s in lookup), "") for ids in frame["source_ids"]]
    return out


def first_source_label(source_ids: str, sources: pd.DataFrame) -> str:
    lookup = source_lookup(sources)
    first = next((s for s in _ids(source_ids) if s in lookup), None)
    return f"{lookup[first][1]} ({lookup[first][2]})" if first else ""


def claims_table(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The filtered claims ledger as shown on the funding and peer pages."""
    cols = [
        "claim_id", "project", "financier", "financier_country", "financier_type", "instrument", "amount_reported", "currency",
        "amount_usd", "amount_usd_high", "amount_kind", "status", "status_date", "counts_in_totals", "supersedes", "part_of",
        "selection_note", "note", "source_ids",
    ]
    out = with_sources(claims[cols], sources)
    out["status_date"] = out["status_date"].dt.date
    return out.sort_values(["project", "status_date", "claim_id"], ascending=[True, False, True]).reset_index(drop=True)


def country_name(code: str, names: dict[str, str]) -> str:
    return PSEUDO_COUNTRIES.get(code) or names.get(code, code)


def milestones_table(milestones: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    cols = ["milestone_id", "date", "date_precision", "end_date", "title", "category", "status", "project", "claim_id", "note", "source_ids"]
    out = with_sources(milestones[cols], sources)
    out["date"] = out["date"].dt.date
    out["end_date"] = out["end_date"].dt.date
    return out.sort_values("date", ascending=False).reset_index(drop=True)


def date_columns_to_iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as plain dates, so tables and CSVs show 2025-06-12, not timestamps."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.date
    return out

"""Which sources stand behind a downloaded table, and the source line drawn under a chart."""

from __future__ import annotations

import pandas as pd

from rekodiq.export.names import SITE_NAME

NO_ROW_SOURCES_NOTE = "No row-level sources in this table: the list gives every source in this data version."


def _source_ids(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(";") if part.strip()]


def has_row_sources(df: pd.DataFrame) -> bool:
    """True when ``df`` carries a ``source_ids`` column (``;``-separated ids into data.sources)."""
    return "source_ids" in df.columns


def sources_for(df: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` behind ``df``, ordered by ``source_id``.

    With a ``source_ids`` column: exactly the sources its rows cite, plus ``rows_citing`` (how
    many rows of ``df`` cite each). Without one: every source (see :data:`NO_ROW_SOURCES_NOTE`;
    callers may pass a narrower ``sources`` frame instead).
    """
    if not has_row_sources(df):
        return sources.sort_values("source_id", kind="stable").reset_index(drop=True)
    counts: dict[str, int] = {}
    for value in df["source_ids"].tolist():
        for sid in dict.fromkeys(_source_ids(value)):
            counts[sid] = counts.get(sid, 0) + 1
    out = sources[sources["source_id"].isin(counts)].copy()
    out["rows_citing"] = out["source_id"].map(counts).astype("int64")
    return out.sort_values("source_id", kind="stable").reset_index(drop=True)


def sources_note(df: pd.DataFrame) -> str | None:
    """The note to print with the sources of ``df`` (``None`` when its rows cite sources)."""
    return None if has_row_sources(df) else NO_ROW_SOURCES_NOTE


def _publisher_dates(cited: pd.DataFrame, limit: int) -> list[str]:
    """ "Publisher, 10 Dec 2025" for the ``limit`` most recent cited sources (newest first)."""
    dated = cited.assign(published_at=pd.to_datetime(cited.get("published"), errors="coerce")).sort_values(
        "published_at", ascending=False, kind="stable"
    )
    out = []
    for row in dated.head(limit).itertuples(index=False):
        when = row.published_at.strftime("%-d %b %Y") if pd.notna(row.published_at) else "undated"
        out.append(f"{row.publisher}, {when}")
    return out


def source_line(df: pd.DataFrame, sources: pd.DataFrame, limit: int = 4) -> str:
    """One line for the image footer naming where the rows come from, by publisher and date (plain text).

    "Sources: Arab News Pakistan, 10 Dec 2025; Dawn, 18 Sep 2025; … and 5 more; compiled by <site>."
    """
    cited = sources_for(df, sources)
    n = len(cited)
    if has_row_sources(df) and n:
        named = "; ".join(_publisher_dates(cited, limit))
        more = f"; and {n - limit} more" if n > limit else ""
        return f"Sources: {named}{more}; compiled by {SITE_NAME} (titles and links in the CSV/XLSX)."
    return f"Source: {SITE_NAME}, compiled from the {n} public documents listed on its Sources page."

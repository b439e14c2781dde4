"""Tables for the Sources and method page: sources, grades, judgement calls, rival versions,
the status ladder, the data dictionary and row counts.

Pure pandas (no Streamlit). Each function returns the frame exactly as the page shows it, so
a downloaded CSV equals the table on screen. Wording that explains the method is written here
in code; dataset text only ever goes into table cells.
"""

from __future__ import annotations

import pandas as pd

from rekodiq import claims, headline
from rekodiq.data import TABLES, Dataset
from rekodiq.format import date_columns_to_iso, dates_text
from rekodiq.sources import with_sources
from rekodiq.vocabulary import (
    DEFAULT_MIN_STATUS,
    FIRM_STATUSES,
    GRADE_MEANINGS,
    GRADES,
    STATUS_DEFINITIONS,
    STATUS_LADDER,
    STATUSES,
)


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """Every source with its grade, publisher, date (blank when undated), mirror flag and link."""
    out = pd.DataFrame(
        {
            "source_id": sources["source_id"],
            "grade": sources["grade"],
            "publisher": sources["publisher"],
            "published": dates_text(sources["published"], sources["published_precision"]),
            "url": sources["url"],
            "title": sources["title"],
            "is_mirror": sources["is_mirror"].astype(bool),
            "original_publisher": sources["original_publisher"],
            "date_precision": sources["published_precision"],
            "note": sources["note"],
        }
    )
    return out.sort_values("source_id", kind="stable").reset_index(drop=True)


def grade_counts(sources: pd.DataFrame) -> pd.DataFrame:
    """Sources per grade (A, B, C in order, zero when absent) with what each grade means."""
    counts = sources["grade"].value_counts()
    grades = list(GRADES) + sorted(set(counts.index) - set(GRADES))
    return pd.DataFrame(
        {
            "grade": grades,
            "sources": [int(counts.get(g, 0)) for g in grades],
            "meaning": [GRADE_MEANINGS.get(g, "") for g in grades],
        }
    )


def judgements_table(judgements: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The judgement calls: topic, decision, reason, alternatives, with the sources behind them."""
    cols = ["judgement_id", "topic", "decision", "reason", "alternatives", "related_ids", "source_ids"]
    return with_sources(judgements[cols], sources).sort_values("judgement_id", kind="stable").reset_index(drop=True)


def disputed_claims_table(financing: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Every version of every claim group with more than one version; the counted one first."""
    cols = [
        "claim_group",
        "claim_id",
        "project",
        *claims.VERSION_COLUMNS,
        "counts_in_totals",
        "supersedes",
        "part_of",
        "selection_note",
        "source_ids",
    ]
    return date_columns_to_iso(with_sources(claims.disputed_groups(financing)[cols], sources))


def kpi_versions_table(kpis: pd.DataFrame, sources: pd.DataFrame, *, only_disputed: bool = True) -> pd.DataFrame:
    """KPI versions with the preferred one first and the reason it is preferred.

    ``only_disputed`` keeps KPIs with more than one version (the ones where a choice was made).
    """
    rows = kpis
    if only_disputed:
        sizes = kpis.groupby("kpi")["kpi_row_id"].transform("count")
        rows = kpis[sizes > 1]
    cols = ["kpi", "label", *headline.KPI_COLUMNS]
    out = rows[cols].sort_values(["kpi", "preferred", "version"], ascending=[True, False, True], kind="stable")
    return date_columns_to_iso(with_sources(out, sources)).reset_index(drop=True)


def status_ladder_table(min_status: str = DEFAULT_MIN_STATUS) -> pd.DataFrame:
    """The eight statuses in order with a definition and how the filters treat each.

    ``shown_by_default`` says whether a claim at that status passes the default filters
    (minimum ``min_status``, rumoured/expected and lapsed claims excluded).
    """
    rows = []
    for status in STATUSES:
        on_ladder = status in STATUS_LADDER
        if not on_ladder:
            use = "Only with the cancelled toggle"
        elif status not in FIRM_STATUSES:
            use = "Only with the rumoured toggle"
        else:
            use = "Can be the minimum"
        rows.append(
            {
                "step": str(STATUS_LADDER.index(status) + 1) if on_ladder else "off",
                "status": status,
                "definition": STATUS_DEFINITIONS[status],
                "filter": use,
                "shown_by_default": on_ladder and STATUS_LADDER.index(status) >= STATUS_LADDER.index(min_status),
            }
        )
    return pd.DataFrame(rows)


FILE_CONTENTS = {
    "sources": "One row per source document, with its grade",
    "financing": "One row per financing claim (Reko Diq and peer deals)",
    "entities": "Companies, lenders and state bodies",
    "ownership": "Stakes in the project company over time",
    "milestones": "Dated events",
    "milestone_targets": "Each stated target date for a milestone, as it slipped",
    "places": "Mine, towns and ports on the map",
    "routes": "Export routes (rail, road, pipeline)",
    "route_points": "The points that draw each route",
    "kpis": "Headline figures, every version",
    "judgements": "Judgement calls where sources disagree",
    "data_dictionary": "One row per column of every file",
}


def row_counts(data: Dataset) -> pd.DataFrame:
    """Rows per data file, in the order the loader reads them, then the data dictionary."""
    files = [(f"{name}.csv", len(data.table(name)), FILE_CONTENTS.get(name, "")) for name in TABLES]
    files.append(("data_dictionary.csv", len(data.dictionary), FILE_CONTENTS["data_dictionary"]))
    return pd.DataFrame(files, columns=["file", "rows", "contents"])


def dictionary_table(dictionary: pd.DataFrame) -> pd.DataFrame:
    """The data dictionary as published (one row per column of every file)."""
    return dictionary.reset_index(drop=True)

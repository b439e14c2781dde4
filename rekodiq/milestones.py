"""Milestones and target dates: timeline points, finance events, slippage, the milestones table.

Pure pandas; inputs are the typed ``milestones``, ``milestone_targets`` and ``financing`` tables.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq.filters import Filters
from rekodiq.format import plain_dates
from rekodiq.sources import source_labels, with_sources
from rekodiq.vocabulary import DONE, MILESTONE_KEY_LABELS, MILESTONE_PROJECTS, REKO_DIQ

EVENT_COLUMNS = [
    "claim_id",
    "project",
    "financier",
    "financier_type",
    "instrument",
    "amount_usd",
    "amount_kind",
    "status",
    "status_date",
    "counts_in_totals",
    "source_ids",
]
TIMELINE_COLUMNS = ["row", "id", "date", "end_date", "group", "what", "status", "source_ids"]


def filter_milestones(milestones: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Milestones in the project scope whose date (or span) touches the filter's date range."""
    mask = milestones["project"].isin(MILESTONE_PROJECTS.get(filters.project, (REKO_DIQ,)))
    last = milestones["end_date"].fillna(milestones["date"])
    if filters.date_from:
        mask &= last >= pd.Timestamp(filters.date_from)
    if filters.date_to:
        mask &= milestones["date"] <= pd.Timestamp(filters.date_to)
    return milestones[mask]


def timeline_window(
    milestones: pd.DataFrame, events: pd.DataFrame, filters: Filters, recent_start: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """The date range the timeline should open on, or None to fit every point.

    The filter's dates bound it; ``recent_start`` (a "recent years" zoom) moves the start later
    unless that would leave nothing. Missing ends fall back to the data's first and last days.
    """
    if not (filters.date_from or filters.date_to or recent_start):
        return None
    days = pd.concat(
        [milestones["date"], milestones["end_date"], events["status_date"] if len(events) else milestones["date"]]
    ).dropna()
    if days.empty:
        return None
    start = filters.date_from or days.min().date()
    end = filters.date_to or days.max().date()
    if recent_start and recent_start < end:
        start = max(start, recent_start)
    return (start, end) if start <= end else None


def milestone_points(milestones: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Milestones ready to plot: adds ``source_label`` (first source's publisher and grade)."""
    out = milestones.assign(source_label=source_labels(milestones["source_ids"], sources))
    return out.sort_values(["date", "milestone_id"]).reset_index(drop=True)


def finance_events(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Financing claims as dated events (by ``status_date``), with a source label; oldest first."""
    out = claims[EVENT_COLUMNS].assign(source_label=source_labels(claims["source_ids"], sources))
    return out.sort_values(["status_date", "claim_id"]).reset_index(drop=True)


def timeline_table(points: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Every point of the timeline chart, milestones and finance events, in one table."""
    m = points.assign(row="milestone", id=points["milestone_id"], group=points["category"], what=points["title"])[
        TIMELINE_COLUMNS
    ]
    e = events.assign(
        row="finance event",
        id=events["claim_id"],
        date=events["status_date"],
        end_date=pd.NaT,
        group=events["financier"],
        what=events["financier"] + " · " + events["instrument"],
    )[TIMELINE_COLUMNS]
    frames = [f for f in (m, e) if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else m.iloc[0:0]
    out = plain_dates(with_sources(out, sources), "date", "end_date")
    return out.sort_values(["date", "row", "id"]).reset_index(drop=True)


def milestones_table(milestones: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The milestones as a table, newest first, with sources."""
    cols = [
        "milestone_id",
        "date",
        "date_precision",
        "end_date",
        "title",
        "category",
        "status",
        "project",
        "claim_id",
        "note",
        "source_ids",
    ]
    out = plain_dates(with_sources(milestones[cols], sources), "date", "end_date")
    return out.sort_values("date", ascending=False).reset_index(drop=True)


def latest_developments(milestones: pd.DataFrame, sources: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The ``n`` most recent Reko Diq events that happened, newest first, with sources."""
    done = milestones[(milestones["status"] == DONE) & (milestones["project"] == REKO_DIQ)]
    rows = done.sort_values("date", ascending=False).head(n)
    columns = ["date", "title", "category", "milestone_id", "source_ids"]
    return plain_dates(with_sources(rows[columns], sources), "date").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Target dates and how they slipped
# --------------------------------------------------------------------------------------


def slippage(targets: pd.DataFrame) -> pd.DataFrame:
    """Target history per milestone with the slip versus the first dated target.

    Adds ``slip_days`` (target_date minus the earliest stated target_date of that milestone;
    NA when the target was deferred without a date), ordered by milestone and statement date.
    """
    out = targets.sort_values(["milestone_key", "stated_on"], kind="stable").copy()
    first = out.dropna(subset=["target_date"]).groupby("milestone_key")["target_date"].first()
    out["slip_days"] = (out["target_date"] - out["milestone_key"].map(first)).dt.days.astype("Int64")
    return out.reset_index(drop=True)


def slippage_rows(targets: pd.DataFrame, sources: pd.DataFrame, keys: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Target history (:func:`slippage`) with milestone names and source labels.

    ``keys`` keeps only those milestones (all when None).
    """
    out = slippage(targets)
    if keys is not None:
        out = out[out["milestone_key"].isin(keys)]
    out = out.assign(
        milestone=out["milestone_key"].map(MILESTONE_KEY_LABELS).fillna(out["milestone_key"]),
        source_label=source_labels(out["source_ids"], sources),
    )
    return out.reset_index(drop=True)


def slippage_table(rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The slippage chart's rows as a table (plain dates, sources added)."""
    cols = [
        "milestone",
        "target_id",
        "stated_on",
        "target_label",
        "target_date",
        "target_precision",
        "outcome",
        "slip_days",
        "note",
        "source_ids",
    ]
    return plain_dates(with_sources(rows[cols], sources), "stated_on", "target_date")


def tracked_milestones(targets: pd.DataFrame) -> list[str]:
    """Milestone keys with target history, in the order they first appear."""
    return list(dict.fromkeys(targets["milestone_key"]))

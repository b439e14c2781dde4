"""Headline figures for the overview tiles, each with its as-of date, source and rivals.

Pure: takes the typed dataset, returns plain values. A tile never mixes versions: the
value is the preferred (or counted) one, and ``alternatives`` lists the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from rekodiq import aggregate
from rekodiq.charts.common import usd_m
from rekodiq.data import Dataset
from rekodiq.filters import DEBT_INSTRUMENTS, REKO_DIQ, STATUS_LADDER, status_rank
from rekodiq.tables import source_lookup, with_sources

# Debt counts as approved from this rung of the status ladder upwards.
APPROVED_FROM = "board-approved"


@dataclass(frozen=True)
class Tile:
    key: str
    value: str
    as_of: dt.date | None
    source_url: str
    source_label: str
    alternatives: pd.DataFrame


def _source(data: Dataset, source_ids: str) -> tuple[str, str]:
    lookup = source_lookup(data.sources)
    first = next((s for s in str(source_ids).split(";") if s in lookup), None)
    return (lookup[first][0], f"{lookup[first][1]} ({lookup[first][2]})") if first else ("", "")


def _date(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def kpi_tile(data: Dataset, kpi: str) -> Tile:
    """The preferred version of ``kpi`` with every other version as alternatives."""
    rows = data.kpis[data.kpis["kpi"] == kpi]
    best = rows[rows["preferred"]].iloc[0]
    url, label = _source(data, best["source_ids"])
    value = usd_m(best["value"]) if best["unit"] == "USD m" else f"{best['value']:,.0f} {best['unit']}"
    alternatives = with_sources(
        rows[["version", "value", "value_high", "unit", "represents", "basis", "preferred", "preference_reason", "as_of", "source_ids"]], data.sources
    )
    alternatives["as_of"] = alternatives["as_of"].dt.date
    return Tile(kpi, value, _date(best["as_of"]), url, label, alternatives.sort_values("preferred", ascending=False).reset_index(drop=True))


def approved_debt_tile(data: Dataset) -> Tile:
    """Counted Reko Diq debt at board-approved or beyond; the claims are the alternatives table."""
    claims = data.financing[
        (data.financing["project"] == REKO_DIQ)
        & data.financing["instrument"].isin(DEBT_INSTRUMENTS)
        & data.financing["status"].map(status_rank).ge(STATUS_LADDER.index(APPROVED_FROM))
    ]
    firm = aggregate.counted(claims)
    latest = firm.sort_values("status_date").iloc[-1] if len(firm) else None
    url, label = _source(data, latest["source_ids"]) if latest is not None else ("", "")
    table = with_sources(firm[["claim_id", "financier", "instrument", "amount_usd", "status", "status_date", "source_ids"]], data.sources)
    table["status_date"] = table["status_date"].dt.date
    return Tile("debt-approved", usd_m(aggregate.debt_total(claims)), _date(latest["status_date"]) if latest is not None else None, url, label, table)


def target_tile(data: Dataset, milestone_key: str) -> Tile:
    """The latest stated target for a milestone that moved; history as alternatives."""
    rows = data.milestone_targets[data.milestone_targets["milestone_key"] == milestone_key].sort_values("stated_on")
    latest = rows.iloc[-1]
    if latest["outcome"] == "deferred" or pd.isna(latest["target_date"]):
        value = "Deferred, no date" if milestone_key == "financial-close" else "Under review"
    elif latest["outcome"] == "met":
        value = f"Met {latest['target_date']:%b %Y}"
    else:
        value = f"Target {latest['target_date']:%b %Y}" if latest["target_precision"] in ("day", "month") else f"Target {latest['target_date']:%Y}"
    url, label = _source(data, latest["source_ids"])
    history = with_sources(rows[["target_label", "target_date", "stated_on", "outcome", "source_ids"]], data.sources)
    history["target_date"] = history["target_date"].dt.date
    history["stated_on"] = history["stated_on"].dt.date
    return Tile(milestone_key, value, _date(latest["stated_on"]), url, label, history.iloc[::-1].reset_index(drop=True))


def ownership_tile(data: Dataset, when: dt.date) -> Tile:
    """The split in force on ``when`` by side (Barrick vs Pakistan)."""
    stakes = aggregate.ownership_at(data.ownership, data.entities, when)
    by_side = stakes.groupby("side")["stake_pct"].sum().sort_values(ascending=False)
    value = " / ".join(f"{pct:.0f} %" for pct in by_side)
    newest = stakes.sort_values("valid_from").iloc[-1]
    url, label = _source(data, newest["source_ids"])
    table = stakes.drop(columns=["valid_to", "status", "note"]).copy()
    table["valid_from"] = table["valid_from"].dt.date
    return Tile("ownership", value, _date(newest["valid_from"]), url, label, with_sources(table, data.sources))


def latest_developments(data: Dataset, n: int = 8) -> pd.DataFrame:
    """The ``n`` most recent Reko Diq events that happened, newest first, with sources."""
    done = data.milestones[(data.milestones["status"] == "done") & (data.milestones["project"] == REKO_DIQ)]
    rows = done.sort_values("date", ascending=False).head(n)
    out = with_sources(rows[["date", "title", "category", "source_ids"]], data.sources)
    out["date"] = out["date"].dt.date
    return out.reset_index(drop=True)

"""Headline figures (the overview tiles and the map's mine card), each with its date, source and rivals.

Pure: takes the typed dataset, returns plain values. A tile never mixes versions: the value is
the preferred (or counted) one, and ``alternatives`` lists the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from rekodiq import claims, ownership
from rekodiq.data import Dataset
from rekodiq.format import plain_dates, usd_m
from rekodiq.sources import best_source, source_lookup, with_sources
from rekodiq.vocabulary import APPROVED_FROM, DEBT_INSTRUMENTS, REKO_DIQ, status_rank

KPI_COLUMNS = [
    "version",
    "value",
    "value_high",
    "unit",
    "represents",
    "basis",
    "preferred",
    "preference_reason",
    "as_of",
    "source_ids",
]


@dataclass(frozen=True)
class Tile:
    key: str
    value: str
    as_of: dt.date | None
    source_url: str
    source_label: str
    alternatives: pd.DataFrame
    last_checked: dt.date | None = None  # the oldest last_checked of the rows the tile draws

    def dates_text(self) -> str:
        """ "as of 2025-09-18 · checked 2026-11-27", the dates a reader needs to judge the figure."""
        as_of = self.as_of.isoformat() if self.as_of else "n/a"
        checked = f" · checked {self.last_checked.isoformat()}" if self.last_checked else ""
        return f"as of {as_of}{checked}"


def _checked(rows: pd.DataFrame) -> dt.date | None:
    return _date(rows["last_checked"].min()) if len(rows) else None


def _source(data: Dataset, source_ids: str) -> tuple[str, str]:
    return best_source(source_ids, source_lookup(data.sources))


def _date(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def preferred_value(kpis: pd.DataFrame, kpi: str) -> float | None:
    """The preferred version's value of a KPI (None when the KPI has no preferred version)."""
    rows = kpis[(kpis["kpi"] == kpi) & kpis["preferred"]]
    return float(rows["value"].iloc[0]) if len(rows) else None


def kpi_tile(data: Dataset, kpi: str) -> Tile:
    """The preferred version of ``kpi`` with every other version as alternatives."""
    rows = data.kpis[data.kpis["kpi"] == kpi]
    best = rows[rows["preferred"]].iloc[0]
    url, label = _source(data, best["source_ids"])
    value = usd_m(best["value"]) if best["unit"] == "USD m" else f"{best['value']:,.0f} {best['unit']}"
    alternatives = plain_dates(with_sources(rows[KPI_COLUMNS], data.sources), "as_of")
    return Tile(
        kpi,
        value,
        _date(best["as_of"]),
        url,
        label,
        alternatives.sort_values("preferred", ascending=False).reset_index(drop=True),
        _date(best["last_checked"]),
    )


def approved_debt_claims(financing: pd.DataFrame) -> pd.DataFrame:
    """Reko Diq debt claims at board-approved or beyond (every version)."""
    return financing[
        (financing["project"] == REKO_DIQ)
        & financing["instrument"].isin(DEBT_INSTRUMENTS)
        & financing["status"].map(status_rank).ge(status_rank(APPROVED_FROM))
    ]


def approved_debt_tile(data: Dataset) -> Tile:
    """Counted Reko Diq debt at board-approved or beyond; the claims are the alternatives table."""
    approved = approved_debt_claims(data.financing)
    firm = claims.counted(approved)
    latest = firm.sort_values("status_date").iloc[-1] if len(firm) else None
    url, label = _source(data, latest["source_ids"]) if latest is not None else ("", "")
    cols = ["claim_id", "financier", "instrument", "amount_usd", "status", "status_date", "source_ids"]
    table = plain_dates(with_sources(firm[cols], data.sources), "status_date")
    as_of = _date(latest["status_date"]) if latest is not None else None
    return Tile("debt-approved", usd_m(claims.counted_debt(approved)), as_of, url, label, table, _checked(firm))


def _target_value(milestone_key: str, latest: pd.Series) -> str:
    if latest["outcome"] == "deferred" or pd.isna(latest["target_date"]):
        return "Deferred, no date" if milestone_key == "financial-close" else "Under review"
    if latest["outcome"] == "met":
        return f"Met {latest['target_date']:%b %Y}"
    if latest["target_precision"] in ("day", "month"):
        return f"Target {latest['target_date']:%b %Y}"
    return f"Target {latest['target_date']:%Y}"


def target_tile(data: Dataset, milestone_key: str) -> Tile:
    """The latest stated target for a milestone that moved; history as alternatives."""
    rows = data.milestone_targets[data.milestone_targets["milestone_key"] == milestone_key].sort_values("stated_on")
    latest = rows.iloc[-1]
    url, label = _source(data, latest["source_ids"])
    history = with_sources(rows[["target_label", "target_date", "stated_on", "outcome", "source_ids"]], data.sources)
    history = plain_dates(history, "target_date", "stated_on")
    return Tile(
        milestone_key,
        _target_value(milestone_key, latest),
        _date(latest["stated_on"]),
        url,
        label,
        history.iloc[::-1].reset_index(drop=True),
        _date(latest["last_checked"]),
    )


def ownership_tile(data: Dataset, when: dt.date) -> Tile:
    """The split in force on ``when`` by side (Barrick vs Pakistan)."""
    stakes = ownership.ownership_at(data.ownership, data.entities, when)
    by_side = stakes.groupby("side")["stake_pct"].sum().sort_values(ascending=False)
    value = " / ".join(f"{pct:.0f} %" for pct in by_side)
    newest = stakes.sort_values("valid_from").iloc[-1]
    url, label = _source(data, newest["source_ids"])
    table = plain_dates(stakes.drop(columns=["valid_to", "status", "note"]), "valid_from")
    checked = _checked(data.ownership[data.ownership["stake_id"].isin(stakes["stake_id"])])
    return Tile("ownership", value, _date(newest["valid_from"]), url, label, with_sources(table, data.sources), checked)

"""Headline tiles computed from small fixture data: counted claims only, preferred KPI versions, latest targets."""

import datetime as dt

import pandas as pd
import pytest

from rekodiq import claims, headline
from rekodiq.format import usd_m
from rekodiq.vocabulary import DEBT_INSTRUMENTS, KPI_DEBT_TARGET, KPI_PHASE1_CAPEX, status_rank


def test_kpi_tile_shows_the_preferred_version_and_lists_the_others(mini_dataset):
    kpis = mini_dataset.kpis[mini_dataset.kpis["kpi"] == KPI_PHASE1_CAPEX]
    best = kpis[kpis["preferred"]].iloc[0]
    tile = headline.kpi_tile(mini_dataset, KPI_PHASE1_CAPEX)
    assert tile.value == usd_m(best["value"])
    assert tile.as_of == best["as_of"].date()
    assert tile.last_checked == best["last_checked"].date()
    assert len(tile.alternatives) == len(kpis) and bool(tile.alternatives["preferred"].iloc[0])


def test_approved_debt_counts_only_counted_debt_at_board_approval_or_beyond(mini_dataset):
    fin = mini_dataset.financing
    firm = fin[
        (fin["project"] == "Reko Diq")
        & fin["instrument"].isin(DEBT_INSTRUMENTS)
        & fin["status"].map(status_rank).ge(status_rank("board-approved"))
        & fin["counts_in_totals"]
        & fin["amount_usd"].notna()
    ]
    tile = headline.approved_debt_tile(mini_dataset)
    assert tile.value == usd_m(firm["amount_usd"].sum())
    assert set(tile.alternatives["claim_id"]) == set(firm["claim_id"])
    assert tile.as_of == firm["status_date"].max().date()


def test_a_rival_version_never_enters_the_approved_debt(mini_dataset):
    fin = mini_dataset.financing.copy()
    rival = fin[~fin["counts_in_totals"] & fin["instrument"].isin(DEBT_INSTRUMENTS)].iloc[0:1].copy()
    rival["status"], rival["amount_usd"] = "signed", 99_999.0
    data = pd.concat([fin, rival], ignore_index=True)
    assert claims.counted_debt(headline.approved_debt_claims(data)) == claims.counted_debt(headline.approved_debt_claims(fin))


@pytest.mark.parametrize("key", ["financial-close", "first-production"])
def test_target_tile_follows_the_latest_stated_target(mini_dataset, key):
    rows = mini_dataset.milestone_targets
    latest = rows[rows["milestone_key"] == key].sort_values("stated_on").iloc[-1]
    tile = headline.target_tile(mini_dataset, key)
    assert tile.as_of == latest["stated_on"].date()
    if latest["outcome"] == "deferred":
        assert tile.value in ("Deferred, no date", "Under review")
    assert tile.alternatives.iloc[0]["stated_on"] == latest["stated_on"].date()  # newest first


def test_ownership_tile_splits_barrick_and_pakistan_exactly(mini_dataset):
    tile = headline.ownership_tile(mini_dataset, dt.date(2026, 1, 1))
    assert tile.value == "50 % / 50 %"
    assert tile.alternatives["stake_pct"].sum() == pytest.approx(100.0, abs=1e-9)


def test_debt_target_is_the_preferred_kpi(mini_dataset):
    kpis = mini_dataset.kpis
    preferred = kpis[(kpis["kpi"] == KPI_DEBT_TARGET) & kpis["preferred"]]
    assert headline.preferred_value(kpis, KPI_DEBT_TARGET) == (float(preferred["value"].iloc[0]) if len(preferred) else None)

"""Aggregations behind the charts. Pure pandas; inputs are typed tables from ``rekodiq.data``.

Every total sums only claims with ``counts_in_totals`` so that rival versions of the same
commitment (EXIM 1.25 bn vs "up to 1.3 bn", IFC 700 M vs its 300 M + 400 M parts, ...) are
never added together.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq.filters import DEBT_INSTRUMENTS, PSEUDO_COUNTRIES, SENIORITY_ORDER, STATUS_LADDER

AMOUNT = "amount_usd"


def counted(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims that count in totals and carry a USD amount."""
    return claims[claims["counts_in_totals"] & claims[AMOUNT].notna()]


def total(claims: pd.DataFrame, instruments: tuple[str, ...] | None = None) -> float:
    """Sum of counted USD amounts (USD millions), optionally for some instruments only."""
    rows = counted(claims)
    if instruments is not None:
        rows = rows[rows["instrument"].isin(instruments)]
    return float(rows[AMOUNT].sum())


def debt_total(claims: pd.DataFrame) -> float:
    return total(claims, DEBT_INSTRUMENTS)


def _joined_ids(values: pd.Series) -> str:
    """Union of ;-separated id lists, sorted: the sources behind an aggregated row."""
    return ";".join(sorted({part for value in values for part in str(value).split(";") if part}))


def amount_by(claims: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counted USD millions, claim counts, claim ids and source ids grouped by ``by``, largest first."""
    rows = counted(claims)
    out = (
        rows.groupby(by, as_index=False, observed=True)
        .agg(
            amount_usd=(AMOUNT, "sum"),
            n_claims=("claim_id", "count"),
            claim_ids=("claim_id", _joined_ids),
            source_ids=("source_ids", _joined_ids),
        )
        .sort_values("amount_usd", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    return out


def funding_by_financier(claims: pd.DataFrame, stack_by: str = "status") -> pd.DataFrame:
    """USD millions per financier, split by ``stack_by`` (status or instrument).

    Financiers are ordered by their total, largest first; statuses follow the ladder.
    """
    out = amount_by(claims, ["financier", stack_by])
    if out.empty:
        return out
    order = out.groupby("financier")["amount_usd"].sum().sort_values(ascending=False).index.tolist()
    out["financier"] = pd.Categorical(out["financier"], categories=order, ordered=True)
    if stack_by == "status":
        ladder = [s for s in STATUS_LADDER if s in set(out["status"])] + sorted(set(out["status"]) - set(STATUS_LADDER))
        out["status"] = pd.Categorical(out["status"], categories=ladder, ordered=True)
    out = out.sort_values(["financier", stack_by]).reset_index(drop=True)
    out["financier"] = out["financier"].astype(str)
    out[stack_by] = out[stack_by].astype(str)
    return out


def country_amounts(claims: pd.DataFrame) -> pd.DataFrame:
    """Counted USD millions per financier country code (multilateral codes flagged)."""
    out = amount_by(claims, ["financier_country"]).rename(columns={"financier_country": "iso3"})
    out["is_multilateral"] = out["iso3"].isin(PSEUDO_COUNTRIES)
    return out


def capital_stack(claims: pd.DataFrame, *, debt_target: float | None, requirement: float | None) -> pd.DataFrame:
    """The Phase 1 capital stack as tidy rows ``block, component, amount_usd, kind``.

    Blocks: "Debt" (counted debt by seniority, then the gap to ``debt_target``), "Equity"
    (counted equity claims by holder, then the gap to ``requirement - debt_target``), and
    "Requirement" (the funding need itself). ``kind`` is committed, gap or target.
    Amounts are USD millions; gaps are never negative.
    """
    rows: list[dict] = []
    firm = counted(claims)
    debt = firm[firm["instrument"].isin(DEBT_INSTRUMENTS)]
    for instrument in SENIORITY_ORDER:
        amount = float(debt.loc[debt["instrument"] == instrument, AMOUNT].sum())
        if amount:
            part = debt[debt["instrument"] == instrument]
            rows.append({"block": "Debt", "component": instrument, "amount_usd": amount, "kind": "committed", "source_ids": _joined_ids(part["source_ids"])})
    debt_sum = float(debt[AMOUNT].sum())
    if debt_target is not None:
        rows.append({"block": "Debt", "component": "debt not yet committed", "amount_usd": max(debt_target - debt_sum, 0.0), "kind": "gap"})
    equity = firm[firm["instrument"] == "equity"]
    for holder, part in sorted(equity.groupby("financier"), key=lambda item: -item[1][AMOUNT].sum()):
        rows.append({"block": "Equity", "component": str(holder), "amount_usd": float(part[AMOUNT].sum()), "kind": "committed", "source_ids": _joined_ids(part["source_ids"])})
    if requirement is not None and debt_target is not None:
        equity_need = max(requirement - debt_target, 0.0)
        rows.append(
            {"block": "Equity", "component": "equity not yet committed", "amount_usd": max(equity_need - float(equity[AMOUNT].sum()), 0.0), "kind": "gap"}
        )
    if requirement is not None:
        rows.append({"block": "Requirement", "component": "Phase 1 funding requirement", "amount_usd": float(requirement), "kind": "target"})
    for row in rows:
        row.setdefault("source_ids", "")  # gaps and targets are derived, not sourced claims
    return pd.DataFrame(rows, columns=["block", "component", "amount_usd", "kind", "source_ids"])


# --------------------------------------------------------------------------------------
# Ownership
# --------------------------------------------------------------------------------------


def _names(entities: pd.DataFrame) -> dict[str, str]:
    return dict(zip(entities["entity_id"], entities["short_name"], strict=True))


def ownership_at(
    ownership: pd.DataFrame,
    entities: pd.DataFrame,
    when: dt.date,
    statuses: tuple[str, ...] = ("in force",),
) -> pd.DataFrame:
    """Stakes applying on ``when`` with readable names and a ``side`` for drilling down.

    ``side`` is "Pakistan" for Pakistani holders, else the holder's name, so the split reads
    Barrick vs Pakistan and then drills into PMPL's three state companies.
    """
    day = pd.Timestamp(when)
    live = ownership[
        ownership["status"].isin(statuses)
        & (ownership["valid_from"] <= day)
        & (ownership["valid_to"].isna() | (ownership["valid_to"] > day))
    ].copy()
    names = _names(entities)
    country = dict(zip(entities["entity_id"], entities["country"], strict=True))
    live["holder"] = live["holder_id"].map(names)
    live["vehicle"] = live["vehicle_id"].map(names).fillna("held directly")
    live["side"] = [
        "Pakistan" if country.get(h) == "PAK" else names.get(h, h) for h in live["holder_id"]
    ]
    cols = ["stake_id", "side", "vehicle", "holder", "stake_pct", "basis", "status", "valid_from", "valid_to", "source_ids", "note"]
    return live[cols].sort_values(["side", "stake_pct"], ascending=[True, False]).reset_index(drop=True)


def funded_equity_shares(stakes: pd.DataFrame) -> pd.DataFrame:
    """Each holder's share of the capital that is actually paid in (free-carried stakes excluded)."""
    paying = stakes[stakes["basis"] != "free-carried"]
    share = paying.groupby("vehicle", as_index=False)["stake_pct"].sum()
    share["funded_share_pct"] = 100 * share["stake_pct"] / share["stake_pct"].sum()
    return share.sort_values("funded_share_pct", ascending=False).reset_index(drop=True)


def ownership_history(ownership: pd.DataFrame, entities: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """Stakes in force at every date the split changed, from the first stake to ``until``.

    Rows: ``date, holder, stake_pct``; one row per holder per change date (step data).
    """
    in_force = ownership[ownership["status"] == "in force"]
    dates = sorted(set(in_force["valid_from"]) | set(in_force["valid_to"].dropna()))
    dates = [d for d in dates if d <= pd.Timestamp(until)] + [pd.Timestamp(until)]
    frames = []
    for day in dict.fromkeys(dates):
        stakes = ownership_at(ownership, entities, day.date())
        by_holder = stakes.groupby("holder", as_index=False)["stake_pct"].sum()
        by_holder.insert(0, "date", day)
        frames.append(by_holder)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["date", "holder", "stake_pct"])


# --------------------------------------------------------------------------------------
# Milestones and KPIs
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


def preferred_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    return kpis[kpis["preferred"]].set_index("kpi", drop=False)


def preferred_value(kpis: pd.DataFrame, kpi: str) -> float | None:
    rows = kpis[(kpis["kpi"] == kpi) & kpis["preferred"]]
    return float(rows["value"].iloc[0]) if len(rows) else None


def disputed_groups(claims: pd.DataFrame) -> pd.DataFrame:
    """Every version of every claim group that has more than one version, counted one first."""
    sizes = claims.groupby("claim_group")["claim_id"].transform("count")
    out = claims[sizes > 1].copy()
    return out.sort_values(["claim_group", "counts_in_totals", "status_date"], ascending=[True, False, True]).reset_index(drop=True)

"""Financing claims: filtering, counted totals, the capital stack, disputed figures, programme rows.

Pure pandas; inputs are typed tables from ``rekodiq.data``. Every total sums only claims with
``counts_in_totals`` so that rival versions of the same commitment (EXIM 1.25 bn vs "up to
1.3 bn", IFC 700 M vs its 300 M + 400 M parts, ...) are never added together.
"""

from __future__ import annotations

import pandas as pd

from rekodiq.filters import Filters
from rekodiq.format import date_columns_to_iso
from rekodiq.sources import joined_sorted, source_labels, with_sources
from rekodiq.vocabulary import (
    DEBT_INSTRUMENTS,
    EQUITY,
    LENDING_INSTRUMENTS,
    PROGRAMME_GROUPS,
    PROGRAMME_INSTRUMENTS,
    PSEUDO_COUNTRIES,
    REKO_DIQ,
    SENIORITY_ORDER,
    country_name,
    statuses_in_order,
)

AMOUNT = "amount_usd"
LEDGER_COLUMNS = [
    "claim_id",
    "project",
    "financier",
    "financier_country",
    "financier_type",
    "instrument",
    "amount_reported",
    "currency",
    "amount_usd",
    "amount_usd_high",
    "amount_kind",
    "status",
    "status_date",
    "last_checked",
    "counts_in_totals",
    "supersedes",
    "part_of",
    "selection_note",
    "note",
    "source_ids",
]

# --------------------------------------------------------------------------------------
# Filtering
# --------------------------------------------------------------------------------------


def in_project_scope(financing: pd.DataFrame, project: str) -> pd.Series:
    """Rows of a project scope: "reko-diq", "peers" (every other project) or "all"."""
    if project == "reko-diq":
        return financing["project"] == REKO_DIQ
    if project == "peers":
        return financing["project"] != REKO_DIQ
    return pd.Series(True, index=financing.index)


def filter_claims(financing: pd.DataFrame, filters: Filters, *, project: str | None = None) -> pd.DataFrame:
    """Claims passing every filter (all versions, counted or not).

    ``project`` overrides the filter's project scope for pages with a fixed scope.
    """
    mask = in_project_scope(financing, project or filters.project)
    for column, chosen in (
        ("financier_country", filters.countries),
        ("financier", filters.lenders),
        ("financier_type", filters.lender_types),
        ("instrument", filters.instruments),
    ):
        if chosen:
            mask &= financing[column].isin(chosen)
    mask &= financing["status"].isin(filters.allowed_statuses())
    if filters.date_from:
        mask &= financing["status_date"] >= pd.Timestamp(filters.date_from)
    if filters.date_to:
        mask &= financing["status_date"] <= pd.Timestamp(filters.date_to)
    return financing[mask]


def of_instruments(claims: pd.DataFrame, instruments: tuple[str, ...] | None) -> pd.DataFrame:
    """Claims of the given instruments (every claim when ``instruments`` is None)."""
    return claims if instruments is None else claims[claims["instrument"].isin(instruments)]


# --------------------------------------------------------------------------------------
# Counted totals
# --------------------------------------------------------------------------------------


def counted(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims that count in totals and carry a USD amount."""
    return claims[claims["counts_in_totals"] & claims[AMOUNT].notna()]


def total(claims: pd.DataFrame, instruments: tuple[str, ...] | None = None) -> float:
    """Sum of counted USD amounts (USD millions), optionally for some instruments only."""
    return float(of_instruments(counted(claims), instruments)[AMOUNT].sum())


def counted_debt(claims: pd.DataFrame) -> float:
    """Counted debt (loans and ECA cover, :data:`vocabulary.DEBT_INSTRUMENTS`), USD millions."""
    return total(claims, DEBT_INSTRUMENTS)


def counted_lending(claims: pd.DataFrame) -> float:
    """Counted lending (debt plus guarantees, :data:`vocabulary.LENDING_INSTRUMENTS`), USD millions."""
    return total(claims, LENDING_INSTRUMENTS)


def amount_by(claims: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counted USD millions, claim counts, claim ids and source ids grouped by ``by``, largest first."""
    return (
        counted(claims)
        .groupby(by, as_index=False, observed=True)
        .agg(
            amount_usd=(AMOUNT, "sum"),
            n_claims=("claim_id", "count"),
            claim_ids=("claim_id", joined_sorted),
            source_ids=("source_ids", joined_sorted),
        )
        .sort_values("amount_usd", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


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
        out["status"] = pd.Categorical(out["status"], categories=statuses_in_order(out["status"]), ordered=True)
    out = out.sort_values(["financier", stack_by]).reset_index(drop=True)
    out["financier"] = out["financier"].astype(str)
    out[stack_by] = out[stack_by].astype(str)
    return out


def country_amounts(claims: pd.DataFrame) -> pd.DataFrame:
    """Counted USD millions per financier country code, with its name; multilateral codes flagged."""
    out = amount_by(claims, ["financier_country"]).rename(columns={"financier_country": "iso3"})
    out["is_multilateral"] = out["iso3"].isin(PSEUDO_COUNTRIES)
    out["country_name"] = [country_name(code) for code in out["iso3"]]
    return out


# --------------------------------------------------------------------------------------
# Capital stack
# --------------------------------------------------------------------------------------

STACK_COLUMNS = ["block", "component", "amount_usd", "kind", "source_ids"]


def _committed(block: str, component: str, part: pd.DataFrame) -> dict:
    return {
        "block": block,
        "component": component,
        "amount_usd": float(part[AMOUNT].sum()),
        "kind": "committed",
        "source_ids": joined_sorted(part["source_ids"]),
    }


def _derived(block: str, component: str, amount: float, kind: str) -> dict:
    # Gaps and targets are derived, not sourced claims.
    return {"block": block, "component": component, "amount_usd": amount, "kind": kind, "source_ids": ""}


def debt_rows(firm: pd.DataFrame, debt_target: float | None) -> list[dict]:
    """Counted debt by seniority (most senior first), then the gap to ``debt_target``."""
    rows = [_committed("Debt", instrument, firm[firm["instrument"] == instrument]) for instrument in SENIORITY_ORDER]
    rows = [row for row in rows if row["amount_usd"]]
    if debt_target is not None:
        rows.append(_derived("Debt", "debt not yet committed", max(debt_target - counted_debt(firm), 0.0), "gap"))
    return rows


def equity_rows(firm: pd.DataFrame, equity_need: float | None) -> list[dict]:
    """Counted equity by holder (largest first), then the gap to ``equity_need``."""
    equity = firm[firm["instrument"] == EQUITY]
    holders = sorted(equity.groupby("financier"), key=lambda item: -item[1][AMOUNT].sum())
    rows = [_committed("Equity", str(holder), part) for holder, part in holders]
    if equity_need is not None:
        rows.append(_derived("Equity", "equity not yet committed", max(equity_need - float(equity[AMOUNT].sum()), 0.0), "gap"))
    return rows


def capital_stack(claims: pd.DataFrame, *, debt_target: float | None, requirement: float | None) -> pd.DataFrame:
    """The Phase 1 capital stack as tidy rows ``block, component, amount_usd, kind, source_ids``.

    Blocks: "Debt" (counted debt by seniority, then the gap to ``debt_target``), "Equity"
    (counted equity claims by holder, then the gap to ``requirement - debt_target``), and
    "Requirement" (the funding need itself). ``kind`` is committed, gap or target.
    Amounts are USD millions; gaps are never negative. The bars and the debt gap use the same
    instrument list (:data:`vocabulary.SENIORITY_ORDER`), so they always add up.
    """
    firm = counted(claims)
    equity_need = max(requirement - debt_target, 0.0) if requirement is not None and debt_target is not None else None
    rows = debt_rows(firm, debt_target) + equity_rows(firm, equity_need)
    if requirement is not None:
        rows.append(_derived("Requirement", "Phase 1 funding requirement", float(requirement), "target"))
    return pd.DataFrame(rows, columns=STACK_COLUMNS)


def with_selection(stack: pd.DataFrame, claims: pd.DataFrame, selected_ids) -> pd.DataFrame:
    """``stack`` (from :func:`capital_stack` of ``claims``) plus ``selected_usd``: each committed
    component's USD millions that come from the claims in ``selected_ids`` (0 for gaps and targets).

    The capital stack is the project's whole stack; a lender or country filter picks a part of
    it rather than a smaller stack (a smaller one would show everything else as "not committed").
    """
    firm = counted(claims)
    chosen = firm[firm["claim_id"].isin(set(selected_ids))]
    amounts = []
    for row in stack.itertuples(index=False):
        if row.kind != "committed":
            part = chosen.iloc[0:0]
        elif row.block == "Debt":
            part = chosen[chosen["instrument"] == row.component]
        else:
            part = chosen[(chosen["instrument"] == EQUITY) & (chosen["financier"] == row.component)]
        amounts.append(float(part[AMOUNT].sum()))
    return stack.assign(selected_usd=amounts)


# --------------------------------------------------------------------------------------
# Disputed figures and the ledger
# --------------------------------------------------------------------------------------

# What describes one version of a commitment: who, what, how much, how firm, since when.
VERSION_COLUMNS = [
    "financier",
    "instrument",
    "amount_usd",
    "amount_usd_high",
    "amount_kind",
    "status",
    "status_date",
]
DISPUTED_COLUMNS = [
    "claim_group",
    "claim_id",
    *VERSION_COLUMNS,
    "counts_in_totals",
    "selection_note",
    "source_ids",
]


def disputed_groups(claims: pd.DataFrame) -> pd.DataFrame:
    """Every version of every claim group that has more than one version, counted one first."""
    sizes = claims.groupby("claim_group")["claim_id"].transform("count")
    out = claims[sizes > 1].copy()
    return out.sort_values(["claim_group", "counts_in_totals", "status_date"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def disputed_points(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """:func:`disputed_groups` with a display ``label`` ("financier · instrument") and ``source_label``."""
    versions = disputed_groups(claims)
    if versions.empty:
        return versions
    return versions.assign(
        label=versions["financier"] + " · " + versions["instrument"], source_label=source_labels(versions["source_ids"], sources)
    )


def widest_disputes(versions: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, int]:
    """(the versions of the ``limit`` claim groups with the widest USD spread, how many such groups were left out).

    Spread is the highest minus the lowest reported ``amount_usd`` of a group (0 for a group
    with one stated amount); groups without any stated amount cannot be drawn and are neither
    kept nor counted. Ties go by ``claim_group``; rows keep their order. A chart of every rival
    figure on a ledger of thousands of claims would send thousands of points per rerun; the
    table and downloads keep every version.
    """
    if versions.empty:
        return versions, 0
    amounts = versions.groupby("claim_group")["amount_usd"]
    spread = (amounts.max() - amounts.min()).dropna()
    ranked = spread.reset_index(name="spread").sort_values(["spread", "claim_group"], ascending=[False, True], kind="stable")
    keep = set(ranked["claim_group"].head(limit))
    return versions[versions["claim_group"].isin(keep)], max(len(ranked) - limit, 0)


def disputed_table(versions: pd.DataFrame, sources: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The disputed versions as a table with sources and plain dates."""
    if versions.empty:
        return versions
    return date_columns_to_iso(with_sources(versions[columns or DISPUTED_COLUMNS], sources))


def claims_table(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The filtered claims ledger as shown on the funding and peer pages."""
    out = with_sources(claims[LEDGER_COLUMNS], sources)
    out["status_date"] = out["status_date"].dt.date
    out["last_checked"] = out["last_checked"].dt.date
    return out.sort_values(["project", "status_date", "claim_id"], ascending=[True, False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Programme-level rows (lending headroom, pooled letters of interest)
# --------------------------------------------------------------------------------------


def is_programme(deals: pd.DataFrame) -> pd.Series:
    """True for programme-level rows (lending headroom, pooled letters of interest)."""
    return deals["claim_group"].isin(PROGRAMME_GROUPS) | deals["instrument"].isin(PROGRAMME_INSTRUMENTS)


def split_programmes(deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(single deals, programme-level rows)."""
    mask = is_programme(deals)
    return deals[~mask], deals[mask]

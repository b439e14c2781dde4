"""Deal velocity: how many days each commitment took from its first report to board approval,
signing and disbursement, for Reko Diq's lenders here and in their peer deals.

Contract
--------
A commitment is a claim group. Its start is the earliest dated report of any version: a
version's ``announced_date`` or ``status_date``, or a milestone linked to a version by
``claim_id``. A step (board approval, signing, disbursement) is reached on the earliest
``status_date`` of a version whose status is that rung of the ladder or higher (a signed loan
has passed its board). A step not reached yet is *open*: its days run to ``today`` and it is
kept, flagged ``open``, never dropped; a group whose counted version lapsed (cancelled, not
concluded) is flagged ``lapsed`` instead of open. Programme-level figures and cooperation
frameworks are not deals and are left out.

``velocity(financing, milestones, today)`` gives one row per (group, step);
``comparison(rows, step)`` keeps the lenders that have both a Reko Diq commitment and peer
deals and adds the median days per lender and scope (completed steps only; an open step's days
are a lower bound, which the chart shows as a bar running on).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq.claims import is_programme
from rekodiq.sources import joined_sorted
from rekodiq.vocabulary import REKO_DIQ, status_rank

STEPS = {"board-approved": "board approval", "signed": "signing", "disbursed": "disbursement"}
NOT_DEALS = ("cooperation framework",)
SCOPES = (REKO_DIQ, "peer deals")
COLUMNS = [
    "claim_group",
    "financier",
    "project",
    "scope",
    "step",
    "first_reported",
    "reached",
    "days",
    "open",
    "lapsed",
    "claim_ids",
]


def _lead(group: pd.DataFrame) -> pd.Series:
    """The version that speaks for the group: the counted one (first part), else the latest."""
    counted = group[group["counts_in_totals"]]
    pick = counted if len(counted) else group
    return pick.sort_values("status_date", na_position="first").iloc[-1]


def _start(group: pd.DataFrame, milestones: pd.DataFrame) -> pd.Timestamp | None:
    dates = pd.concat(
        [group["announced_date"], group["status_date"], milestones.loc[milestones["claim_id"].isin(group["claim_id"]), "date"]]
    ).dropna()
    return dates.min() if len(dates) else None


def _group_rows(group: pd.DataFrame, milestones: pd.DataFrame, today: pd.Timestamp) -> list[dict]:
    start = _start(group, milestones)
    if start is None:
        return []
    lead = _lead(group)
    lapsed = status_rank(lead["status"]) < 0
    rows = []
    for step in STEPS:
        high = group["status"].map(status_rank) >= status_rank(step)
        reached_by = group[high & group["status_date"].notna()]
        reached = reached_by["status_date"].min() if len(reached_by) else None
        end = reached if reached is not None else today
        rows.append(
            {
                "claim_group": lead["claim_group"],
                "financier": lead["financier"],
                "project": lead["project"],
                "scope": REKO_DIQ if lead["project"] == REKO_DIQ else "peer deals",
                "step": step,
                "first_reported": start,
                "reached": reached,
                "days": max(0, int((end - start).days)),
                "open": reached is None and not lapsed,
                "lapsed": reached is None and lapsed,
                "claim_ids": joined_sorted(group["claim_id"]),
            }
        )
    return rows


def velocity(financing: pd.DataFrame, milestones: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """One row per (commitment, step) with its days from the first report (see the contract)."""
    deals = financing[~is_programme(financing) & ~financing["instrument"].isin(NOT_DEALS)]
    stamp = pd.Timestamp(today)
    rows = [row for _, group in deals.groupby("claim_group", sort=True) for row in _group_rows(group, milestones, stamp)]
    return pd.DataFrame(rows, columns=COLUMNS)


def comparison(rows: pd.DataFrame, step: str, lenders: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of one ``step`` for lenders with commitments in both scopes (or ``lenders`` when given),
    lapsed ones left out, with ``median_days`` per lender and scope over completed steps."""
    shown = rows[(rows["step"] == step) & ~rows["lapsed"]]
    if lenders:
        shown = shown[shown["financier"].isin(lenders)]
    else:
        both = shown.groupby("financier")["scope"].nunique()
        shown = shown[shown["financier"].isin(both[both == len(SCOPES)].index)]
    done = shown[~shown["open"]]
    medians = done.groupby(["financier", "scope"])["days"].median().rename("median_days").reset_index()
    out = shown.merge(medians, on=["financier", "scope"], how="left")
    return out.sort_values(["financier", "scope", "days"], kind="stable").reset_index(drop=True)


def table(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as shown and downloaded: plain dates, a readable state per row."""
    out = rows.copy()
    out["state"] = [
        "still running" if o else "lapsed" if lapsed else "reached" for o, lapsed in zip(out["open"], out["lapsed"], strict=True)
    ]
    for column in ("first_reported", "reached"):
        out[column] = [d.date().isoformat() if pd.notna(d) else "" for d in out[column]]
    return out

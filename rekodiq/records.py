"""Record pages: one financier's claims and one claim's group of versions, with their dated steps.

Contract
--------
* ``financier_claims(financing, name)``: every claim of one financier (Reko Diq and peers).
* ``ladder_steps(financing, milestones, claim_ids)``: the dated steps of the claim groups of
  ``claim_ids``, one row per dated event: a version's first report (``announced_date``), a
  version's status on ``status_date``, or a milestone linked by ``claim_id``. ``rung`` is the
  status's 1-based place on the ladder (0 for cancelled / not concluded); a milestone carries the
  rung of the claim it is linked to. Rows are in date order per group.
* ``group_versions(financing, claim_id)``: every version in the claim's group, oldest first,
  with ``role`` (counted, superseded, rival, part) and what each supersedes or is superseded by.
* ``capital_share(claims, name, stack)``: the financier's counted amount in the capital stack and
  its share of the stack's committed total.
* ``claim_link(ids)``: the relative address of each claim page (``/claim?id=C014``).

Unknown names and ids are not errors: the functions return empty frames and the page says so.
"""

from __future__ import annotations

import re

import pandas as pd

from rekodiq.vocabulary import EQUITY, REKO_DIQ, SENIORITY_ORDER, STATUS_INFO

STACK_INSTRUMENTS = (*SENIORITY_ORDER, EQUITY)  # what claims.capital_stack draws

STEP_COLUMNS = ["claim_group", "claim_id", "financier", "project", "date", "rung", "status", "event", "amount_usd", "source_ids"]


def rung(status: str) -> int:
    """1..6 on the ladder, 0 for a lapsed status (cancelled, not concluded) or an unknown word."""
    info = STATUS_INFO.get(status)
    return info.rung if info is not None and info.rung is not None else 0


CLAIM_ID = re.compile(r"C[0-9]{1,6}")


def claim_link(ids: pd.Series) -> pd.Series:
    """``/claim?id=<id>`` for each claim id (the column a LinkColumn opens); None where a cell is
    not one well-formed claim id (blank, or several ids in one cell)."""
    return pd.Series(
        [f"/claim?id={v}" if isinstance(v, str) and CLAIM_ID.fullmatch(v) else None for v in ids], index=ids.index, dtype=object
    )


def with_claim_links(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``claim_link`` column (``/claim?id=...``) right after ``claim_id``."""
    if "claim_id" not in table.columns or "claim_link" in table.columns:
        return table
    out = table.copy()
    out.insert(out.columns.get_loc("claim_id") + 1, "claim_link", claim_link(out["claim_id"]))
    return out


def financier_claims(financing: pd.DataFrame, name: str) -> pd.DataFrame:
    """Every claim of the financier ``name`` (exact name), Reko Diq first, then by date."""
    rows = financing[financing["financier"] == name]
    order = rows.assign(_rd=rows["project"] != REKO_DIQ)
    return order.sort_values(["_rd", "claim_group", "status_date"]).drop(columns="_rd").reset_index(drop=True)


def _version_events(versions: pd.DataFrame) -> list[dict]:
    events = []
    for row in versions.itertuples(index=False):
        base = {
            "claim_group": row.claim_group,
            "claim_id": row.claim_id,
            "financier": row.financier,
            "project": row.project,
            "amount_usd": row.amount_usd,
            "source_ids": row.source_ids,
        }
        if pd.notna(row.announced_date) and row.announced_date != row.status_date:
            events.append(
                base | {"date": row.announced_date, "rung": rung(row.status), "status": row.status, "event": "first reported"}
            )
        if pd.notna(row.status_date):
            events.append(base | {"date": row.status_date, "rung": rung(row.status), "status": row.status, "event": "status"})
    return events


def ladder_steps(financing: pd.DataFrame, milestones: pd.DataFrame, claim_ids: list[str]) -> pd.DataFrame:
    """Dated steps of every claim group touched by ``claim_ids`` (see the module contract)."""
    groups = financing.loc[financing["claim_id"].isin(claim_ids), "claim_group"].unique()
    versions = financing[financing["claim_group"].isin(groups)]
    events = _version_events(versions)
    by_id = versions.set_index("claim_id")
    linked = milestones[milestones["claim_id"].isin(by_id.index) & milestones["date"].notna()]
    for row in linked.itertuples(index=False):
        claim = by_id.loc[row.claim_id]
        events.append(
            {
                "claim_group": claim["claim_group"],
                "claim_id": row.claim_id,
                "financier": claim["financier"],
                "project": claim["project"],
                "date": row.date,
                "rung": rung(claim["status"]),
                "status": claim["status"],
                "event": f"milestone {row.milestone_id}: {row.title}",
                "amount_usd": claim["amount_usd"],
                "source_ids": row.source_ids,
            }
        )
    out = pd.DataFrame(events, columns=STEP_COLUMNS)
    return out.sort_values(["claim_group", "date", "rung"], kind="stable").reset_index(drop=True)


def _role(row: pd.Series, superseded: set[str]) -> str:
    if row["counts_in_totals"]:
        return "part (counted)" if isinstance(row["part_of"], str) and row["part_of"] else "counted"
    if row["claim_id"] in superseded:
        return "superseded"
    return "rival version (not counted)"


def group_versions(financing: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """Every version of ``claim_id``'s group, oldest first, with ``role`` and ``superseded_by``."""
    match = financing[financing["claim_id"] == claim_id]
    if match.empty:
        return match.assign(role=pd.Series(dtype=str), superseded_by=pd.Series(dtype=str))
    group = financing[financing["claim_group"] == match["claim_group"].iloc[0]].copy()
    later = group.dropna(subset=["supersedes"])
    superseded_by = {old: new for new, old in zip(later["claim_id"], later["supersedes"], strict=True) if old}
    group["superseded_by"] = group["claim_id"].map(superseded_by).fillna("")
    group["role"] = [_role(row, set(superseded_by)) for _, row in group.iterrows()]
    return group.sort_values(["status_date", "claim_id"], kind="stable", na_position="first").reset_index(drop=True)


def judgements_for(judgements: pd.DataFrame, claim_ids: list[str]) -> pd.DataFrame:
    """The judgement calls whose ``related_ids`` name any of ``claim_ids``."""
    wanted = set(claim_ids)
    mask = judgements["related_ids"].fillna("").map(lambda ids: bool(wanted & set(str(ids).split(";"))))
    return judgements[mask].reset_index(drop=True)


def capital_share(claims: pd.DataFrame, name: str, stack: pd.DataFrame) -> tuple[float, float, float | None]:
    """(the financier's amount in the stack, the stack's committed total, its share in % or None).

    ``claims`` are the claims the stack was built from (``claims.capital_stack``'s input), so
    the financier's amount is what the stack itself counts for it: counted debt and equity.
    """
    total = float(stack.loc[stack["kind"] == "committed", "amount_usd"].sum())
    rows = claims[(claims["financier"] == name) & claims["counts_in_totals"] & claims["instrument"].isin(STACK_INSTRUMENTS)]
    own = float(rows["amount_usd"].fillna(0).sum())
    return own, total, (100.0 * own / total if total else None)

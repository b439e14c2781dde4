"""Views of the record pages: one financier (``/financier?name=``) and one claim (``/claim?id=``).

Every view takes a name or id that the page has already matched against the data; an unknown
one gives empty tables, never an error.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from rekodiq import claims, headline, health, records
from rekodiq.charts.records import build_claim_versions, build_ladder_steps
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.format import date_columns_to_iso, usd_m
from rekodiq.sources import split_ids, with_sources
from rekodiq.views.base import ChartView, TableView
from rekodiq.vocabulary import KPI_DEBT_TARGET, KPI_REQUIREMENT

CLAIM_COLUMNS = [
    "claim_id",
    "project",
    "claim_group",
    "instrument",
    "amount_usd",
    "amount_kind",
    "status",
    "status_date",
    "announced_date",
    "counts_in_totals",
    "supersedes",
    "selection_note",
    "last_checked",
    "source_ids",
]


def financier_names(data: Dataset) -> list[str]:
    """Every financier in the claims, sorted case-blind: the record page's pick-list."""
    return sorted(data.financing["financier"].unique(), key=str.casefold)


def claim_labels(data: Dataset) -> dict[str, str]:
    """Claim id -> "C014 · JBIC · reko-diq", sorted by id: the claim page's pick-list."""
    financing = data.financing.sort_values("claim_id")
    names = financing["claim_id"] + " · " + financing["financier"] + " · " + financing["project"]
    return dict(zip(financing["claim_id"], names, strict=True))


def financier_claims(data: Dataset, name: str, today: dt.date) -> TableView:
    """Every claim of the financier, Reko Diq first, with sources and record health."""
    rows = records.financier_claims(data.financing, name)
    table = health.with_health(date_columns_to_iso(with_sources(rows[CLAIM_COLUMNS], data.sources)), data.sources, today)
    n_rd = int((rows["project"] == "Reko Diq").sum())
    return TableView(table, f"{len(rows)} claims: {n_rd} on Reko Diq, {len(rows) - n_rd} in peer deals.")


def financier_ladder(data: Dataset, name: str) -> ChartView:
    """The financier's commitments climbing the status ladder over time (every version's dated steps)."""
    ids = records.financier_claims(data.financing, name)["claim_id"].tolist()
    steps = records.ladder_steps(data.financing, data.milestones, ids)
    steps = steps[steps["financier"] == name] if len(steps) else steps
    table = date_columns_to_iso(steps)
    alt = f"Step chart: status of each of the financier's {steps['claim_group'].nunique()} commitments over time, up the ladder."
    return ChartView(build_ladder_steps(steps, title="Status over time, up the ladder"), table, alt)


def financier_sources(data: Dataset, name: str) -> TableView:
    """Every source cited by the financier's claims, with its grade and how many claims cite it."""
    rows = records.financier_claims(data.financing, name)
    cited = pd.Series([s for ids in rows["source_ids"] for s in split_ids(ids)], dtype=str)
    counts = cited.value_counts().rename("claims_citing")
    table = data.sources[data.sources["source_id"].isin(counts.index)][
        ["source_id", "grade", "publisher", "title", "published", "url"]
    ]
    table = table.merge(counts, left_on="source_id", right_index=True).rename(columns={"url": "source_url"})
    table = table.assign(source_ids=table["source_id"]).sort_values(["grade", "published"], ascending=[True, False])
    return TableView(date_columns_to_iso(table.reset_index(drop=True)))


def financier_share(data: Dataset, name: str, filters: Filters) -> tuple[str, TableView]:
    """(a plain-text sentence, the stack rows) for the financier's share of Reko Diq's capital stack."""
    shown = claims.filter_claims(data.financing, filters, project="reko-diq")
    stack = claims.capital_stack(
        shown,
        debt_target=headline.preferred_value(data.kpis, KPI_DEBT_TARGET),
        requirement=headline.preferred_value(data.kpis, KPI_REQUIREMENT),
    )
    own, total, share = records.capital_share(shown, name, stack)
    if share is None or not own:
        text = "Not part of Reko Diq's capital stack under the current filters (no counted debt or equity claim)."
    else:
        text = f"{usd_m(own)} of {usd_m(total)} committed in the capital stack under the current filters: {share:.1f} %."
    mine = shown[(shown["financier"] == name) & shown["counts_in_totals"] & shown["instrument"].isin(records.STACK_INSTRUMENTS)]
    return text, TableView(claims.claims_table(mine, data.sources))


def claim_versions(data: Dataset, claim_id: str, today: dt.date) -> ChartView:
    """Every version of the claim's group on a timeline, with each one's source, role and health."""
    versions = records.group_versions(data.financing, claim_id)
    versions = with_sources(versions, data.sources)
    versions["source_label"] = versions["source"]
    fig = build_claim_versions(versions, title="Every version of this commitment", selected=claim_id)
    columns = ["claim_id", "role", *claims.VERSION_COLUMNS]
    columns += [
        "announced_date",
        "supersedes",
        "superseded_by",
        "selection_note",
        "last_checked",
        "source",
        "source_url",
        "source_ids",
    ]
    table = health.with_health(date_columns_to_iso(versions[columns]), data.sources, today)
    alt = (
        f"Timeline of the {len(versions)} versions of this commitment by status date and amount; "
        "the counted one is a filled diamond."
    )
    return ChartView(fig, table, alt)


def claim_judgements(data: Dataset, claim_id: str) -> TableView:
    """The judgement calls about the claim's group (why the counted version was chosen)."""
    ids = records.group_versions(data.financing, claim_id)["claim_id"].tolist()
    table = records.judgements_for(data.judgements, ids)[
        ["judgement_id", "topic", "decision", "reason", "alternatives", "source_ids"]
    ]
    return TableView(with_sources(table, data.sources))


def claim_steps(data: Dataset, claim_id: str) -> ChartView:
    """The claim group's dated steps up the ladder (versions, first reports, linked milestones)."""
    steps = records.ladder_steps(data.financing, data.milestones, [claim_id])
    alt = "Step chart of this commitment's status over time, from its first report up the ladder."
    return ChartView(build_ladder_steps(steps, title="Status over time, up the ladder"), date_columns_to_iso(steps), alt)


def financier_rivals(data: Dataset, name: str) -> TableView:
    """Every version of the financier's commitments that have rival versions, the counted one first."""
    groups = records.financier_claims(data.financing, name)["claim_group"].unique()
    versions = claims.disputed_groups(data.financing[data.financing["claim_group"].isin(groups)])
    note = f"{versions['claim_group'].nunique()} commitments with more than one version." if len(versions) else ""
    table = claims.disputed_table(versions, data.sources) if len(versions) else versions
    return TableView(table, note or "No commitment of this financier has rival versions.")


def _text(value: object, empty: str = "nothing") -> str:
    return value if isinstance(value, str) and value else empty


def claim_summary(data: Dataset, claim_id: str, today: dt.date) -> str:
    """Plain-text facts of one claim: what, how much, status, role in its group, health and last check."""
    versions = records.group_versions(data.financing, claim_id)
    row = versions[versions["claim_id"] == claim_id].iloc[0]
    scored = health.claim_health(versions[versions["claim_id"] == claim_id], data.sources, today).iloc[0]
    amount = usd_m(row["amount_usd"]) if pd.notna(row["amount_usd"]) else "amount not stated"
    day = row["status_date"].date().isoformat() if pd.notna(row["status_date"]) else "undated"
    lines = [
        f"{claim_id}: {row['financier']} · {row['instrument']} · {amount} ({row['amount_kind']}) · {row['project']}",
        f"Status: {row['status']} on {day}. Claim group: {row['claim_group']} ({len(versions)} versions).",
        f"Role: {row['role']}.",
        f"Supersedes: {_text(row['supersedes'])}. Superseded by: {_text(row['superseded_by'])}.",
        f"Why: {row['selection_note']}" if isinstance(row["selection_note"], str) and row["selection_note"] else "",
        f"Record health: {scored['health']:.0f} / 100 ({scored['independent_sources']} independent sources, "
        f"best grade {scored['best_grade'] or 'none'}); last checked {row['last_checked'].date().isoformat()}.",
    ]
    return "\n".join(line for line in lines if line)

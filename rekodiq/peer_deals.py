"""Peer deals: which claims the peer page shows, their chart rows and their tables.

Pure pandas on the financing table from ``rekodiq.data``; counting rules come from
``rekodiq.claims`` (only claims with ``counts_in_totals`` are charted by amount, programme-level
rows are listed apart).
"""

from __future__ import annotations

import pandas as pd

from rekodiq.claims import claims_table, counted, filter_claims, split_programmes
from rekodiq.filters import Filters
from rekodiq.vocabulary import REKO_DIQ, country_name


def host_options(financing: pd.DataFrame) -> tuple[str, ...]:
    """Host-country codes a user may pick (every host in the ledger, Pakistan included)."""
    return tuple(sorted(financing["host_country"].dropna().unique()))


def select_deals(
    financing: pd.DataFrame, filters: Filters, *, hosts: tuple[str, ...] = (), include_reko_diq: bool = False
) -> pd.DataFrame:
    """Claims shown on the peer page: every peer claim passing the filters.

    The project scope of ``filters`` is overridden (always peer deals). With
    ``include_reko_diq``, Reko Diq's claims that count in totals are added for comparison.
    ``hosts`` (host-country codes) narrows both; empty means every host. Adds ``scope``.
    """
    peers = filter_claims(financing, filters, project="peers").assign(scope="peer deal")
    out = peers
    if include_reko_diq:
        own = filter_claims(financing, filters, project="reko-diq")
        out = pd.concat([peers, own[own["counts_in_totals"]].assign(scope=REKO_DIQ)])
    return out[out["host_country"].isin(hosts)] if hosts else out


POINT_COLUMNS = [
    "claim_id",
    "scope",
    "project",
    "host_country",
    "host_name",
    "financier",
    "financier_country",
    "financier_country_name",
    "instrument",
    "status",
    "status_date",
    "status_date_precision",
    "amount_usd",
    "amount_usd_high",
    "amount_kind",
    "counts_in_totals",
    "source_ids",
]


def _points(deals: pd.DataFrame) -> pd.DataFrame:
    out = deals.copy()
    if "scope" not in out.columns:
        out["scope"] = [REKO_DIQ if p == REKO_DIQ else "peer deal" for p in out["project"]]
    out["host_name"] = [country_name(c) for c in out["host_country"]]
    out["financier_country_name"] = [country_name(c) for c in out["financier_country"]]
    return out[POINT_COLUMNS]


def _ordered(points: pd.DataFrame, within: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Hosts in order of their largest counted amount (Reko Diq's Pakistan last), rows within."""
    if points.empty:
        return points.reset_index(drop=True)
    biggest = points.groupby("host_name")["amount_usd"].max().fillna(-1.0)
    is_rd = points.groupby("host_name")["scope"].agg(lambda s: (s == REKO_DIQ).any())
    order = sorted(biggest.index, key=lambda h: (bool(is_rd[h]), -biggest[h], h))
    out = points.assign(_host_rank=points["host_name"].map({h: i for i, h in enumerate(order)}))
    out = out.sort_values(["_host_rank", *within], ascending=[True, *ascending], kind="stable", na_position="last")
    return out.drop(columns="_host_rank").reset_index(drop=True)


def deal_amounts(deals: pd.DataFrame) -> pd.DataFrame:
    """Single deals that count in totals and carry a USD amount: one row per claim.

    Programme-level rows are left out (see :func:`split_programmes`). Rows are grouped by
    host country (host with the largest deal first) and sorted by amount within a host.
    """
    single, _ = split_programmes(deals)
    return _ordered(_points(counted(single)), ["amount_usd", "claim_id"], [False, True])


def deal_timeline(deals: pd.DataFrame) -> pd.DataFrame:
    """Every selected claim (with or without an amount) for the status-date strip."""
    return _ordered(_points(deals[deals["status_date"].notna()]), ["status_date", "claim_id"], [True, True])


def deals_table(deals: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The claims ledger of the peer page (:func:`claims_table`) with the host country added."""
    out = claims_table(deals, sources)
    host = dict(zip(deals["claim_id"], deals["host_country"], strict=True))
    out.insert(out.columns.get_loc("project") + 1, "host_country", out["claim_id"].map(host))
    return out


def programme_table(programmes: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Programme-level rows in a compact form: what, who, how much, status, note and source."""
    cols = [
        "claim_id",
        "project",
        "financier",
        "instrument",
        "amount_usd",
        "amount_kind",
        "status",
        "status_date",
        "note",
        "source",
        "source_url",
        "source_ids",
    ]
    return deals_table(programmes, sources)[cols]


def points_table(points: pd.DataFrame) -> pd.DataFrame:
    """The rows behind a peer chart as shown (dates as plain dates), with ``source_ids``."""
    out = points.copy()
    out["status_date"] = out["status_date"].dt.date
    return out

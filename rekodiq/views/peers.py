"""Views of the Peer deals page: single deals by amount, every deal by date, programme-level figures, the ledger.

Page options: ``hosts`` (host-country codes, empty = all) and ``include_rd`` (add Reko Diq's
counted claims); the sidebar's project scope never applies here.
"""

from __future__ import annotations

import datetime as dt

from rekodiq import crowding, health, peer_deals
from rekodiq.charts.peers import build_peer_amounts, build_peer_timeline
from rekodiq.data import Dataset
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.views.base import ChartView, TableView


def host_options(data: Dataset) -> tuple[str, ...]:
    """Host-country codes a user may pick."""
    return peer_deals.host_options(data.financing)


def _deals(data: Dataset, filters: Filters, hosts: tuple[str, ...], include_rd: bool):
    return peer_deals.select_deals(data.financing, filters, hosts=hosts, include_reko_diq=include_rd)


def deal_amounts(data: Dataset, filters: Filters, hosts: tuple[str, ...], include_rd: bool, axis: str = "linear") -> ChartView:
    """Single deals with a counted USD amount, grouped by host country; ``axis`` "log" or "linear"."""
    points = peer_deals.deal_amounts(_deals(data, filters, hosts, include_rd))
    alt = (
        f"Dot chart of {len(points)} peer deals with a counted USD amount, grouped by host country; marker colour is the lender "
        "country, marker shape the status, and each marker is labelled with the financier and amount."
    )
    drawn, rest = crowding.keep_most_relevant(points, crowding.MAX_PEER_DEALS, by="amount_usd", group="host_name")
    note = _crowded_note(rest, "largest", f" (worth {usd_m(rest['amount_usd'].sum())} together)") if len(rest) else ""
    return ChartView(build_peer_amounts(drawn, log_x=axis == "log"), peer_deals.points_table(points), alt, note)


def _crowded_note(rest, which: str, worth: str = "") -> str:
    """What a peer chart over ``crowding.MAX_PEER_DEALS`` rows leaves out, counted per lender country."""
    per_country = crowding.counts_text(rest, "financier_country_name")
    return (
        f"The chart draws {crowding.MAX_PEER_DEALS:,} deals, the {which} of each host country in turn; {len(rest):,} more "
        f"deals{worth} are counted, not "
        f"drawn (by lender country: {per_country}). Choose a host country or narrow the filters to draw them; the table "
        "lists every row."
    )


def deal_timeline(data: Dataset, filters: Filters, hosts: tuple[str, ...], include_rd: bool) -> ChartView:
    """Every selected deal at its status date, with or without an amount."""
    points = peer_deals.deal_timeline(_deals(data, filters, hosts, include_rd))
    alt = (
        f"Timeline of {len(points)} peer deals by status date, grouped by host country; shape is the status, colour the lender "
        "country, and labels give the financier and amount or say that no amount was stated."
    )
    drawn, rest = crowding.keep_most_relevant(points, crowding.MAX_PEER_DEALS, by="status_date", group="host_name")
    note = _crowded_note(rest, "latest") if len(rest) else ""
    return ChartView(build_peer_timeline(drawn), peer_deals.points_table(points), alt, note)


def programmes(data: Dataset, filters: Filters, hosts: tuple[str, ...], include_rd: bool) -> TableView:
    """Programme-level figures (lending capacity, pooled letters of interest), listed rather than charted."""
    _, rows = peer_deals.split_programmes(_deals(data, filters, hosts, include_rd))
    return TableView(peer_deals.programme_table(rows, data.sources))


def ledger(
    data: Dataset, filters: Filters, hosts: tuple[str, ...], include_rd: bool, today: dt.date, min_health: int = 0
) -> TableView:
    """Every selected claim with the host country and its health on ``today``, at least ``min_health``."""
    deals = _deals(data, filters, hosts, include_rd)
    table = health.with_health(peer_deals.deals_table(deals, data.sources), data.sources, today)
    return TableView(*health.at_least(table, min_health))

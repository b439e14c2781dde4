"""Peer deals: row selection, the programme split, URL parsing and the two figure builders.

Built on the frozen mini dataset (tests/fixtures/mini_data, which holds every peer deal of
release 1.0.0), so a data update never changes what these tests expect.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from rekodiq import peer_deals as peers_rows
from rekodiq import urlstate
from rekodiq.charts import peers
from rekodiq.filters import Filters
from rekodiq.vocabulary import REKO_DIQ, STATUS_SYMBOLS

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def financing(mini_dataset):
    return mini_dataset.financing


@pytest.fixture(scope="module")
def sources(mini_dataset):
    return mini_dataset.sources


def claims(*rows: dict) -> pd.DataFrame:
    """A tiny financing frame with every column the page uses; ``rows`` override the defaults."""
    base = {
        "claim_id": "C900",
        "claim_group": "g900",
        "project": "Test mine",
        "host_country": "CHL",
        "financier": "JBIC",
        "financier_country": "JPN",
        "financier_type": "export credit agency",
        "instrument": "loan",
        "amount_reported": 100.0,
        "currency": "USD",
        "amount_usd": 100.0,
        "amount_usd_high": float("nan"),
        "usd_conversion": "Reported in USD.",
        "amount_kind": "exact",
        "status": "signed",
        "status_date": "2024-01-15",
        "status_date_precision": "day",
        "announced_date": "2024-01-15",
        "supersedes": "",
        "part_of": "",
        "counts_in_totals": True,
        "selection_note": "Only version.",
        "source_ids": "S001",
        "fact_refs": "",
        "note": "",
    }
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["status_date"] = pd.to_datetime(frame["status_date"])
    frame["amount_usd"] = frame["amount_usd"].astype(float)
    frame["amount_usd_high"] = frame["amount_usd_high"].astype(float)
    return frame


def marker_points(fig: go.Figure) -> dict[str, float | str]:
    """claim_id -> x of every data marker (legend-only entries carry no points)."""
    out = {}
    for trace in fig.data:
        if trace.mode == "markers" and trace.customdata is not None:
            for x, custom in zip(trace.x, trace.customdata, strict=True):
                out[custom[5]] = x
    return out


def all_strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in all_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in all_strings(v)]
    return []


# --------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------


def test_reko_diq_is_excluded_by_default_whatever_the_project_filter(financing):
    for project in ("reko-diq", "peers", "all"):
        deals = peers_rows.select_deals(financing, Filters(project=project))
        assert len(deals) > 0
        assert REKO_DIQ not in set(deals["project"])
        assert set(deals["scope"]) == {"peer deal"}


def test_reko_diq_toggle_adds_only_its_counted_claims(financing):
    deals = peers_rows.select_deals(financing, Filters(), include_reko_diq=True)
    own = deals[deals["project"] == REKO_DIQ]
    expected = financing[
        (financing["project"] == REKO_DIQ)
        & financing["counts_in_totals"]
        & financing["status"].isin(Filters().allowed_statuses())
    ]
    assert set(own["claim_id"]) == set(expected["claim_id"])
    assert own["counts_in_totals"].all()
    assert set(own["scope"]) == {REKO_DIQ}


def test_lender_country_and_host_filters(financing):
    japanese = peers_rows.select_deals(financing, Filters(countries=("JPN",)))
    assert len(japanese) >= 5 and set(japanese["financier_country"]) == {"JPN"}
    chile = peers_rows.select_deals(financing, Filters(), hosts=("CHL",))
    assert set(chile["host_country"]) == {"CHL"}
    assert {"C063", "C064", "C065", "C066", "C069"} <= set(chile["claim_id"])
    assert peers_rows.select_deals(financing, Filters(), hosts=("PAK",)).empty


def test_programme_level_rows_are_split_off(financing):
    deals = peers_rows.select_deals(financing, Filters())
    single, programmes = peers_rows.split_programmes(deals)
    assert set(programmes["claim_id"]) == {"C057", "C058"}  # pooled letters of interest, 100 bn headroom
    assert "C056" in set(single["claim_id"])  # Project Vault is one loan to one borrower
    assert len(single) + len(programmes) == len(deals)


def test_deal_amounts_are_the_counted_usd_amounts_of_single_deals(financing):
    deals = peers_rows.select_deals(financing, Filters(include_unconfirmed=True))
    points = peers_rows.deal_amounts(deals)
    raw = financing[
        (financing["project"] != REKO_DIQ)
        & financing["counts_in_totals"]
        & financing["amount_usd"].notna()
        & ~financing["claim_id"].isin(["C057", "C058"])
    ]
    assert set(points["claim_id"]) == set(raw["claim_id"])
    fig = peers.build_peer_amounts(points)
    shown = marker_points(fig)
    assert shown == dict(zip(raw["claim_id"], raw["amount_usd"], strict=True))
    assert shown["C068"] == 1500  # a range is placed at its low end ...
    ranges = [t for t in fig.data if t.name == "reported range"]
    assert ranges and 2000 in ranges[0].x  # ... and drawn to its high end


def test_timeline_keeps_rows_without_an_amount(financing):
    deals = peers_rows.select_deals(financing, Filters())
    points = peers_rows.deal_timeline(deals)
    assert set(points["claim_id"]) == set(deals["claim_id"])
    fig = peers.build_peer_timeline(points)
    shown = marker_points(fig)
    assert {"C060", "C061", "C062"} <= set(shown)
    assert shown["C062"] == "2024-11-17"  # Japan-Peru joint statement, Lima
    labels = [t for t in fig.data if t.mode == "markers+text"][0]
    assert list(labels.text).count("no amount stated") == int(points["amount_usd"].isna().sum())


def test_rows_are_grouped_by_host_with_a_header_per_host(financing):
    points = peers_rows.deal_amounts(peers_rows.select_deals(financing, Filters()))
    fig = peers.build_peer_amounts(points)
    # Row labels stand above their rows (annotations), not beside the plot: a phone keeps the width.
    assert fig.layout.yaxis.showticklabels is False
    rows = [a for a in fig.layout.annotations if a.yref == "y"]
    ticks = [a.text for a in rows]
    headers = [t for t in ticks if t.startswith("<b>")]
    assert headers == [f"<b>{h}</b>" for h in dict.fromkeys(points["host_name"])]
    assert len(ticks) == len(points) + len(headers)
    marker_y = {y for t in fig.data if t.mode == "markers" and t.customdata is not None for y in t.y}
    deal_rows = [a for a in rows if not a.text.startswith("<b>")]
    assert {a.y for a in deal_rows} == marker_y and all(a.yanchor == "bottom" and a.yshift > 0 for a in deal_rows)
    # hosts are contiguous
    assert points["host_name"].tolist() == sorted(
        points["host_name"].tolist(), key=list(dict.fromkeys(points["host_name"])).index
    )


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def test_trace_types_encodings_and_titles(financing):
    points = peers_rows.deal_amounts(peers_rows.select_deals(financing, Filters()))
    fig = peers.build_peer_amounts(points)
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.title.text == "Peer deals by host country and project"
    assert fig.layout.xaxis.type in (None, "linear") and fig.layout.xaxis.range[0] == 0
    status_entries = {t.name: t.marker.symbol for t in fig.data if t.legend == "legend2" and t.name != "reported range"}
    assert status_entries == {s: STATUS_SYMBOLS[s] for s in set(points["status"])}
    for trace in fig.data:
        if trace.mode == "markers" and trace.customdata is not None:
            expected = [STATUS_SYMBOLS[points.set_index("claim_id").loc[c[5], "status"]] for c in trace.customdata]
            assert list(trace.marker.symbol) == expected  # status by shape, not colour
    labels = [t for t in fig.data if t.mode == "markers+text"][0]
    assert "USD 10 bn" in labels.text and "USD 950 m" in labels.text


def test_log_axis_option(financing):
    points = peers_rows.deal_amounts(peers_rows.select_deals(financing, Filters()))
    fig = peers.build_peer_amounts(points, log_x=True)
    assert fig.layout.xaxis.type == "log"
    assert not [t for t in fig.data if t.mode == "lines" and t.name != "reported range"], "no stems from zero on a log axis"
    assert "logarithmic" in fig.layout.title.subtitle.text


def test_colours_are_stable_across_views(financing):
    peers_only = peers.country_colors(peers_rows.deal_amounts(peers_rows.select_deals(financing, Filters())))
    with_rd = peers.country_colors(peers_rows.deal_amounts(peers_rows.select_deals(financing, Filters(), include_reko_diq=True)))
    assert peers_only["JPN"] == with_rd["JPN"] and peers_only["USA"] == with_rd["USA"]
    assert len(set(with_rd.values())) == len(with_rd), "no two lender countries share a colour"


def test_tiny_frame_and_hostile_financier_is_escaped_everywhere():
    frame = claims(
        {"claim_id": "C901", "financier": HOSTILE, "project": "Mine <b>bold</b>", "amount_usd": 250.0},
        {"claim_id": "C902", "financier": "JBIC", "host_country": "PER", "amount_usd": float("nan"), "status": "announced"},
    )
    points = peers_rows.deal_amounts(frame)
    assert points["claim_id"].tolist() == ["C901"]
    for fig in (peers.build_peer_amounts(points), peers.build_peer_timeline(peers_rows.deal_timeline(frame))):
        strings = all_strings(json.loads(fig.to_json()))
        assert not any("<img" in s for s in strings)
        assert not any("<b>bold" in s for s in strings)
        assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in strings)


def test_empty_selection_gives_an_empty_figure_not_an_error():
    frame = claims({"claim_id": "C903", "amount_usd": float("nan")})
    amounts = peers.build_peer_amounts(peers_rows.deal_amounts(frame))
    assert not [t for t in amounts.data if t.x]
    assert "No peer deal" in amounts.layout.annotations[0].text
    timeline = peers.build_peer_timeline(peers_rows.deal_timeline(frame.iloc[0:0]))
    assert "No peer deal" in timeline.layout.annotations[0].text


def test_deals_table_adds_the_host_and_source_links(financing, sources):
    deals = peers_rows.select_deals(financing, Filters())
    table = peers_rows.deals_table(deals, sources)
    assert len(table) == len(deals)
    assert table.columns.tolist()[1:3] == ["project", "host_country"]
    assert dict(zip(table["claim_id"], table["host_country"], strict=True)) == dict(
        zip(deals["claim_id"], deals["host_country"], strict=True)
    )
    assert table["source_url"].str.startswith("http").all()


def test_chart_table_has_sources_and_plain_dates(financing):
    points = peers_rows.deal_amounts(peers_rows.select_deals(financing, Filters()))
    table = peers_rows.points_table(points)
    assert "source_ids" in table.columns and table["source_ids"].str.len().gt(0).all()
    assert table["amount_usd"].tolist() == points["amount_usd"].tolist()
    assert not pd.api.types.is_datetime64_any_dtype(table["status_date"])


# --------------------------------------------------------------------------------------
# URL parameters
# --------------------------------------------------------------------------------------


def test_parse_hosts_allow_list():
    allowed = ("CHL", "PER", "XVA")
    assert urlstate.parse_hosts(["chl", "PER", "CHL"], allowed) == (("CHL", "PER"), [])
    chosen, notices = urlstate.parse_hosts(["<script>alert(1)</script>", "CHL", "x" * 500], allowed)
    assert chosen == ("CHL",)
    assert len(notices) == 2 and "<script>alert(1)</script>" in notices[0]
    assert all(len(n) < 120 for n in notices)
    chosen, notices = urlstate.parse_hosts(["CHL"] * 60, allowed)
    assert chosen == ("CHL",) and "first 50" in notices[-1]


def test_parse_flag():
    assert urlstate.parse_page_flag("rd", []) == (False, [])
    assert urlstate.parse_page_flag("rd", ["1"]) == (True, [])
    assert urlstate.parse_page_flag("rd", ["on", "off"]) == (False, ["rd: given 2 times, the last value was used"])
    value, notices = urlstate.parse_page_flag("rd", ["maybe"])
    assert value is False and notices and "maybe" in notices[0]


def test_host_options_are_the_hosts_in_the_ledger(financing):
    options = peers_rows.host_options(financing)
    assert options == tuple(sorted(financing["host_country"].unique()))
    assert {"CHL", "PER", "PAK", "XVA"} <= set(options)


def test_programme_table_is_compact_and_sourced(financing, sources):
    _, programmes = peers_rows.split_programmes(peers_rows.select_deals(financing, Filters()))
    table = peers_rows.programme_table(programmes, sources)
    assert dict(zip(table["claim_id"], table["amount_usd"], strict=True)) == {"C057": 14800.0, "C058": 100000.0}
    assert {"note", "source_url", "source_ids"} <= set(table.columns)

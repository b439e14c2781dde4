"""The Peer deals and Sources and method pages: their pure tables (rekodiq.method) and the
pages themselves under AppTest (no network, no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import claims, method, peer_deals
from rekodiq.data import TABLES, load_dataset
from rekodiq.filters import Filters
from rekodiq.vocabulary import FIRM_STATUSES, REKO_DIQ, STATUS_LADDER

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def data():
    return load_dataset().dataset


def page(name: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def url(at: AppTest) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def claim_frames(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page that lists claims (chart tables and ledgers)."""
    return [df.value for df in at.dataframe if {"claim_id", "financier_country"} <= set(df.value.columns)]


def ledger(at: AppTest) -> pd.DataFrame:
    return at.dataframe[-1].value


# --------------------------------------------------------------------------------------
# rekodiq.method (pure)
# --------------------------------------------------------------------------------------


def test_grade_counts_equal_value_counts(data):
    counts = method.grade_counts(data.sources)
    assert counts["grade"].tolist()[:3] == ["A", "B", "C"]
    assert dict(zip(counts["grade"], counts["sources"], strict=True)) == data.sources["grade"].value_counts().to_dict()
    assert counts["sources"].sum() == len(data.sources)
    assert counts["meaning"].str.len().gt(0).all()


def test_grade_counts_show_absent_grades_as_zero(data):
    only_b = data.sources[data.sources["grade"] == "B"]
    counts = method.grade_counts(only_b)
    assert dict(zip(counts["grade"], counts["sources"], strict=True)) == {"A": 0, "B": len(only_b), "C": 0}


def test_status_ladder_has_eight_statuses_in_order():
    ladder = method.status_ladder_table()
    assert ladder["status"].tolist() == [*STATUS_LADDER, "cancelled", "not concluded"]
    assert ladder["status"].tolist()[:6] == ["rumoured", "expected", "announced", "board-approved", "signed", "disbursed"]
    assert ladder["step"].tolist() == ["1", "2", "3", "4", "5", "6", "off", "off"]
    assert ladder["definition"].str.len().gt(20).all() and ladder["definition"].is_unique
    # Default filters: announced and above are shown; rumoured, expected and lapsed ones are not.
    assert ladder["shown_by_default"].tolist() == [False, False, True, True, True, True, False, False]
    assert method.status_ladder_table("signed")["shown_by_default"].tolist() == [False] * 4 + [True, True] + [False] * 2


def test_sources_table_blanks_undated_sources_and_keeps_every_row(data):
    table = method.sources_table(data.sources)
    assert len(table) == len(data.sources)
    assert table["source_id"].is_unique and table["url"].str.match(r"^https?://").all()
    by_id = data.sources.set_index("source_id")
    for row in table.itertuples(index=False):
        precision = by_id.loc[row.source_id, "published_precision"]
        day = by_id.loc[row.source_id, "published"]
        expected = {"day": day.strftime("%Y-%m-%d"), "month": day.strftime("%Y-%m"), "year": day.strftime("%Y"), "unknown": ""}[
            precision
        ]
        assert row.published == expected
    assert (table["published"] == "").sum() == (data.sources["published_precision"] == "unknown").sum() > 0


def test_judgements_table_has_every_call_with_source_links(data):
    table = method.judgements_table(data.judgements, data.sources)
    assert len(table) == len(data.judgements)
    assert {"topic", "decision", "reason", "alternatives", "source_url"} <= set(table.columns)
    assert table["source_url"].str.startswith("http").all()


def test_disputed_claims_list_every_version_with_one_counted_per_group(data):
    table = method.disputed_claims_table(data.financing, data.sources)
    sizes = data.financing["claim_group"].value_counts()
    assert set(table["claim_group"]) == set(sizes[sizes > 1].index)
    assert len(table) == int(sizes[sizes > 1].sum())
    first = table.groupby("claim_group", sort=False).head(1)
    assert first["counts_in_totals"].all(), "the counted version of each group comes first"
    assert table["selection_note"].str.len().gt(0).all()


def test_kpi_versions_put_the_preferred_version_first(data):
    table = method.kpi_versions_table(data.kpis, data.sources)
    sizes = data.kpis["kpi"].value_counts()
    assert set(table["kpi"]) == set(sizes[sizes > 1].index)
    assert table.groupby("kpi", sort=False).head(1)["preferred"].all()
    assert table.loc[table["preferred"], "preference_reason"].str.len().gt(0).all()
    assert len(method.kpi_versions_table(data.kpis, data.sources, only_disputed=False)) == len(data.kpis)


def test_row_counts_cover_every_file(data):
    counts = method.row_counts(data)
    assert dict(zip(counts["file"], counts["rows"], strict=True)) == {
        **{f"{name}.csv": len(data.table(name)) for name in TABLES},
        "data_dictionary.csv": len(data.dictionary),
    }
    assert counts["contents"].str.len().gt(0).all()


# --------------------------------------------------------------------------------------
# Peer deals page
# --------------------------------------------------------------------------------------


def test_peers_page_default_view(data):
    at = page("peers")
    figs = figures(at)
    assert len(figs) == 2
    assert figs[0]["layout"]["title"]["text"] == "Peer deals by host country and project"
    assert all(t["type"] == "scatter" for fig in figs for t in fig["data"])
    deals = ledger(at)
    assert REKO_DIQ not in set(deals["project"])
    assert {"C056", "C059", "C062", "C063"} <= set(deals["claim_id"])
    row_labels = [a["text"] for fig in figs for a in fig["layout"].get("annotations", [])]  # row labels stand above the rows
    assert row_labels and not any("Reko Diq" in label for label in row_labels)
    assert any("Project setting does not apply" in c.value for c in at.caption)
    assert "host" not in at.query_params and "rd" not in at.query_params


def test_project_filter_is_overridden_on_the_peers_page():
    reko = page("peers", {"project": "reko-diq"})
    both = page("peers", {"project": "all"})
    assert ledger(reko).equals(ledger(both))
    assert not any(t.value.startswith("Active filters") and "Project:" in t.value for t in reko.text)


def test_lender_country_filter_keeps_only_japanese_deals(data):
    at = page("peers", {"country": "JPN"})
    frames = claim_frames(at)
    assert len(frames) >= 3
    for frame in frames:
        assert len(frame) > 0 and set(frame["financier_country"]) == {"JPN"}
    expected = data.financing[
        (data.financing["project"] != REKO_DIQ)
        & (data.financing["financier_country"] == "JPN")
        & data.financing["status"].isin(["announced", "board-approved", "signed", "disbursed"])
    ]
    assert set(ledger(at)["claim_id"]) == set(expected["claim_id"])


def test_host_in_the_url_filters_and_stays_in_the_url():
    at = page("peers", {"host": "CHL"})
    assert at.multiselect(key="peers_host").value == ["CHL"]
    for frame in claim_frames(at):
        assert set(frame["host_country"]) == {"CHL"}
    assert url(at)["host"] == ["CHL"]
    assert not at.warning


def test_unknown_host_gives_a_warning_and_is_ignored():
    at = page("peers", {"host": ["<script>alert(1)</script>", "per"]})
    assert at.warning, "a visible notice"
    notice = "\n".join(t.value for t in at.text)
    assert "host: unknown host country '<script>alert(1)</script>' ignored" in notice
    assert all("<script>" not in m.value for m in at.markdown)
    assert at.multiselect(key="peers_host").value == ["PER"]
    assert url(at)["host"] == ["PER"]
    assert set(ledger(at)["host_country"]) == {"PER"}


def test_changing_the_host_widget_updates_the_url():
    at = page("peers")
    at.multiselect(key="peers_host").set_value(["BRA", "CHL"]).run()
    assert sorted(url(at)["host"]) == ["BRA", "CHL"]
    assert set(ledger(at)["host_country"]) == {"BRA", "CHL"}
    at.multiselect(key="peers_host").set_value([]).run()
    assert "host" not in at.query_params


def test_reko_diq_toggle_lives_in_the_url(data):
    at = page("peers", {"rd": "1"})
    assert at.toggle(key="peers_include_rd").value is True
    own = ledger(at)[ledger(at)["project"] == REKO_DIQ]
    assert len(own) > 0 and own["counts_in_totals"].all()
    at.toggle(key="peers_include_rd").set_value(False).run()
    assert "rd" not in at.query_params
    assert REKO_DIQ not in set(ledger(at)["project"])


def test_chart_amounts_match_the_counted_amounts(data):
    at = page("peers")
    fig = figures(at)[0]
    shown = {}
    for trace in fig["data"]:
        if trace.get("mode") == "markers" and trace.get("customdata"):
            shown.update({c[5]: x for x, c in zip(trace["x"], trace["customdata"], strict=True)})
    # The rule, from the ledger: peer claims that count, carry a USD amount and pass the default
    # status filter, less the programme-level rows (claims.is_programme), which are listed apart.
    f = data.financing
    programme = claims.is_programme(f)
    expected = f[
        (f["project"] != REKO_DIQ)
        & f["counts_in_totals"]
        & f["amount_usd"].notna()
        & f["status"].isin(FIRM_STATUSES)
        & ~programme
    ]
    assert len(expected) > 1
    assert shown == dict(zip(expected["claim_id"], expected["amount_usd"], strict=True))
    # ... which is what the domain function behind the chart gives for the default filters.
    points = peer_deals.deal_amounts(peer_deals.select_deals(f, Filters()))
    assert shown == dict(zip(points["claim_id"], points["amount_usd"], strict=True))
    programmes = set(f.loc[programme & (f["project"] != REKO_DIQ), "claim_id"])
    assert programmes and not programmes & set(shown), "programme-level figures are not drawn as deals"


def test_empty_peers_view_is_clear_not_an_error():
    at = page("peers", {"host": "PAK"})  # Pakistan hosts only Reko Diq, which is off by default
    assert at.info, "a clear empty-state message"
    for fig in figures(at):
        assert fig["layout"].get("annotations"), "empty figures say so"


# --------------------------------------------------------------------------------------
# Sources and method page
# --------------------------------------------------------------------------------------


def test_sources_page_lists_every_source_and_the_data_version(data):
    at = page("sources")
    sources = next(df.value for df in at.dataframe if {"source_id", "grade", "url"} <= set(df.value.columns))
    assert len(sources) == len(data.sources)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Data version"] == data.version
    assert metrics["Last updated"] == data.last_updated.isoformat()
    grades = data.sources["grade"].value_counts()
    assert metrics["All sources"] == str(len(data.sources))
    assert metrics["Grade A sources"] == str(grades["A"])
    assert metrics["Grade B sources"] == str(grades["B"])
    assert metrics["Grade C sources"] == str(grades["C"])
    assert any(t.value == "Filters: not applied on this page." for t in at.text)


def test_sources_page_shows_the_method_tables(data):
    at = page("sources")
    columns = [set(df.value.columns) for df in at.dataframe]
    assert {"topic", "decision", "reason", "alternatives"} in [
        c & {"topic", "decision", "reason", "alternatives"} for c in columns
    ]
    ladder = next(df.value for df in at.dataframe if "definition" in df.value.columns)
    assert ladder["status"].tolist()[:6] == list(STATUS_LADDER)
    dictionary = next(df.value for df in at.dataframe if {"file", "column", "type"} <= set(df.value.columns))
    assert len(dictionary) == len(data.dictionary)
    labels = [el.proto.label for el in at.get("download_button")]
    assert "Download the whole dataset (ZIP)" in labels

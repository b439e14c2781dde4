"""Search, record pages, scenarios, deal velocity and click-to-filter matching: the pure parts.

Domain tests use the frozen mini dataset (tests/fixtures/mini_data) where it holds the case,
and the real data only for the US EXIM claim group, which the mini data does not have.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rekodiq import claims, records, scenario, search, velocity
from rekodiq.data import load_dataset
from rekodiq.filters import Filters
from rekodiq.scenario import Scenario
from rekodiq.ui.select import match
from rekodiq.views import funding as funding_views
from rekodiq.views import scenario as scenario_views

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def real():
    return load_dataset().dataset


@pytest.fixture(scope="module")
def index(mini_dataset):
    return search.build_index(mini_dataset)


# ---- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind", "key"),
    [
        ("japan bank", "financier", "JBIC"),
        ("Japan Bank for International Cooperation", "financier", "JBIC"),
        ("jbci", "financier", "JBIC"),  # a typo
        ("Export-Import Bank", "financier", "US EXIM"),
        ("exim", "financier", "US EXIM"),
        ("C019", "claim", "C019"),
    ],
)
def test_search_finds_records_by_alias_and_typo(index, query, kind, key):
    hits = search.search(index, query)
    assert hits, query
    first = hits[0][0]
    assert (first.kind, first.key) == (kind, key)


def test_search_links_open_the_matching_page(index):
    entry = search.search(index, "japan bank")[0][0]
    assert entry.link == "/financier?name=JBIC"
    claim = search.search(index, "C019")[0][0]
    assert claim.link == "/claim?id=C019" and dict(claim.params) == {"id": "C019"}


def test_balochistan_and_baluchistan_are_one_word(real):
    index = search.build_index(real)
    for query in ("Baluchistan", "Balochistan"):
        top = [e for e, _ in search.search(index, query, limit=3)]
        assert any(e.kind == "entity" and "Balochistan" in e.label for e in top), query


@pytest.mark.parametrize("query", ["", "   ", "\x00\x00", "\u202e\u200b"])
def test_empty_queries_find_nothing(index, query):
    assert search.search(index, query) == []


def test_hostile_queries_are_cut_and_never_raise(index):
    assert len(search.clean_query("a" * 10_000)) == search.MAX_QUERY_CHARS
    assert "\x00" not in search.clean_query("JB\x00IC") and "\u202e" not in search.clean_query("\u202eJBIC")
    for query in ("<script>alert(1)</script>", "[x](javascript:alert(1))", "$\\href{x}$", "%{y}", "ＪＢＩＣ" * 50):
        search.search(index, query)


def test_suggestions_for_unknown_names(mini_dataset):
    names = sorted(mini_dataset.financing["financier"].unique())
    assert search.suggestions("JBC", names)[0] == "JBIC"
    assert "JBIC" in search.suggestions("japan bank", names)
    assert search.suggestions("", names) == []


# ---- record pages -----------------------------------------------------------------------


def test_exim_group_versions_have_roles_and_supersession(real):
    versions = records.group_versions(real.financing, "C014").set_index("claim_id")
    assert set(versions.index) >= {"C010", "C011", "C012", "C013", "C014", "C015"}
    assert versions.loc["C014", "role"] == "counted" and versions.loc["C014", "supersedes"] == "C013"
    assert versions.loc["C013", "role"] == "superseded" and versions.loc["C013", "superseded_by"] == "C014"
    assert versions["counts_in_totals"].sum() == 1


def test_unknown_claim_gives_empty_versions(mini_dataset):
    assert records.group_versions(mini_dataset.financing, "C999").empty
    assert records.financier_claims(mini_dataset.financing, "Nobody").empty


def test_ladder_steps_climb_in_date_order(real):
    steps = records.ladder_steps(real.financing, real.milestones, ["C014"])
    status = steps[steps["event"] == "status"]
    assert set(steps["claim_group"]) == {"exim-loan"}
    assert status["date"].is_monotonic_increasing
    assert status["rung"].iloc[0] == 1 and status["rung"].max() == 4  # rumoured ... board-approved
    assert steps["event"].str.startswith("milestone M058").any()  # linked by claim_id


def test_claim_links_only_for_single_well_formed_ids():
    links = records.claim_link(pd.Series(["C014", "C002;C003", None, "<b>", "C1"]))
    assert links.tolist() == ["/claim?id=C014", None, None, None, "/claim?id=C1"]


def test_judgements_found_by_related_ids(real):
    found = records.judgements_for(real.judgements, ["C014"])
    assert "J01" in set(found["judgement_id"])


def test_capital_share_is_the_financiers_part_of_the_committed_stack(mini_dataset):
    shown = claims.filter_claims(mini_dataset.financing, Filters(include_unconfirmed=True), project="reko-diq")
    stack = claims.capital_stack(shown, debt_target=3500.0, requirement=7723.0)
    own, total, share = records.capital_share(shown, "JBIC", stack)
    assert own == 300.0  # C018 counts; C017 and C019 do not
    assert total == stack.loc[stack["kind"] == "committed", "amount_usd"].sum()
    assert share == pytest.approx(100 * 300.0 / total)


# ---- scenarios --------------------------------------------------------------------------


def test_scenario_url_is_allow_listed_with_notices():
    allowed = ["C018", "C019", "C020"]
    picked, notices = scenario.parse(["c018,C020,C999,<b>x</b>", "C018"], ["C018:500,C020:-5,C777:10,C020:1e9,junk"], allowed)
    assert picked.claim_ids == ("C018", "C020")
    assert picked.amounts == (("C018", 500.0),)
    assert len(notices) == 6 and all(len(n) < 150 for n in notices)
    again, quiet = scenario.parse(*[scenario.to_query(picked).get(k, []) for k in ("scenario", "amt")], allowed)
    assert again == picked and quiet == []


def test_scenario_never_changes_the_as_reported_stack(mini_dataset):
    before = mini_dataset.financing.copy()
    reported = funding_views.capital_stack(mini_dataset, Filters()).table
    view = scenario_views.scenario_stack(mini_dataset, Filters(), Scenario(("C018",), (("C018", 500.0),)))
    pd.testing.assert_frame_equal(mini_dataset.financing, before)  # the input is untouched
    as_reported = view.table[view.table["case"] == "As reported"].drop(columns="case").reset_index(drop=True)
    pd.testing.assert_frame_equal(as_reported, reported[as_reported.columns])
    assert set(view.table["case"]) == {"As reported", "Scenario"}
    assert "Scenario" in view.figure.layout.title.text and "Scenario" in view.note


def test_adding_jbic_lowers_the_gap_by_its_amount(mini_dataset):
    reported, what_if = scenario_views.stacks(mini_dataset, Filters(), Scenario(("C018",)))
    assert scenario.gap(reported) - scenario.gap(what_if) == pytest.approx(300.0)
    _, bigger = scenario_views.stacks(mini_dataset, Filters(), Scenario(("C018",), (("C018", 500.0),)))
    assert scenario.gap(reported) - scenario.gap(bigger) == pytest.approx(500.0)


def test_two_versions_of_one_commitment_count_once(mini_dataset):
    shown = claims.filter_claims(mini_dataset.financing, Filters(include_unconfirmed=True), project="reko-diq")
    out = scenario.apply(shown, mini_dataset.financing, Scenario(("C018", "C019")))
    jbic = claims.counted(out[out["claim_group"] == "jbic-loan"])
    assert jbic["claim_id"].tolist() == ["C019"] and claims.counted_debt(out) - claims.counted_debt(shown) == 200.0


def test_pending_claims_are_rumoured_or_expected_stack_instruments(mini_dataset):
    pending = scenario.pending_claims(mini_dataset.financing)
    assert {"C018", "C019", "C020"} <= set(pending["claim_id"])
    assert set(pending["status"]) <= {"rumoured", "expected"} and (pending["project"] == "Reko Diq").all()


# ---- deal velocity ----------------------------------------------------------------------


def test_velocity_keeps_open_steps_running_to_today(mini_dataset):
    rows = velocity.velocity(mini_dataset.financing, mini_dataset.milestones, TODAY)
    jbic = rows[(rows["claim_group"] == "jbic-loan") & (rows["step"] == "signed")].iloc[0]
    assert jbic["open"] and pd.isna(jbic["reached"])
    assert jbic["days"] == (pd.Timestamp(TODAY) - jbic["first_reported"]).days
    done = rows[(rows["claim_group"] == "jbic-centinela") & (rows["step"] == "signed")].iloc[0]
    claim = mini_dataset.financing.set_index("claim_id").loc["C066"]
    start = min(d for d in (claim["announced_date"], claim["status_date"]) if pd.notna(d))
    assert not done["open"] and done["reached"] == claim["status_date"] and done["days"] == (claim["status_date"] - start).days


def test_velocity_comparison_puts_reko_diq_beside_peers_with_medians(mini_dataset):
    rows = velocity.comparison(velocity.velocity(mini_dataset.financing, mini_dataset.milestones, TODAY), "signed")
    jbic = rows[rows["financier"] == "JBIC"]
    assert set(jbic["scope"]) == {"Reko Diq", "peer deals"}
    done = jbic[(jbic["scope"] == "peer deals") & ~jbic["open"]]
    assert jbic.loc[jbic["scope"] == "peer deals", "median_days"].iloc[0] == done["days"].median()
    assert jbic.loc[jbic["scope"] == "Reko Diq", "median_days"].isna().all()  # nothing completed yet


def test_programmes_and_frameworks_are_not_deals(mini_dataset):
    rows = velocity.velocity(mini_dataset.financing, mini_dataset.milestones, TODAY)
    assert not {"exim-headroom", "exim-critical-minerals-lois", "critical-minerals-ministerial"} & set(rows["claim_group"])


# ---- click to filter --------------------------------------------------------------------

LENDERS = ("IFC", "JBIC", "OGDCL", "PMPL", "PPL", "US EXIM")


@pytest.mark.parametrize(
    ("kind", "labels", "expected"),
    [
        ("lender", ["US EXIM"], "US EXIM"),
        ("lender", ["us exim"], "US EXIM"),
        ("lender", ["<b>US EXIM</b>"], None),
        ("lender-customdata", ["JBIC"], "JBIC"),
        ("country", ["USA"], "USA"),
        ("country", ["Mars"], None),
        ("holder", ["OGDCL (state-owned)"], "OGDCL"),
        ("holder", ["PPL · via PMPL"], "PPL"),
        ("holder", ["Balochistan · via BMRL"], None),
        ("holder", ["Barrick"], None),
    ],
)
def test_a_clicked_label_maps_only_to_allow_listed_values(kind, labels, expected):
    assert match(kind, labels, LENDERS, ("JPN", "USA")) == expected

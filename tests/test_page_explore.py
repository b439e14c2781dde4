"""The new pages under AppTest: search, financier, claim, deal velocity and the funding scenario,
with good and hostile URL values (expected values computed through the domain functions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import curation, scenario
from rekodiq.data import load_dataset
from rekodiq.filters import Filters
from rekodiq.format import usd_m
from rekodiq.scenario import Scenario
from rekodiq.views import scenario as scenario_views

from hostile.payloads import url_strings
from hostile.url_runner import _markdown_values

ROOT = Path(__file__).resolve().parent.parent


def open_page(page: str, query: dict[str, list[str]]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, values in query.items():
        at.query_params[key] = values
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    return at


def texts(at: AppTest) -> str:
    return "\n".join(t.value for t in at.text)


def url(at: AppTest) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


@pytest.fixture(scope="module")
def data():
    return load_dataset().dataset


def test_search_page_lists_jbic_first_for_japan_bank():
    at = open_page("search", {"q": ["japan bank"]})
    assert not at.exception
    assert at.text_input(key="search_query").value == "japan bank"
    assert "financier: JBIC (" in texts(at)
    assert at.button(key="search_hit_0").label == "Open the financier page"


def test_financier_page_shows_its_claims_and_sources(data):
    at = open_page("financier", {"name": ["jbic"]})  # case-insensitive
    assert not at.exception
    assert at.selectbox(key="financier_name").value == "JBIC"
    assert url(at)["name"] == ["JBIC"]
    frames = [df.value for df in at.dataframe]
    claims_table = next(f for f in frames if "claim_group" in f.columns and "health" in f.columns)
    assert set(claims_table["claim_id"]) == set(data.financing.loc[data.financing["financier"] == "JBIC", "claim_id"])
    assert claims_table["claim_link"].str.startswith("/claim?id=").all()
    assert any("grade" in f.columns and "source_id" in f.columns for f in frames)
    assert at.get("plotly_chart"), "the ladder chart is drawn"


def test_claim_page_shows_every_exim_version_with_sources(data):
    at = open_page("claim", {"id": ["C014"]})
    assert not at.exception
    group = data.financing[data.financing["claim_group"] == "exim-loan"]
    versions = next(df.value for df in at.dataframe if "role" in df.value.columns)
    assert set(versions["claim_id"]) == set(group["claim_id"])
    assert versions["source"].str.len().gt(0).all()
    assert "Supersedes: C013" in texts(at) and "Record health:" in texts(at)
    history = curation.claim_history("C014", data)
    assert f"Claim C014: {int((history['role'] == 'this claim').sum())} version" in texts(at)
    assert len(at.get("plotly_chart")) >= 3, "versions, steps and the release history are drawn"
    assert any("J01" in set(df.value.get("judgement_id", [])) for df in at.dataframe)


@pytest.mark.parametrize(("page", "param"), [("financier", "name"), ("claim", "id")])
def test_unknown_records_say_not_found_with_suggestions(page, param):
    at = open_page(page, {param: ["JBC" if page == "financier" else "C01"]})
    assert not at.exception
    assert at.warning and "Not found:" in texts(at) and "Closest matches:" in texts(at)
    if page == "financier":
        assert "JBIC" in texts(at)


def test_velocity_page_draws_reko_diq_beside_peers():
    at = open_page("velocity", {"step": ["signed"]})
    assert not at.exception
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {trace.get("name") for trace in fig["data"]}
    assert {"Reko Diq (still running)", "peer deals"} <= names
    assert any("median" in (n or "") for n in names)


def test_funding_scenario_from_the_url_changes_the_gap_only_in_the_scenario(data):
    at = open_page("funding", {"scenario": ["C018"], "amt": ["C018:500"]})
    assert not at.exception
    assert at.multiselect(key="scenario_pick").value == ["C018"]
    reported, what_if = scenario_views.stacks(data, Filters(), Scenario(("C018",), (("C018", 500.0),)))
    line = f"Funding gap as reported: {usd_m(scenario.gap(reported))}. Scenario: {usd_m(scenario.gap(what_if))}"
    assert line in texts(at)
    assert url(at)["scenario"] == ["C018"] and url(at)["amt"] == ["C018:500"]
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert sum("Scenario" in t for t in titles) == 1  # only the scenario chart says so
    assert "Phase 1 capital stack" not in titles  # the reported stack is in its own tab, not redrawn here


def test_bad_scenario_values_are_dropped_with_a_notice():
    at = open_page("funding", {"scenario": ["C014,<script>x</script>"], "amt": ["C014:abc"]})
    assert not at.exception
    assert at.multiselect(key="scenario_pick").value == []
    assert any("scenario" in w.value.casefold() for w in at.warning)
    assert "is not a pending claim" in texts(at)


HOSTILE = [v for v in url_strings() if v.strip()][:12]


@pytest.mark.parametrize(("page", "param"), [("financier", "name"), ("claim", "id"), ("search", "q"), ("velocity", "step")])
def test_hostile_values_of_the_new_parameters_never_reach_markdown(page, param):
    for value in HOSTILE[:6]:
        at = open_page(page, {param: [value]})
        assert not at.exception, (page, value)
        rendered = "\n".join(_markdown_values(at))
        assert value not in rendered or value.isalnum(), (page, value)


def test_search_box_is_in_the_sidebar_of_every_page():
    at = open_page("overview", {})
    assert at.sidebar.text_input(key="search_box")

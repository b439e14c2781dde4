"""The app shell under AppTest: every page, URL state across page switches, notices, error page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import claims as claim_rules
from rekodiq.data import load_dataset
from rekodiq.vocabulary import DEBT_INSTRUMENTS

from data_files import copy_data

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "map", "funding", "ownership", "timeline", "peers", "sources"]
CHART_PAGES = ["map", "funding", "ownership", "timeline", "peers"]


def app(query: dict | None = None, timeout: int = 90) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def url(at: AppTest) -> dict[str, list[str]]:
    """The app's query string as lists (AppTest gives single values as plain strings)."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def texts(at: AppTest) -> str:
    return "\n".join(t.value for t in at.text)


@pytest.fixture(scope="module")
def data():
    return load_dataset().dataset


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_defaults(page):
    at = app()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    assert at.title, "each page has a title"
    assert "Data version" in texts(at), "the footer shows the data version"
    if page in CHART_PAGES:
        figs = figures(at)
        assert figs and all(fig["data"] or fig["layout"].get("annotations") for fig in figs)


def test_overview_tiles_match_the_data(data):
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    rd = data.financing[(data.financing["project"] == "Reko Diq") & data.financing["counts_in_totals"]]
    approved = rd[rd["instrument"].isin(DEBT_INSTRUMENTS) & rd["status"].isin(["board-approved", "signed", "disbursed"])]
    assert metrics["Debt approved to date"] == f"USD {approved['amount_usd'].sum() / 1000:g} bn"
    assert metrics["Phase 1 capex"] == "USD 5.57 bn"
    assert metrics["Project debt sought"] == "USD 3.5 bn"
    assert metrics["Financial close"] == "Deferred, no date"
    assert metrics["Ownership in force: Barrick / Pakistan"] == "50 % / 50 %"


def test_lender_and_country_filters_shape_the_funding_page(data):
    at = app({"lender": ["JBIC", "US EXIM"], "unconfirmed": "1"})
    at.switch_page("pages/funding.py").run()
    assert not at.exception
    funding = figures(at)[0]
    bars = [t for t in funding["data"] if t["type"] == "bar"]
    assert {y for t in bars for y in t["y"]} == {"JBIC", "US EXIM"}
    assert "claims match the filters" not in texts(at)  # the ledger waits for its tab
    at.session_state["funding_tab"] = "Claims ledger"  # as a click on the tab does
    at.run()
    assert not figures(at)
    ledger = at.dataframe[-1].value
    assert set(ledger["financier"]) == {"JBIC", "US EXIM"}
    expected = data.financing[data.financing["financier"].isin(["JBIC", "US EXIM"]) & (data.financing["project"] == "Reko Diq")]
    assert len(ledger) == len(expected)  # every status, rumoured included
    assert "Financier: JBIC, US EXIM" in texts(at)


def test_status_filter_changes_the_totals(data):
    firm = app({"status": "signed"})
    firm.switch_page("pages/funding.py").run()
    loose = app({"unconfirmed": "1"})
    loose.switch_page("pages/funding.py").run()

    def total(at):
        # An empty lending chart is not drawn (the page says why instead): it adds nothing.
        lending = [f for f in figures(at) if f["layout"]["title"]["text"] == "Lending by financier"]
        return sum(sum(t["x"]) for f in lending for t in f["data"] if t["type"] == "bar")

    claims = data.financing[(data.financing["project"] == "Reko Diq") & data.financing["counts_in_totals"]]
    lending = claims[claims["instrument"].isin((*DEBT_INSTRUMENTS, "guarantee"))]
    assert total(loose) == pytest.approx(claim_rules.total(lending))
    assert total(firm) == pytest.approx(claim_rules.total(lending[lending["status"].isin(["signed", "disbursed"])]))
    assert total(firm) < total(loose)


def test_filters_survive_page_switches_and_reach_the_url():
    at = app({"country": "JPN", "status": "board-approved", "from": "2024-01-01"})
    expected = {"country": ["JPN"], "status": ["board-approved"], "from": ["2024-01-01"]}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert {k: url(at).get(k) for k in expected} == expected
        assert at.session_state["flt_country"] == ["JPN"]


def test_a_copied_url_restores_the_same_view_in_a_new_session():
    first = app()
    first.multiselect(key="flt_lender").set_value(["IFC", "ADB"]).run()
    first.toggle(key="flt_unconfirmed").set_value(True).run()
    first.switch_page("pages/funding.py").run()
    link = url(first)
    assert sorted(link["lender"]) == ["ADB", "IFC"] and link["unconfirmed"] == ["1"] and len(link) == 2

    second = app(link)
    second.switch_page("pages/funding.py").run()
    assert second.session_state["flt_lender"] == first.session_state["flt_lender"]
    assert figures(second)[0] == figures(first)[0]

    # The open tab is part of the view: a link naming it opens it in a new session.
    third = app({**link, "funding_tab": "Capital stack"})
    third.switch_page("pages/funding.py").run()
    assert [f["layout"]["title"]["text"] for f in figures(third)] == ["Phase 1 capital stack"]


def test_changing_a_filter_updates_the_url_and_reset_clears_it():
    at = app()
    at.selectbox(key="flt_status").set_value("signed").run()
    assert url(at)["status"] == ["signed"]
    at.button[0].click().run()  # Reset filters
    assert "status" not in at.query_params


def test_unknown_url_values_fall_back_with_a_plain_text_notice():
    at = app({"lender": ["JBIC", "<img src=x onerror=alert(1)>"], "from": "2025-02-30", "zzz": "1"})
    assert not at.exception
    assert at.warning, "a visible notice"
    notice = texts(at)
    assert "lender: unknown value '<img src=x onerror=alert(1)>' ignored" in notice
    assert "from: '2025-02-30' is not a YYYY-MM-DD date" in notice
    assert "unknown parameter 'zzz' ignored" in notice
    assert at.session_state["flt_lender"] == ["JBIC"]
    assert all("<img" not in m.value for m in at.markdown)  # never echoed as Markdown


def test_page_option_lives_in_the_url():
    at = app({"view": "equity", "stack": "instrument"})
    at.switch_page("pages/funding.py").run()
    assert figures(at)[0]["layout"]["title"]["text"] == "Equity by shareholder"
    assert url(at)["view"] == ["equity"]
    bad = app({"view": "<script>"})
    bad.switch_page("pages/funding.py").run()
    assert not bad.exception and bad.warning
    assert figures(bad)[0]["layout"]["title"]["text"] == "Lending by financier"


def test_broken_data_shows_an_error_page_naming_file_and_rule(tmp_path, monkeypatch):
    broken = tmp_path / "data"
    copy_data(broken)
    text = (broken / "ownership.csv").read_text(encoding="utf-8")
    assert text.count("O009,barrick,tcc,50") == 1
    (broken / "ownership.csv").write_text(text.replace("O009,barrick,tcc,50", "O009,barrick,tcc,49"), encoding="utf-8")
    (broken / "places.csv").unlink()
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(broken))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "The dashboard's data did not pass its checks"
    failures = at.dataframe[0].value
    assert ("places.csv", "file exists") in set(zip(failures["file"], failures["rule"], strict=True))
    assert "stakes in force sum to 100 %" in set(failures["rule"])
    assert len(at.get("plotly_chart")) == 0

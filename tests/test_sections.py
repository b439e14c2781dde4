"""Funding and Map draw one section (tab) at a time; the open one lives in the URL (issue 17).

A closed section sends nothing to the browser, yet its views still join the page's PDF brief;
a link names its section (``?funding_tab=Capital+stack``), an unknown name falls back to the
first with a plain-text notice, and older links with a section's own settings open that section.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import export
from rekodiq.filters import Filters
from rekodiq.ui.brief import STATE_KEY
from rekodiq.views.funding import SECTION_OF

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.closed_menus]

FUNDING = ["By financier", "Capital stack", "What if lenders sign", "Where sources disagree", "Claims ledger"]
MAP = ["The mine, the towns and the routes to the sea", "Where the lending comes from"]


def open_page(page: str, query: dict[str, list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ledger_drawn(at: AppTest) -> bool:
    return any("claims match the filters" in t.value for t in at.text)


def titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_funding_opens_on_one_chart_and_the_brief_still_holds_every_section():
    at = open_page("funding")
    assert [t.label for t in at.tabs] == FUNDING
    assert titles(at) == ["Lending by financier"]
    assert not ledger_drawn(at) and not at.warning
    brief = at.session_state[STATE_KEY]
    assert list(brief.views) == ["funding-by-lender", "capital-stack", "disputed-figures", "claims-ledger"]
    # Every block names its section, so an embed's link back opens the right tab.
    assert [SECTION_OF[key] for key in brief.views] == [FUNDING[0], FUNDING[1], FUNDING[3], FUNDING[4]]


@pytest.mark.parametrize(
    ("tab", "expected"),
    [("Capital stack", ["Phase 1 capital stack"]), ("Where sources disagree", None), ("Claims ledger", [])],
)
def test_a_link_opens_its_section_and_draws_only_that(tab, expected):
    at = open_page("funding", {"funding_tab": [tab]})
    drawn = titles(at)
    if expected is None:  # the disputed chart: one figure, not the lending chart
        assert len(drawn) == 1 and drawn[0] not in ("Lending by financier", "Phase 1 capital stack")
    else:
        assert drawn == expected
    assert ledger_drawn(at) == (tab == "Claims ledger")
    assert "Lending by financier" not in drawn


def test_an_unknown_section_falls_back_to_the_first_and_says_so():
    at = open_page("funding", {"funding_tab": ["<b>Nope</b>"]})
    assert titles(at) == ["Lending by financier"]
    assert [w.value for w in at.warning] == ["A setting in the link was not understood and was replaced by the default."]
    assert "funding_tab: unknown section '<b>Nope</b>' ignored" in [t.value for t in at.text]


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"scenario": ["C018"]}, "What if lenders sign"), ({"health": ["75"]}, "Claims ledger"), ({"view": ["equity"]}, None)],
)
def test_older_links_open_the_section_their_settings_belong_to(query, expected):
    at = open_page("funding", query)
    if expected == "What if lenders sign":
        assert at.multiselect(key="scenario_pick").value == ["C018"]
    elif expected == "Claims ledger":
        assert ledger_drawn(at) and at.button_group(key="funding_health").value == "75"
    else:
        assert titles(at) == ["Equity by shareholder"]


def test_by_financier_options_in_a_closed_section_still_shape_the_brief():
    at = open_page("funding", {"view": ["equity"], "funding_tab": ["Capital stack"]})
    brief = at.session_state[STATE_KEY]
    assert brief.views["funding-by-lender"].figure.layout.title.text == "Equity by shareholder"


def test_map_opens_on_the_site_map_and_the_lending_map_has_its_own_tab():
    first = open_page("map")
    assert [t.label for t in first.tabs] == MAP
    assert len(first.get("plotly_chart")) == 1
    assert first.get("plotly_chart")[0].proto.id.endswith("chart_balochistan-map")
    lending = open_page("map", {"map_tab": [MAP[1]]})
    charts = lending.get("plotly_chart")
    assert len(charts) == 1 and charts[0].proto.id.endswith("chart_financier-countries")
    assert list(first.session_state[STATE_KEY].views) == ["balochistan-map", "financier-countries"]


def test_the_open_section_is_in_permalinks_but_not_in_file_names():
    params = {"funding_tab": ["Capital stack"], "view": ["equity"]}
    link = export.permalink("https://rekodiq.example/funding", Filters(lenders=("JBIC",)), params)
    assert link == "https://rekodiq.example/funding?view=equity&funding_tab=Capital+stack&lender=JBIC"
    name = export.export_file_name("capital-stack", Filters(), "csv", dt.date(2026, 11, 28), params)
    assert "tab" not in name and "Capital" not in name

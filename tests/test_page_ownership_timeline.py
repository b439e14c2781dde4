"""Ownership and timeline pages through Streamlit's AppTest: what is drawn, with and without URL filters.

Each test starts the whole app (app.py: data, sidebar, URL state) and switches to the page.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def open_page(page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> dict[str, dict]:
    """The page's Plotly figures keyed by their title text."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out[spec["layout"]["title"]["text"]] = spec
    return out


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def leaves(spec: dict) -> dict[str, float]:
    trace = spec["data"][0]
    parents = set(trace["parents"])
    return {i: v for i, v in zip(trace["ids"], trace["values"], strict=True) if i not in parents}


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


# --------------------------------------------------------------------------------------
# Ownership
# --------------------------------------------------------------------------------------


def test_ownership_page_defaults():
    at = open_page("pages/ownership.py")
    assert "Filters: not applied on this page." in texts(at)
    assert any("sidebar filters do not change this page" in t for t in texts(at))
    figs = figures(at)
    assert len(figs) == 4
    split = next(spec for title, spec in figs.items() if title.startswith("Who owns Reko Diq on "))
    assert split["data"][0]["type"] == "treemap"
    values = leaves(split)
    assert sum(values.values()) == pytest.approx(100, abs=0.01)
    assert values["Barrick/TCC (Barrick vehicle)/Barrick"] == 50
    assert [v for k, v in values.items() if k.startswith("Pakistan/PMPL/")] == pytest.approx([8.3333] * 3)
    assert values["Pakistan/BMRL/Balochistan"] == 15 and values["Pakistan/held directly/Balochistan"] == 10
    assert "Manara" not in json.dumps(split)

    # The split table behind the chart, with its sources and funded shares.
    table = frame_with(at, "funded_share_pct")
    assert table["stake_pct"].sum() == pytest.approx(100, abs=0.01)
    rows = {(r.vehicle, r.holder): r for r in table.itertuples()}
    assert rows[("BMRL", "Balochistan")].basis == "fully funded"
    assert rows[("held directly", "Balochistan")].basis == "free-carried"
    assert rows[("held directly", "Balochistan")].funded_share_pct == 0
    assert rows[("TCC (Barrick vehicle)", "Barrick")].funded_share_pct == pytest.approx(55.56, abs=0.01)
    assert table["source_ids"].str.len().gt(0).all() and table["source_url"].str.startswith("http").all()

    assert [m.value for m in at.metric] == ["10 %", "90 %"]

    history = figs["Stakes in force since 1993, by holder"]
    assert {t["name"] for t in history["data"] if t["type"] == "bar"} >= {"BHP", "Mincor", "Barrick", "Antofagasta", "OGDCL"}

    rumoured = next(spec for title, spec in figs.items() if "NOT part of the legal split" in title)
    assert rumoured["data"][0]["y"] == ["Manara"] and rumoured["data"][0]["x"] == [15]
    notes = frame_with(at, "first_reported")
    assert notes["holder"].tolist() == ["Manara"] and "ended without agreement" in notes["note"].iloc[0]


def test_ownership_date_picker_shows_the_1995_split():
    at = open_page("pages/ownership.py")
    at.date_input(key="own_date").set_value(dt.date(1995, 1, 1)).run()
    assert not at.exception
    split = figures(at)["Who owns Reko Diq on 1995-01-01"]
    values = leaves(split)
    assert values == {"BHP/held directly/BHP": 75, "Pakistan/BDA/Balochistan": 25}
    table = frame_with(at, "funded_share_pct")
    assert dict(zip(table["holder"], table["stake_pct"], strict=True)) == {"BHP": 75, "Balochistan": 25}
    assert dict(zip(table["holder"], table["basis"], strict=True)) == {"BHP": "contributing", "Balochistan": "free-carried"}


def test_ownership_ignores_the_financing_filters():
    default = open_page("pages/ownership.py")
    filtered = open_page("pages/ownership.py", {"lender": "JBIC", "from": "2025-01-01", "to": "2025-12-31"})
    assert "Filters: not applied on this page." in texts(filtered)
    assert figures(filtered).keys() == figures(default).keys()
    assert frame_with(filtered, "funded_share_pct").equals(frame_with(default, "funded_share_pct"))


# --------------------------------------------------------------------------------------
# Timeline
# --------------------------------------------------------------------------------------


def timeline_spec(at: AppTest) -> dict:
    return next(spec for title, spec in figures(at).items() if "milestones and finance events" in title)


def points(spec: dict, axis: str) -> list[pd.Timestamp]:
    """Marker x values of one row ("y" milestones, "y2" finance events)."""
    return [pd.Timestamp(x) for t in spec["data"] if t.get("mode") == "markers" and t.get("yaxis", "y") == axis for x in t["x"]]


def test_timeline_page_defaults():
    at = open_page("pages/timeline.py")
    assert any(t.startswith("Active filters: ") for t in texts(at))
    assert any("select the finance events only" in t for t in texts(at))
    figs = figures(at)
    assert len(figs) == 2
    spec = timeline_spec(at)
    years = {d.year for d in points(spec, "y")}
    assert 1978 in years and 2034 in years
    events = points(spec, "y2")
    assert len(events) > 10
    assert {t["name"] for t in spec["data"] if t.get("yaxis") == "y2"} <= {"announced", "board-approved", "signed", "disbursed"}

    slip = figs["How the target dates moved"]
    fc = next(t for t in slip["data"] if t["name"] == "Financial close")
    assert [x[:10] for x in fc["x"]] == ["2025-01-01", "2025-06-17", "2025-09-11", "2025-11-28", "2025-12-01"]
    assert any(t.get("name") == "Financial close: deferred" for t in slip["data"])

    milestones = frame_with(at, "milestone_id")
    assert len(milestones) == len(points(spec, "y"))
    assert milestones["source_url"].str.startswith("http").all()
    assert set(milestones["project"]) == {"Reko Diq"}


def test_timeline_date_filter_shrinks_events_to_2025():
    default = timeline_spec(open_page("pages/timeline.py"))
    at = open_page("pages/timeline.py", {"from": "2025-01-01", "to": "2025-12-31"})
    assert any("Status date: 2025-01-01 to 2025-12-31" in t for t in texts(at))
    spec = timeline_spec(at)
    events = points(spec, "y2")
    assert events and all(d.year == 2025 for d in events)
    assert len(events) < len(points(default, "y2"))
    assert all(d.year == 2025 for d in points(spec, "y"))
    lo, hi = (pd.Timestamp(v) for v in spec["layout"]["xaxis2"]["range"])
    assert lo.year in (2024, 2025) and hi.year in (2025, 2026)
    table = frame_with(at, "milestone_id")
    assert all(d.year == 2025 for d in table["date"])


def test_timeline_lender_filter_applies_to_events_only():
    at = open_page("pages/timeline.py", {"lender": "US EXIM"})
    spec = timeline_spec(at)
    financiers = [t for t in spec["data"] if t.get("yaxis") == "y2"]
    assert financiers and spec["layout"]["yaxis2"]["ticktext"] == ["US EXIM"]
    assert {1978, 2034} <= {d.year for d in points(spec, "y")}  # milestones are not filtered by lender


def test_timeline_filters_that_leave_nothing_give_an_empty_chart():
    at = open_page("pages/timeline.py", {"lender": "JBIC", "from": "2019-01-01", "to": "2019-03-01"})
    assert any("Status date: 2019-01-01 to 2019-03-01" in t for t in texts(at))
    spec = timeline_spec(at)
    assert spec["data"] == []
    assert "No milestones or finance events match" in spec["layout"]["annotations"][0]["text"]
    assert frame_with(at, "milestone_id").empty


def test_timeline_recent_window_and_slippage_selector():
    at = open_page("pages/timeline.py")
    whole = timeline_spec(at)["layout"]["xaxis2"]["range"]
    assert pd.Timestamp(whole[0]).year <= 1978
    at.segmented_control(key="tl_window").set_value("recent").run()
    assert not at.exception
    lo, hi = (pd.Timestamp(v) for v in timeline_spec(at)["layout"]["xaxis2"]["range"])
    assert lo.year == 2021 and hi.year == 2034  # 2022 onward, padded; the 2034 plan stays in view
    at.multiselect(key="tl_slip_keys").set_value(["adb-guarantee"]).run()
    assert not at.exception
    slip = figures(at)["How the target dates moved"]
    names = {t.get("name") for t in slip["data"]}
    assert "ADB guarantee approval" in names and "Financial close" not in names

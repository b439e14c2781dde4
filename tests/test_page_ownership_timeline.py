"""Ownership and timeline pages through Streamlit's AppTest: what is drawn, with and without URL filters.

Each test starts the whole app (app.py: data, sidebar, URL state) and switches to the page. The
pages draw the live data, so the expected values are computed with the domain modules
(rekodiq.ownership, rekodiq.milestones, rekodiq.claims) on the same loaded dataset rather than
pasted: a data update changes both sides alike, while a page that draws something else fails.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import milestones as ms_rules
from rekodiq import ownership as own
from rekodiq.claims import filter_claims
from rekodiq.data import load_dataset
from rekodiq.filters import Filters
from rekodiq.format import pct_text
from rekodiq.vocabulary import DEFAULT_SLIPPAGE_KEYS, FIRM_STATUSES, MILESTONE_KEY_LABELS

APP = str(Path(__file__).resolve().parent.parent / "app.py")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def data():
    result = load_dataset()
    assert result.dataset is not None, result.report.as_frame()
    return result.dataset


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


def test_ownership_page_defaults(data):
    today = dt.date.today()
    stakes = own.split_on(data.ownership, data.entities, today)  # what the page shows by default
    at = open_page("pages/ownership.py")
    assert "Filters: not applied on this page." in texts(at)
    assert any("sidebar filters do not change this page" in t for t in texts(at))
    figs = figures(at)
    assert len(figs) == 4
    split = figs[f"Who owns Reko Diq on {today.isoformat()}"]
    assert split["data"][0]["type"] == "treemap"
    values = leaves(split)
    expected = {f"{r.side}/{r.vehicle}/{r.holder}": r.stake_pct for r in stakes.itertuples()}
    assert len(expected) == len(stakes) > 1
    assert values == pytest.approx(expected, abs=1e-9)
    assert sum(values.values()) == pytest.approx(100, abs=1e-9)  # the validator holds the split to exactly 100
    for name in set(own.other_stakes(data.ownership, data.entities, data.sources)["holder"]):
        assert name not in json.dumps(split), "a rumoured or proposed stake is never in the split"

    # The split table behind the chart, with its sources and funded shares.
    table = frame_with(at, "funded_share_pct").set_index("stake_id")
    want = own.split_table(stakes, data.sources).set_index("stake_id")
    assert set(table.index) == set(want.index)
    for column in ("holder", "vehicle", "basis"):
        assert table[column].to_dict() == want[column].to_dict(), column
    assert table["stake_pct"].to_dict() == pytest.approx(want["stake_pct"].to_dict(), abs=1e-9)
    assert table["funded_share_pct"].to_dict() == pytest.approx(want["funded_share_pct"].to_dict(), abs=0.005)
    free = table.loc[table["basis"] == "free-carried", "funded_share_pct"]
    assert len(free) and free.eq(0).all(), "a free-carried stake pays nothing"
    assert table["source_ids"].str.len().gt(0).all() and table["source_url"].str.startswith("http").all()

    carried = own.free_carried_pct(stakes)
    assert [m.value for m in at.metric] == [pct_text(carried), pct_text(float(stakes["stake_pct"].sum()) - carried)]

    history = figs["Stakes in force since 1993, by holder"]
    periods = own.ownership_periods(data.ownership, data.entities, today)
    assert {t["name"] for t in history["data"] if t["type"] == "bar"} == set(periods["holder"])

    others = own.other_stakes(data.ownership, data.entities, data.sources)
    assert len(others) > 0
    rumoured = next(spec for title, spec in figs.items() if "NOT part of the legal split" in title)
    assert sorted(zip(rumoured["data"][0]["y"], rumoured["data"][0]["x"], strict=True)) == sorted(
        zip(others["holder"], others["stake_pct"], strict=True)
    )
    notes = frame_with(at, "first_reported")
    assert notes["holder"].tolist() == others["holder"].tolist() and notes["note"].tolist() == others["note"].tolist()


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


def test_timeline_page_defaults(data):
    # What the default view (no URL filters) must draw, from the domain functions.
    milestones = ms_rules.milestone_points(ms_rules.filter_milestones(data.milestones, Filters()), data.sources)
    events = ms_rules.finance_events(filter_claims(data.financing, Filters()), data.sources)
    targets = ms_rules.slippage_rows(data.milestone_targets, data.sources, DEFAULT_SLIPPAGE_KEYS)
    assert len(milestones) > 1 and len(events) > 1 and len(targets) > 1

    at = open_page("pages/timeline.py")
    assert any(t.startswith("Active filters: ") for t in texts(at))
    assert any("select the finance events only" in t for t in texts(at))
    figs = figures(at)
    assert len(figs) == 2
    spec = timeline_spec(at)
    assert sorted(points(spec, "y")) == sorted(milestones["date"])  # every milestone, once
    assert sorted(points(spec, "y2")) == sorted(events["status_date"])  # every finance event, once
    statuses = {t["name"] for t in spec["data"] if t.get("yaxis") == "y2"}
    assert statuses == set(events["status"]) and statuses <= set(FIRM_STATUSES)

    slip = figs["How the target dates moved"]
    for key in DEFAULT_SLIPPAGE_KEYS:
        name, rows = MILESTONE_KEY_LABELS[key], targets[targets["milestone_key"] == key]
        line = next(t for t in slip["data"] if t.get("name") == name)
        dated = rows.dropna(subset=["target_date"])
        assert [x[:10] for x in line["x"]] == [d.date().isoformat() for d in dated["stated_on"]], name
        assert [y[:10] for y in line["y"]] == [d.date().isoformat() for d in dated["target_date"]], name
        deferred = [t for t in slip["data"] if t.get("name") == f"{name}: deferred"]
        assert len(deferred) == int(rows["target_date"].isna().sum()), name

    table = frame_with(at, "milestone_id")
    assert sorted(table["milestone_id"]) == sorted(milestones["milestone_id"])
    assert table["source_url"].str.startswith("http").all()
    assert set(table["project"]) == {"Reko Diq"}


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
    # The empty chart is not drawn; its summary says why, once.
    assert not [title for title in figures(at) if "milestones and finance events" in title]
    assert texts(at).count("No milestones or finance events match the current filters.") == 1
    assert frame_with(at, "milestone_id").empty


def test_timeline_recent_window_and_slippage_selector():
    at = open_page("pages/timeline.py")
    lo, hi = (pd.Timestamp(v) for v in timeline_spec(at)["layout"]["xaxis2"]["range"])
    assert lo.year == 2021 and hi.year in (2028, 2029)  # opens on the finance story: 2022-2028, padded
    at.segmented_control(key="tl_window").set_value("whole").run()
    assert not at.exception
    whole = timeline_spec(at)["layout"]["xaxis2"]["range"]
    assert pd.Timestamp(whole[0]).year <= 1978 and pd.Timestamp(whole[1]).year >= 2034
    at.multiselect(key="tl_slip_keys").set_value(["adb-guarantee"]).run()
    assert not at.exception
    slip = figures(at)["How the target dates moved"]
    names = {t.get("name") for t in slip["data"]}
    assert "ADB guarantee approval" in names and "Financial close" not in names

"""Charts on grown data draw a readable number of markers and say how many more there are (rekodiq.crowding).

The real data never reaches the limits, so every chart draws exactly what it did; the synthetic
10x and 100x datasets (rekodiq.synth, written into tmp_path) do, and there the timeline and the
peer-deal charts draw at most their limit, count the rest in the note, and the tables and the
page's grid keep (and page through) every row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import crowding
from rekodiq.charts.peers import ROW_PX
from rekodiq.charts.timeline import ROW_LABEL_CHARS
from rekodiq.data import DATA_DIR, load_dataset
from rekodiq.filters import Filters
from rekodiq.synth import write_scaled
from rekodiq.text import plotly_safe
from rekodiq.views import peers, timeline

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 27)
EVERYTHING = Filters(include_unconfirmed=True, include_lapsed=True, project="all")


def _markers(fig) -> int:
    """Points drawn as markers with data (legend-only traces hold a single None)."""
    return sum(len([x for x in tr.x if x is not None]) for tr in fig.data if tr.mode and "markers" in tr.mode and tr.x)


def _rows(fig, row: str) -> int:
    yaxis = "y" if row == "milestones" else "y2"
    return sum(len(tr.x) for tr in fig.data if tr.mode == "markers" and tr.yaxis == yaxis)


def test_keep_most_relevant_prefers_the_window_then_the_largest_and_keeps_order():
    frame = pd.DataFrame(
        {"v": [5, 1, 9, 7, 3], "day": pd.to_datetime(["2020-01-01", "2023-01-01", "2019-01-01", "2024-06-01", "2023-05-01"])}
    )
    same, rest = crowding.keep_most_relevant(frame, 5, by="v")
    assert same is frame and rest.empty
    drawn, rest = crowding.keep_most_relevant(frame, 2, by="v")
    assert drawn["v"].tolist() == [9, 7] and sorted(rest["v"]) == [1, 3, 5]
    window = (dt.date(2023, 1, 1), dt.date(2028, 12, 31))
    drawn, rest = crowding.keep_most_relevant(frame, 2, by="v", window=window, date="day")
    assert drawn["v"].tolist() == [7, 3]  # inside the window first, then the largest; frame order kept
    assert crowding.counts_text(rest, "day", label=crowding.year_of) == "2019: 1 · 2020: 1 · 2023: 1"
    frame = frame.assign(g=["a", "a", "a", "a", "b"])
    drawn, _ = crowding.keep_most_relevant(frame, 2, by="v", group="g")
    assert drawn["v"].tolist() == [9, 3]  # each group's largest before any group's second


def test_counts_text_names_the_largest_groups_and_sums_the_others():
    rest = pd.DataFrame({"c": list("aaabbc") + list("defghij")})
    assert crowding.counts_text(rest, "c", top=2) == "a: 3 · b: 2 · 8 others: 8"
    assert crowding.counts_text(rest.iloc[0:0], "c") == ""


@pytest.mark.parametrize("window", ["recent", "whole"])
def test_real_data_is_never_thinned(window):
    data = load_dataset(DATA_DIR).dataset
    view = timeline.milestones_and_events(data, EVERYTHING, window, TODAY)
    assert "not drawn" not in view.note
    assert _rows(view.figure, "milestones") == len(data.milestones)
    for include_rd in (False, True):
        for fn in (peers.deal_amounts, peers.deal_timeline):
            chart = fn(data, EVERYTHING, (), include_rd)
            assert chart.note == ""
            assert len(chart.table) < crowding.MAX_PEER_DEALS


@pytest.fixture(scope="module", params=[pytest.param(10), pytest.param(100, marks=pytest.mark.slow)])
def grown(request, tmp_path_factory):
    folder = write_scaled(request.param, tmp_path_factory.mktemp(f"x{request.param}") / "data")
    result = load_dataset(folder)
    assert result.report.ok
    return folder, result.dataset


def test_timeline_draws_at_most_the_limit_and_counts_the_rest(grown):
    _, data = grown
    view = timeline.milestones_and_events(data, Filters(), "recent", TODAY)
    limit = crowding.MAX_TIMELINE_MARKERS
    n_points = int(view.table["row"].eq("milestone").sum())
    n_events = int(view.table["row"].eq("finance event").sum())
    assert n_points > limit and n_events > limit  # the table keeps every row
    assert _rows(view.figure, "milestones") == limit
    assert _rows(view.figure, "events") == limit
    assert f"at most {limit:,} markers per row" in view.note
    assert f"{n_points - limit:,} more milestones are counted, not drawn (by category: " in view.note
    assert f"{n_events - limit:,} more finance events are counted, not drawn (by year: " in view.note
    assert "Narrow the filters or the years" in view.note
    # Every category and financier keeps a row on the chart (the groups take turns).
    # Row names beside the plot are cut to ROW_LABEL_CHARS (the hover names them in full).
    ticks = {ax: set(view.figure.layout[ax].ticktext) for ax in ("yaxis", "yaxis2")}
    for axis, row in (("yaxis", "milestone"), ("yaxis2", "finance event")):
        groups = view.table.loc[view.table["row"] == row, "group"]
        assert ticks[axis] == {plotly_safe(g, max_chars=ROW_LABEL_CHARS) for g in groups}
    # The drawn events are those in the opening years (2022-2028), the latest first.
    drawn_days = [d for tr in view.figure.data if tr.yaxis == "y2" and tr.mode == "markers" for d in tr.x]
    assert min(pd.to_datetime(drawn_days)) >= pd.Timestamp("2022-01-01")


def test_whole_timeline_keeps_the_whole_record_on_the_axis_when_thinned(grown):
    _, data = grown
    view = timeline.milestones_and_events(data, Filters(), "whole", TODAY)
    assert "not drawn" in view.note
    lo, hi = (pd.Timestamp(v) for v in view.figure.layout.xaxis.range)
    assert lo.year <= 1978 and hi.year >= 2034


def test_peer_charts_draw_at_most_the_limit_and_count_the_rest_per_lender_country(grown):
    _, data = grown
    limit = crowding.MAX_PEER_DEALS
    amounts = peers.deal_amounts(data, Filters(), (), True)
    n = len(amounts.table)
    assert n > limit
    drawn = [x for tr in amounts.figure.data if tr.mode == "markers" and tr.x and tr.x[0] is not None for x in tr.x]
    assert len(drawn) == limit
    hosts = amounts.table["host_name"].unique()
    row_labels = {a.text for a in amounts.figure.layout.annotations if a.yref == "y"}  # labels stand above their rows
    assert all(f"<b>{h}</b>" in row_labels for h in hosts)  # every host keeps a row
    top = amounts.table.groupby("host_name")["amount_usd"].max()
    assert max(drawn) == top.max() and sum(d in set(top) for d in drawn) >= len(hosts)  # each host's largest
    assert amounts.note.startswith(
        f"The chart draws {limit:,} deals, the largest of each host country in turn; {n - limit:,} more deals (worth USD "
    )
    assert "by lender country: " in amounts.note and "Japan: " in amounts.note
    strip = peers.deal_timeline(data, Filters(), (), False)
    assert len(strip.table) > limit
    assert sum(len(tr.x) for tr in strip.figure.data if tr.mode == "markers" and tr.x[0] is not None) == limit
    assert f"{len(strip.table) - limit:,} more deals are counted, not drawn" in strip.note
    headers = strip.table["host_name"].nunique()
    assert strip.figure.layout.height <= 450 + ROW_PX * 1.2 * (limit + headers + 2)  # rows drawn (and gaps), not rows in the data


def test_peers_page_pages_the_ledger(grown, monkeypatch):
    from rekodiq.ui.blocks import MAX_TABLE_ROWS

    folder, data = grown
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/peers.py").run()
    assert not at.exception
    pager = at.number_input(key="table_peer-deals_page")
    texts = [t.value for t in at.text]
    total = next(t for t in texts if t.startswith("Rows 1-") and f"page 1 of {int(pager.max)})" in t)
    assert f"Rows 1-{MAX_TABLE_ROWS:,} of " in total and "the downloads hold all of them" in total
    assert all(len(df.value) <= MAX_TABLE_ROWS for df in at.dataframe)
    pager.set_value(2).run()
    assert any(t.value.startswith(f"Rows {MAX_TABLE_ROWS + 1:,}-") for t in at.text)
    assert not at.exception


@pytest.mark.slow
@pytest.mark.parametrize("page", sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
def test_every_page_runs_on_grown_data(grown, monkeypatch, page):
    folder, _ = grown
    monkeypatch.setenv("REKODIQ_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    from rekodiq.ui.blocks import MAX_TABLE_ROWS

    assert all(len(df.value) <= MAX_TABLE_ROWS for df in at.dataframe)

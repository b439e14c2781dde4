"""Ownership and timeline: shaping (rekodiq.ownership, rekodiq.milestones) and chart builders, on mini data and tiny frames.

Built on the frozen mini dataset (tests/fixtures/mini_data: the full ownership history, a few
milestones and the financial-close and first-production targets as of release 1.0.0), so a data
update never changes what these tests expect. No Streamlit, no network. Figures are inspected
through their traces and ``fig.to_json()``.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from rekodiq import milestones as ms_rules
from rekodiq import ownership as own
from rekodiq.charts import ownership_history as oh
from rekodiq.charts.ownership import build_funded_shares, build_ownership_split, build_rumoured_stakes
from rekodiq.charts.ownership_history import build_ownership_history, label_levels
from rekodiq.charts.slippage import build_slippage
from rekodiq.charts.timeline import build_timeline, lanes
from rekodiq.claims import filter_claims
from rekodiq.filters import Filters
from rekodiq.format import pct_text, target_text
from rekodiq.vocabulary import DEFAULT_SLIPPAGE_KEYS, MILESTONE_CATEGORIES, MILESTONE_SYMBOLS, STATUS_SYMBOLS

HOSTILE = "<img src=x onerror=alert(1)>"
TODAY = dt.date(2026, 11, 22)
TS = pd.Timestamp


@pytest.fixture(scope="module")
def data(mini_dataset):
    return mini_dataset


@pytest.fixture(scope="module")
def split_now(data):
    return own.split_on(data.ownership, data.entities, TODAY)


def leaves(fig: go.Figure) -> dict[str, tuple[float, list]]:
    """Treemap leaves: id -> (value, customdata)."""
    trace = fig.data[0]
    parents = set(trace.parents)
    return {i: (v, c) for i, v, c in zip(trace.ids, trace.values, trace.customdata, strict=True) if i not in parents}


def strings(node) -> list[str]:
    """Every string in a decoded JSON tree (to_json escapes '<' as \\u003c, so the raw text is checked)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return []


def assert_escaped(fig: go.Figure) -> None:
    texts = strings(json.loads(fig.to_json()))
    assert not [t for t in texts if "<img" in t or "onerror=alert(1)>" in t]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in texts)


# --------------------------------------------------------------------------------------
# Shaping helpers
# --------------------------------------------------------------------------------------


def test_pct_text():
    assert pct_text(50) == "50 %"
    assert pct_text(8.3333) == "8.33 %"
    assert pct_text(37.5) == "37.5 %"
    assert pct_text(float("nan")) == "n/a"


def test_split_today_is_the_2022_reconstitution(split_now):
    by_holder = split_now.groupby("holder")["stake_pct"].sum()
    assert by_holder["Barrick"] == 50
    assert split_now["stake_pct"].sum() == pytest.approx(100, abs=1e-9)  # exact thirds (stake_fraction 25/3), not 3 x 8.3333
    pmpl = split_now[split_now["vehicle"] == "PMPL"]
    assert sorted(pmpl["holder"]) == ["GHPL", "OGDCL", "PPL"]
    assert pmpl["stake_pct"].tolist() == pytest.approx([25 / 3] * 3, abs=1e-12)
    bmrl = split_now[split_now["vehicle"] == "BMRL"].iloc[0]
    assert (bmrl["stake_pct"], bmrl["basis"], bmrl["basis_label"]) == (15, "fully funded", "15 % fully funded")
    direct = split_now[(split_now["vehicle"] == "held directly") & (split_now["side"] == "Pakistan")].iloc[0]
    assert (direct["stake_pct"], direct["basis"]) == (10, "free-carried")
    assert set(split_now["status"]) == {"in force"}
    assert "Manara" not in set(split_now["holder"])


def test_funded_shares_exclude_free_carried_and_match_vehicle_shares(data, split_now):
    shares = dict(zip(split_now["stake_id"], split_now["funded_share_pct"], strict=True))
    free = split_now.loc[split_now["basis"] == "free-carried", "stake_id"]
    assert all(shares[s] == 0 for s in free)
    assert sum(shares.values()) == pytest.approx(100, abs=0.01)
    barrick = split_now.loc[split_now["holder"] == "Barrick", "funded_share_pct"].iloc[0]
    assert barrick == pytest.approx(100 * 50 / 90, abs=0.01)
    # Per vehicle the numbers agree with ownership.funded_equity_shares.
    by_vehicle = own.funded_equity_shares(split_now).set_index("vehicle")["funded_share_pct"]
    mine = split_now.groupby("vehicle")["funded_share_pct"].sum()
    for vehicle, share in by_vehicle.items():
        assert mine[vehicle] == pytest.approx(share, abs=1e-6)


def test_split_in_1995_is_bhp_and_balochistan(data):
    stakes = own.split_on(data.ownership, data.entities, dt.date(1995, 1, 1))
    assert dict(zip(stakes["holder"], stakes["stake_pct"], strict=True)) == {"BHP": 75, "Balochistan": 25}
    # Two different holders held directly would be lumped by vehicle; per stake they are not.
    early_2006 = own.split_on(data.ownership, data.entities, dt.date(2006, 2, 1))
    assert early_2006.loc[early_2006["holder"] == "Antofagasta", "funded_share_pct"].iloc[0] == pytest.approx(50)


def test_split_table_has_sources(data, split_now):
    table = own.split_table(split_now, data.sources)
    assert len(table) == 6
    assert table["source_ids"].str.len().gt(0).all()
    assert table["source_url"].str.startswith("http").all()
    assert {"funded_share_pct", "basis", "in_force_since"} <= set(table.columns)


def test_other_stakes_are_only_rumoured_or_proposed(data):
    others = own.other_stakes(data.ownership, data.entities, data.sources)
    assert set(others["status"]) <= {"rumoured", "proposed"}
    manara = others[others["holder"] == "Manara"].iloc[0]
    assert manara["stake_pct"] == 15 and manara["status"] == "rumoured"
    assert "ended without agreement" in manara["note"]


def test_ownership_periods_and_changes(data):
    periods = own.ownership_periods(data.ownership, data.entities, TODAY)
    assert periods["start"].min() == TS("1993-07-23")
    assert periods["end"].max() == TS(TODAY)
    for start, part in periods.groupby("start"):
        assert part["stake_pct"].sum() == pytest.approx(100, abs=1e-9), start
    first = periods[periods["start"] == TS("1993-07-23")]
    assert dict(zip(first["holder"], first["stake_pct"], strict=True)) == {"BHP": 75, "Balochistan": 25}
    changes = own.ownership_changes(periods)
    assert [d.year for d in changes["date"]] == [1993, 2000, 2004, 2006, 2006, 2022]
    assert changes["label"].iloc[1] == "2000: Mincor in; BHP out"
    assert "Antofagasta out" in changes["label"].iloc[-1] and "Barrick 37.5 % to 50 %" in changes["detail"].iloc[-1]


def test_filter_milestones_by_scope_and_dates(data):
    rd = ms_rules.filter_milestones(data.milestones, Filters())
    assert set(rd["project"]) == {"Reko Diq"}
    assert set(ms_rules.filter_milestones(data.milestones, Filters(project="peers"))["project"]) == {"Context"}
    in_2025 = ms_rules.filter_milestones(data.milestones, Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)))
    assert set(in_2025["milestone_id"]) == {"M044", "M045"}  # the IFC disclosure and the IFC/IDA board approval
    # A span overlapping the range is kept: the 1978-1979 mapping (M001) touches 1979, though it starts in 1978.
    in_1979 = ms_rules.filter_milestones(data.milestones, Filters(date_from=dt.date(1979, 1, 1), date_to=dt.date(1979, 12, 31)))
    assert set(in_1979["milestone_id"]) == {"M001"}


def test_timeline_window():
    ms = pd.DataFrame({"date": [TS("1978-01-01"), TS("2034-01-01")], "end_date": [pd.NaT, pd.NaT]})
    ev = pd.DataFrame({"status_date": [TS("2025-06-12")]})
    assert ms_rules.timeline_window(ms, ev, Filters()) is None
    assert ms_rules.timeline_window(ms, ev, Filters(), dt.date(2022, 1, 1)) == (dt.date(2022, 1, 1), dt.date(2034, 1, 1))
    f = Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    assert ms_rules.timeline_window(ms, ev, f) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    # A recent zoom that would start after the filter's end is ignored.
    assert ms_rules.timeline_window(ms, ev, Filters(date_to=dt.date(2000, 1, 1)), dt.date(2022, 1, 1)) == (
        dt.date(1978, 1, 1),
        dt.date(2000, 1, 1),
    )


# --------------------------------------------------------------------------------------
# Ownership charts
# --------------------------------------------------------------------------------------


def test_split_figure_on_mini_data(split_now):
    fig = build_ownership_split(split_now, title="Who owns Reko Diq")
    assert [t.type for t in fig.data] == ["treemap"]
    assert fig.data[0].branchvalues == "remainder"
    assert sum(fig.data[0].values) == pytest.approx(100, abs=1e-9)
    leaf = leaves(fig)
    barrick = [v for i, (v, _) in leaf.items() if i.startswith("Barrick/")]
    assert barrick == [50]
    pmpl = [v for i, (v, _) in leaf.items() if i.startswith("Pakistan/PMPL/")]
    assert pmpl == pytest.approx([25 / 3] * 3, abs=1e-12)
    assert leaf["Pakistan/BMRL/Balochistan"][0] == 15 and leaf["Pakistan/BMRL/Balochistan"][1][2] == "fully funded"
    assert (
        leaf["Pakistan/held directly/Balochistan"][0] == 10 and leaf["Pakistan/held directly/Balochistan"][1][2] == "free-carried"
    )
    labels = [html.unescape(label) for label in fig.data[0].labels]  # as Plotly shows them
    assert any("15 % fully funded" in label for label in labels)
    assert any("10 % free-carried" in label for label in labels)
    # Basis is encoded by pattern too, not colour alone.
    shapes = dict(zip(fig.data[0].ids, fig.data[0].marker.pattern.shape, strict=True))
    assert shapes["Pakistan/BMRL/Balochistan"] == "/" and shapes["Pakistan/held directly/Balochistan"] == "x"
    assert shapes["Barrick/TCC (Barrick vehicle)/Barrick"] == ""


def test_rumoured_stake_is_in_its_own_figure_only(data, split_now):
    in_force = build_ownership_split(split_now).to_json()
    assert "Manara" not in in_force
    rumoured = build_rumoured_stakes(own.other_stakes(data.ownership, data.entities, data.sources))
    assert "Manara" in rumoured.to_json()
    bar = rumoured.data[0]
    assert bar.type == "bar" and list(bar.x) == [15] and bar.name == "rumoured"
    assert bar.marker.pattern.shape == "x"
    assert "rumoured" in bar.text[0] and "NOT part of the legal split" in rumoured.layout.title.text


def test_funded_shares_figure(split_now):
    fig = build_funded_shares(split_now)
    names = [t.name for t in fig.data]
    assert names == ["share of paid-in equity", "stake in the project"]
    funded = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    assert funded["Balochistan · held directly"] == 0
    assert funded["Barrick · via TCC (Barrick vehicle)"] == pytest.approx(55.56, abs=0.01)
    assert "free-carried: pays nothing" in " ".join(fig.data[0].text)
    assert fig.data[0].marker.pattern.shape == "/" and not fig.data[1].marker.pattern.shape


def _bars_on(fig: go.Figure, day: str) -> dict[str, float]:
    """Stake per holder of the history bars covering ``day``."""
    when = TS(day)
    out = {}
    for trace in fig.data:
        if trace.type != "bar":
            continue
        for x, y, width in zip(trace.x, trace.y, trace.width, strict=True):
            half = pd.Timedelta(milliseconds=width / 2)
            if TS(x) - half <= when < TS(x) + half:
                out[trace.name] = y
    return out


def test_history_figure_on_mini_data(data):
    periods = own.ownership_periods(data.ownership, data.entities, TODAY)
    context = pd.DataFrame({"date": [TS("2013-01-07")], "label": ["2013: ruling"], "detail": ["Supreme Court"]})
    fig = build_ownership_history(periods, own.ownership_changes(periods), context)
    assert _bars_on(fig, "1995-01-01") == {"BHP": 75, "Balochistan": 25}
    assert _bars_on(fig, "2001-06-01") == {"Mincor": 75, "Balochistan": 25}
    assert _bars_on(fig, "2010-01-01") == {"Barrick": 37.5, "Antofagasta": 37.5, "Balochistan": 25}
    now = _bars_on(fig, "2025-01-01")
    assert now["Barrick"] == 50 and now["Balochistan"] == 25 and now["OGDCL"] == pytest.approx(25 / 3, abs=1e-12)
    assert sum(now.values()) == pytest.approx(100, abs=1e-9)
    assert fig.layout.barmode == "stack"
    texts = [a.text for a in fig.layout.annotations]
    for year in ("1993", "2000", "2004", "2006", "2022", "2013"):
        assert any(t.startswith(year) for t in texts), year
    # Holders differ by pattern as well as colour.
    patterns = [t.marker.pattern.shape for t in fig.data if t.type == "bar"]
    assert len(set(patterns)) >= min(len(patterns), 8)
    # The hover names the period.
    bhp = next(t for t in fig.data if t.name == "BHP")
    assert bhp.customdata[0][3] == "1993-07-23" and bhp.customdata[0][4] == "2000-04-28"


def test_history_labels_never_overlap_on_a_level():
    lo, hi = TS("1990-01-01"), TS("2030-01-01")
    days = [TS("2004-06-01"), TS("2006-01-16"), TS("2006-04-01"), TS("2020-01-01")]
    levels = label_levels(days, [30, 25, 30, 10], lo=lo, hi=hi, plot_px=650)
    assert [lv for lv, _ in levels[:3]] == [0, 1, 2]  # three close labels stack
    assert levels[3][0] == 0  # a far one goes back to the bottom level
    # A label that would run off the right edge is anchored right.
    assert label_levels([TS("2029-06-01")], [40], lo=lo, hi=hi) == [(0, "right")]
    # A two-line label takes two rows: the next label over the same dates starts above both.
    assert [lv for lv, _ in label_levels(days[:2], [20, 20], lines=[2, 1], lo=lo, hi=hi)] == [0, 2]


def test_history_change_labels_fit_a_phone_and_keep_their_rows(data):
    """Placed for the narrowest chart (a 390 px phone), every change label stays inside the chart
    there, and no two labels' boxes share a row; the figure is tall enough for the rows used."""
    periods = own.ownership_periods(data.ownership, data.entities, TODAY)
    context = pd.DataFrame(
        {"date": [TS("2013-01-07")], "label": ["2013: Supreme Court voids the 1993 agreement"], "detail": ["x"]}
    )
    fig = build_ownership_history(periods, own.ownership_changes(periods), context)
    x_lo, x_hi = (TS(v) for v in fig.layout.xaxis.range)
    per_day = oh.NARROW_PLOT_PX / (x_hi - x_lo).days
    boxes = []
    for a in fig.layout.annotations:
        lines = a.text.split("<br>")
        assert all(len(line) <= oh.CHANGE_LINE_CHARS for line in lines), a.text
        width, at = max(map(len, lines)) * oh.CHANGE_CHAR_PX, (TS(a.x) - x_lo).days * per_day
        left = at if a.xanchor == "left" else at - width
        assert left >= -oh.NARROW_LEFT_PX and left + width <= oh.NARROW_PLOT_PX + oh.NARROW_RIGHT_PX, a.text
        level = round((-a.ay - 10) / oh.LEVEL_PX)
        boxes.append((set(range(level, level + len(lines))), left, left + width))
    for i, (rows, left, right) in enumerate(boxes):
        for rows2, left2, right2 in boxes[i + 1 :]:
            assert not (rows & rows2) or right < left2 or right2 < left, (rows, left, right, rows2, left2, right2)
    top_row = max(max(rows) for rows, _, _ in boxes)
    assert fig.layout.margin.t >= 100 + oh.LEVEL_PX * (top_row + 1)


def test_history_bar_labels_are_left_to_the_browser_and_avoid_context_lines(data):
    """Holder labels are bar text that Plotly hides where it does not fit at full size (a phone's
    narrow bars), and a period crossed by a context line is drawn in two pieces with the label in
    the longer one, so the line never runs through it."""
    periods = own.ownership_periods(data.ownership, data.entities, TODAY)
    context = pd.DataFrame({"date": [TS("2013-01-07")], "label": ["2013: ruling"], "detail": ["x"]})
    fig = build_ownership_history(periods, own.ownership_changes(periods), context)
    assert fig.layout.uniformtext.mode == "hide" and fig.layout.uniformtext.minsize == oh.BAR_TEXT_PX
    barrick = next(t for t in fig.data if t.name == "Barrick")
    assert barrick.textposition == "inside" and barrick.textangle == 0
    pieces = [(TS(x), w, text) for x, w, text in zip(barrick.x, barrick.width, barrick.text, strict=True)]
    crossed = [p for p in pieces if TS("2006-01-01") < p[0] < TS("2022-12-01")]  # Barrick's first period
    assert len(crossed) == 2 and [bool(t) for _, _, t in crossed].count(True) == 1
    labelled = next(p for p in crossed if p[2])
    half = pd.Timedelta(milliseconds=labelled[1] / 2)
    assert labelled[0] - half >= TS("2013-01-07")  # the label's piece starts at the line
    assert labelled[2] == "<b>Barrick</b><br>37.5 %"
    assert oh.bar_label("GHPL", 25 / 3) == "<b>GHPL</b> 8.33 %"  # a thin stake on one line
    # A hover card still names the whole period on both pieces.
    assert {tuple(c[3:]) for c, p in zip(barrick.customdata, pieces, strict=True) if p in crossed} == {
        ("2006-04-01", "2022-12-15")
    }


# --------------------------------------------------------------------------------------
# Timeline charts
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def timeline_inputs(data):
    milestones = ms_rules.milestone_points(ms_rules.filter_milestones(data.milestones, Filters()), data.sources)
    events = ms_rules.finance_events(filter_claims(data.financing, Filters()), data.sources)
    return milestones, events


def test_timeline_on_mini_data(timeline_inputs):
    milestones, events = timeline_inputs
    fig = build_timeline(milestones, events, today=TODAY)
    markers = [t for t in fig.data if t.mode == "markers"]
    top = [t for t in markers if t.yaxis in (None, "y")]
    bottom = [t for t in markers if t.yaxis == "y2"]
    days = {TS(x).year for t in top for x in t.x}
    assert 1978 in days and 2034 in days
    symbols = {t.name: t.marker.symbol for t in top}
    assert symbols == {s: MILESTONE_SYMBOLS[s] for s in symbols}
    assert {"done", "planned", "under review"} <= set(symbols)
    assert len(set(symbols.values())) == len(symbols)  # one symbol per status
    assert bottom and all(t.marker.symbol == STATUS_SYMBOLS[t.name] for t in bottom)
    assert sum(len(t.x) for t in bottom) == len(events)
    assert sum(len(t.x) for t in top) == len(milestones)
    # Spans with an end date are drawn as lines.
    spans = [t for t in fig.data if t.mode == "lines"]
    assert any(TS(t.x[0]).year == 1978 and TS(t.x[1]).year == 1979 for t in spans)
    # The two rows share one date axis.
    assert fig.layout.xaxis.matches == "x2" or fig.layout.xaxis2.matches == "x"
    hover = json.dumps([t.customdata for t in top if t.customdata is not None])
    assert "Joint-venture agreement (CHEJVA) signed" in hover
    # One row per category present, in the vocabulary's order (security included).
    present = set(milestones["category"])
    assert "security" in present
    assert list(fig.layout.yaxis.ticktext) == [c for c in MILESTONE_CATEGORIES if c in present]


def test_timeline_x_range_and_filters(data, timeline_inputs):
    milestones, _ = timeline_inputs
    f = Filters(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    events = ms_rules.finance_events(filter_claims(data.financing, f), data.sources)
    assert len(events) and events["status_date"].dt.year.eq(2025).all()
    fig = build_timeline(milestones, events, today=TODAY, x_range=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    lo, hi = (TS(v) for v in fig.layout.xaxis2.range)
    assert lo < TS("2025-01-01") < TS("2025-12-31") < hi and hi - lo < pd.Timedelta(days=450)


def test_slippage_on_mini_data(data):
    rows = ms_rules.slippage_rows(data.milestone_targets, data.sources, DEFAULT_SLIPPAGE_KEYS)
    fig = build_slippage(rows)
    fc = next(t for t in fig.data if t.name == "Financial close")
    assert [TS(x).date().isoformat() for x in fc.x] == ["2025-01-01", "2025-06-17", "2025-09-11", "2025-11-28", "2025-12-01"]
    assert [TS(y).date().isoformat() for y in fc.y] == ["2025-06-30", "2025-12-31", "2025-10-31", "2025-12-15", "2026-01-31"]
    assert list(fc.text) == ["Jun 2025", "H2 2025", "Oct 2025", "Dec 2025", "Jan 2026"]
    fp = next(t for t in fig.data if t.name == "First production")
    assert fc.line.dash != fp.line.dash and fc.marker.symbol[0] != fp.marker.symbol[0]
    deferred = [t for t in fig.data if (t.name or "").endswith(": deferred")]
    assert {t.name for t in deferred} == {"Financial close: deferred", "First production: deferred"}
    assert all(TS(t.x[0]) == TS("2026-02-05") for t in deferred)
    # Deferred markers sit in the "no date" band, above every dated target.
    top_target = max(TS(y) for t in (fc, fp) for y in t.y)
    assert all(TS(t.y[0]) > top_target for t in deferred)
    notes = [a.text.replace("<br>", " ") for a in fig.layout.annotations]
    assert any(n.startswith("Financial close deferred, no date") for n in notes)
    assert "<b>no date</b>" in fig.layout.yaxis.ticktext
    assert any(t.name == "target = date stated (due now)" for t in fig.data)


def test_target_text():
    assert target_text(TS("2025-12-31"), "half") == "H2 2025"
    assert target_text(TS("2025-09-30"), "quarter") == "Q3 2025"
    assert target_text(TS("2028-12-31"), "year") == "2028"
    assert target_text(TS("2025-08-22"), "day") == "22 Aug 2025"
    assert target_text(pd.NaT, None) == "no date"


def test_lanes_alternate_close_points():
    frame = pd.DataFrame(
        {"g": ["a", "a", "a", "b"], "d": [TS("2025-01-01"), TS("2025-01-05"), TS("2025-06-01"), TS("2025-01-02")]}
    )
    assert lanes(frame, "g", "d", 30) == [0, 1, 0, 0]


# --------------------------------------------------------------------------------------
# Tiny inline frames: hostile text and empty states
# --------------------------------------------------------------------------------------


def tiny_sources() -> pd.DataFrame:
    return pd.DataFrame({"source_id": ["S001"], "url": ["https://example.org/a"], "publisher": [HOSTILE], "grade": ["B"]})


def tiny_milestones(title: str = HOSTILE) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "milestone_id": ["M001", "M002", "M003"],
            "date": [TS("1978-01-01"), TS("2025-06-12"), TS("2034-01-01")],
            "date_precision": ["year", "day", "year"],
            "end_date": [TS("1979-12-31"), pd.NaT, pd.NaT],
            "title": [title, "Ordinary", "Later"],
            "category": ["geology", HOSTILE, "production"],
            "status": ["done", "slipped", "planned"],
            "project": ["Reko Diq"] * 3,
            "claim_id": [None] * 3,
            "source_ids": ["S001"] * 3,
            "note": [None] * 3,
        }
    )


def tiny_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["C001"],
            "project": ["Reko Diq"],
            "financier": [HOSTILE],
            "financier_type": ["commercial bank"],
            "instrument": ["loan"],
            "amount_usd": [100.0],
            "amount_kind": ["exact"],
            "status": ["signed"],
            "status_date": [TS("2025-06-12")],
            "counts_in_totals": [True],
            "source_ids": ["S001"],
        }
    )


def tiny_ownership() -> tuple[pd.DataFrame, pd.DataFrame]:
    entities = pd.DataFrame(
        {
            "entity_id": ["a", "b", "v", "r"],
            "short_name": [HOSTILE, "Province", "Vehicle <b>", "Rumour Co"],
            "country": ["CAN", "PAK", "PAK", "SAU"],
        }
    )
    ownership = pd.DataFrame(
        {
            "stake_id": ["O001", "O002", "O003", "O004"],
            "holder_id": ["a", "b", "b", "r"],
            "vehicle_id": [None, "v", None, None],
            "stake_pct": [60.0, 30.0, 10.0, 20.0],
            "basis": ["contributing", "fully funded", "free-carried", "contributing"],
            "valid_from": [TS("2000-01-01")] * 3 + [TS("2010-01-01")],
            "valid_to": [pd.NaT] * 4,
            "status": ["in force", "in force", "in force", "rumoured"],
            "source_ids": ["S001"] * 4,
            "note": [HOSTILE, None, None, "talks ended"],
        }
    )
    return ownership, entities


def test_hostile_text_is_escaped_in_timeline():
    sources = tiny_sources()
    milestones = ms_rules.milestone_points(tiny_milestones(), sources)
    events = ms_rules.finance_events(tiny_events(), sources)
    fig = build_timeline(milestones, events, today=TODAY)
    assert_escaped(fig)
    top = [t for t in fig.data if t.mode == "markers" and t.yaxis in (None, "y")]
    assert {t.name for t in top} == {"done", "slipped", "planned"}
    assert {t.name: t.marker.symbol for t in top}["slipped"] == MILESTONE_SYMBOLS["slipped"]
    days = {TS(x).year for t in top for x in t.x}
    assert {1978, 2034} <= days


def test_hostile_text_is_escaped_in_ownership_charts():
    ownership, entities = tiny_ownership()
    sources = tiny_sources()
    stakes = own.split_on(ownership, entities, dt.date(2020, 1, 1))
    assert stakes["stake_pct"].sum() == 100 and "Rumour Co" not in set(stakes["holder"])
    split = build_ownership_split(stakes)
    assert_escaped(split)
    assert sum(split.data[0].values) == pytest.approx(100)
    assert "Vehicle &lt;b&gt;" in split.to_json()
    assert_escaped(build_funded_shares(stakes))
    periods = own.ownership_periods(ownership, entities, dt.date(2020, 1, 1))
    history = build_ownership_history(periods, own.ownership_changes(periods))
    assert_escaped(history)
    rumoured = build_rumoured_stakes(own.other_stakes(ownership, entities, sources))
    assert "Rumour Co" in rumoured.to_json() and "Rumour Co" not in split.to_json()


def test_hostile_text_is_escaped_in_slippage():
    targets = pd.DataFrame(
        {
            "target_id": ["T001", "T002", "T003"],
            "milestone_key": [HOSTILE] * 3,
            "target_label": [HOSTILE, "second", "deferred"],
            "target_date": [TS("2025-06-30"), TS("2025-12-31"), pd.NaT],
            "target_precision": ["month", "half", None],
            "stated_on": [TS("2025-01-01"), TS("2025-06-01"), TS("2026-01-01")],
            "outcome": ["superseded", "superseded", "deferred"],
            "source_ids": ["S001"] * 3,
            "note": [None] * 3,
        }
    )
    fig = build_slippage(ms_rules.slippage_rows(targets, tiny_sources()))
    assert_escaped(fig)
    assert any((t.name or "").endswith(": deferred") for t in fig.data)


@pytest.mark.parametrize("builder", ["split", "funded", "history", "rumoured", "timeline", "slippage"])
def test_empty_inputs_give_a_labelled_empty_figure(builder, data):
    none_stakes = own.split_on(data.ownership, data.entities, dt.date(1980, 1, 1))
    assert none_stakes.empty
    empty_periods = own.ownership_periods(data.ownership.iloc[0:0], data.entities, TODAY)
    figs = {
        "split": lambda: build_ownership_split(none_stakes),
        "funded": lambda: build_funded_shares(none_stakes),
        "history": lambda: build_ownership_history(empty_periods, own.ownership_changes(empty_periods)),
        "rumoured": lambda: build_rumoured_stakes(own.other_stakes(data.ownership.iloc[0:0], data.entities, data.sources)),
        "timeline": lambda: build_timeline(
            ms_rules.milestone_points(data.milestones.iloc[0:0], data.sources),
            ms_rules.finance_events(data.financing.iloc[0:0], data.sources),
            today=TODAY,
        ),
        "slippage": lambda: build_slippage(ms_rules.slippage_rows(data.milestone_targets, data.sources, ("no-such-key",))),
    }
    fig = figs[builder]()
    assert fig.data == ()
    assert fig.layout.annotations and fig.layout.annotations[0].text


def test_timeline_with_only_milestones_says_no_events(data):
    milestones = ms_rules.milestone_points(ms_rules.filter_milestones(data.milestones, Filters()), data.sources)
    events = ms_rules.finance_events(data.financing.iloc[0:0], data.sources)
    fig = build_timeline(milestones, events, today=TODAY)
    assert any("none match" in a.text for a in fig.layout.annotations)
    assert all(t.yaxis in (None, "y") for t in fig.data)


def test_split_ids_stay_unique_when_a_holder_has_two_stakes_in_one_vehicle():
    entities = pd.DataFrame({"entity_id": ["a", "b"], "short_name": ["A", "B"], "country": ["CAN", "PAK"]})
    ownership = pd.DataFrame(
        {
            "stake_id": ["O1", "O2", "O3"],
            "holder_id": ["a", "b", "b"],
            "vehicle_id": [None] * 3,
            "stake_pct": [50.0, 30.0, 20.0],
            "basis": ["contributing", "contributing", "free-carried"],
            "valid_from": [TS("2000-01-01")] * 3,
            "valid_to": [pd.NaT] * 3,
            "status": ["in force"] * 3,
            "source_ids": ["S1"] * 3,
            "note": [None] * 3,
        }
    )
    fig = build_ownership_split(own.split_on(ownership, entities, dt.date(2020, 1, 1)))
    ids = list(fig.data[0].ids)
    assert len(ids) == len(set(ids))
    assert sorted(leaves(fig)[i][0] for i in leaves(fig) if i.startswith("Pakistan/")) == [20, 30]

"""What the pages draw and score stays bounded and correct when the data grows (issue 17, item 3).

The large fixtures are the mini dataset scaled by ``rekodiq.synth`` (every replica a copy of
the original rows with its own ids, claim groups and sources), so the expected values follow
from the mini data itself. Nothing here times anything.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from rekodiq import claims, health, scenario, views
from rekodiq.charts.common import labels_above
from rekodiq.data import load_dataset
from rekodiq.filters import Filters
from rekodiq.synth import write_scaled
from rekodiq.ui import cache
from rekodiq.ui.shown import MAX_TABLE_ROWS, shown
from rekodiq.views import scenario as scenario_views
from rekodiq.views.funding import DISPUTED_CHART_GROUPS

ROOT = Path(__file__).resolve().parents[1]

FACTOR = 15  # the mini data has one disputed claim group (3 versions): 15 groups once scaled


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, mini_data_dir):
    result = load_dataset(write_scaled(FACTOR, tmp_path_factory.mktemp("scaled") / f"x{FACTOR}", source=mini_data_dir))
    assert result.dataset is not None, [str(f) for f in result.report.failures[:5]]
    return result.dataset


def _charted_claim_ids(fig: go.Figure) -> set[str]:
    return {row[0] for trace in fig.data if trace.customdata is not None for row in trace.customdata}


def test_disputed_chart_draws_the_widest_groups_and_counts_the_rest(scaled):
    versions = claims.disputed_points(claims.filter_claims(scaled.financing, Filters()), scaled.sources)
    groups = versions.dropna(subset=["amount_usd"])["claim_group"].nunique()
    assert groups == FACTOR > DISPUTED_CHART_GROUPS
    chart = views.funding.disputed(scaled, Filters())
    drawn = _charted_claim_ids(chart.figure)
    drawn_groups = set(versions.loc[versions["claim_id"].isin(drawn), "claim_group"])
    assert len(drawn_groups) == DISPUTED_CHART_GROUPS
    # Every version of a drawn group is drawn (those with a USD amount), none of the others.
    expected = versions[versions["claim_group"].isin(drawn_groups)].dropna(subset=["amount_usd"])["claim_id"]
    assert drawn == set(expected)
    assert f"{groups - DISPUTED_CHART_GROUPS} more with rival amounts are in the table" in chart.note
    assert len(chart.table) == len(versions)  # the table (and the downloads) keep every version
    assert chart.summary.startswith(f"{groups} commitments have rival figures")


def test_disputed_chart_of_the_mini_data_is_whole_and_says_nothing_extra(mini_dataset):
    chart = views.funding.disputed(mini_dataset, Filters())
    assert chart.note == ""
    assert _charted_claim_ids(chart.figure) == set(chart.table.dropna(subset=["amount_usd"])["claim_id"])


def test_widest_disputes_ranks_by_spread_then_group():
    versions = pd.DataFrame(
        {
            "claim_group": ["a", "a", "b", "b", "c", "c", "d", "d", "e"],
            "claim_id": list("123456789"),
            "amount_usd": [100.0, 400.0, 10.0, 20.0, 5.0, 305.0, None, None, 50.0],
        }
    )
    kept, left_out = claims.widest_disputes(versions, 2)
    assert set(kept["claim_group"]) == {"a", "c"}  # spreads 300 and 300, then b 10 and e 0
    assert list(kept["claim_id"]) == ["1", "2", "5", "6"]  # rows keep their order
    assert left_out == 2  # d states no amount: it cannot be drawn and is not counted
    kept, left_out = claims.widest_disputes(versions, 4)
    assert set(kept["claim_group"]) == {"a", "b", "c", "e"} and left_out == 0
    assert list(claims.widest_disputes(versions, 1)[0]["claim_group"].unique()) == ["a"]  # a tie goes by name
    assert claims.widest_disputes(versions, 10)[1] == 0


def test_health_of_each_replica_equals_its_original(scaled, mini_dataset):
    """Replica k cites replica k's sources (same publishers, dates, grades), so every score repeats."""
    day = dt.date(2026, 11, 27)
    original = health.claim_health(mini_dataset.financing, mini_dataset.sources, day).set_index("claim_id")
    grown = health.claim_health(scaled.financing, scaled.sources, day)
    assert len(grown) == FACTOR * len(original)
    number = grown["claim_id"].str[1:].astype(int) % 1000
    base = grown.assign(claim_id="C" + number.map("{:03d}".format)).set_index("claim_id")
    cols = ["health", "independent_sources", "best_grade", "primary_source"]
    pd.testing.assert_frame_equal(base[cols], original.loc[base.index, cols])


def test_the_grid_of_a_long_table_carries_only_its_own_rows():
    """The first page's Arrow grid is cached with the view: it must not drag the whole column along."""
    long = pd.DataFrame({"text": pd.array([f"row {i} " + "x" * 200 for i in range(5000)], dtype="string[pyarrow]")})
    page = shown(long)
    assert page.total_rows == 5000 and page.arrow is not None and page.arrow.num_rows == MAX_TABLE_ROWS
    assert page.arrow.column("text").to_pylist() == [f"row {i} " + "x" * 200 for i in range(MAX_TABLE_ROWS)]
    assert len(pickle.dumps(page.arrow)) < len(pickle.dumps(long)) / 5


def test_labels_above_keeps_earlier_annotations_and_adds_one_per_row():
    fig = go.Figure()
    fig.add_annotation(text="note", x=1, y=1, showarrow=False)
    labels_above(fig, [0, 1, 2], ["a", "b", "c"], shift=4)
    assert [a.text for a in fig.layout.annotations] == ["note", "a", "b", "c"]
    assert [a.y for a in fig.layout.annotations[1:]] == [0, 1, 2]
    assert {(a.xref, a.yanchor, a.yshift, a.showarrow) for a in fig.layout.annotations[1:]} == {("paper", "bottom", 4, False)}
    assert fig.layout.yaxis.showticklabels is False


def test_scenario_list_offers_the_largest_pending_claims(scaled, monkeypatch):
    pending = scenario.pending_claims(scaled.financing)
    monkeypatch.setattr(scenario_views, "MAX_LISTED_CHOICES", 4)
    listed = scenario_views.listed_choices(scaled)
    assert len(pending) > 4 and list(listed) == sorted(listed)
    largest = pending.sort_values(["amount_usd", "claim_id"], ascending=[False, True], na_position="last").head(4)
    assert set(listed) == set(largest["claim_id"])
    smallest_listed = pending.loc[pending["claim_id"].isin(listed), "amount_usd"].min()
    assert (pending.loc[~pending["claim_id"].isin(listed), "amount_usd"].fillna(-1) <= smallest_listed).all()


def test_a_link_may_pick_a_pending_claim_beyond_the_list(monkeypatch):
    data = load_dataset().dataset
    monkeypatch.setattr(scenario_views, "MAX_LISTED_CHOICES", 2)
    listed = scenario_views.listed_choices(data)
    beyond = next(c for c in scenario.pending_claims(data.financing)["claim_id"] if c not in listed)
    cache._view_result.clear()  # views cached by other tests in this process hold the whole list
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["scenario"] = [beyond]
        at.run()
        at.switch_page("pages/funding.py").run()
        assert not at.exception
        pick = at.multiselect(key="scenario_pick")
        assert pick.value == [beyond]
        assert len(pick.options) == 3  # the two largest, and the one the link named
        pending = len(scenario.pending_claims(data.financing))
        line = f"The list offers the 2 largest of {pending:,} pending claims; a shared link may name any."
        assert line in [t.value for t in at.text]
    finally:
        cache._view_result.clear()

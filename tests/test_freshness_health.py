"""Freshness of views and record health of claims (pure functions, small fixture data)."""

import datetime as dt

import pandas as pd
import pytest

from rekodiq import freshness, health
from rekodiq.views.base import TableView, with_freshness

TODAY = dt.date(2026, 11, 27)


def _sources(rows):
    cols = ["source_id", "publisher", "original_publisher", "is_mirror", "published", "grade"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["published"] = pd.to_datetime(frame["published"])
    return frame


SOURCES = _sources(
    [
        ("S1", "Reuters", None, False, "2025-06-12", "B"),
        ("S2", "Business Recorder", "Reuters", True, "2025-06-12", "B"),  # a copy of S1: one text
        ("S3", "IFC", None, False, "2025-06-13", "A"),
        ("S4", "Blog", None, False, "2025-06-20", "C"),
        ("S5", "Newswire", "IFC", True, "2025-06-13", "A"),  # graded A by mistake, but a mirror
    ]
)


def _claims(rows):
    frame = pd.DataFrame(rows, columns=["claim_id", "source_ids", "last_checked"])
    frame["last_checked"] = pd.to_datetime(frame["last_checked"])
    return frame


def test_mirrors_of_one_text_count_once_and_parts_add_up():
    claims = _claims([("C1", "S1;S2", "2026-11-27"), ("C2", "S1;S3;S4", "2026-11-27"), ("C3", "S4", "2026-11-27")])
    out = health.claim_health(claims, SOURCES, TODAY).set_index("claim_id")
    assert out.loc["C1", "independent_sources"] == 1  # Reuters and its copy
    assert out.loc["C1", "health"] == 15 + 15 + 0 + 25
    assert out.loc["C2", "independent_sources"] == 3
    assert (out.loc["C2", "best_grade"], bool(out.loc["C2", "primary_source"])) == ("A", True)
    assert out.loc["C2", "health"] == 100
    assert out.loc["C3", "health"] == 15 + 5 + 0 + 25


def test_a_mirror_graded_a_is_not_a_primary_source():
    out = health.claim_health(_claims([("C1", "S5", "2026-11-27")]), SOURCES, TODAY)
    assert not out["primary_source"].iloc[0]
    assert out["health"].iloc[0] == 15 + 25 + 0 + 25


@pytest.mark.parametrize(("days", "points"), [(0, 25), (90, 25), (91, 24.9), (272, 12.5), (455, 0), (2000, 0)])
def test_recency_falls_from_90_days_to_zero_a_year_later(days, points):
    assert health.recency_points(days) == pytest.approx(points, abs=0.05)


def test_health_decays_with_the_days_since_the_last_check():
    claims = _claims([("C1", "S3", "2025-06-01")])
    assert health.claim_health(claims, SOURCES, TODAY)["days_since_checked"].iloc[0] == (TODAY - dt.date(2025, 6, 1)).days
    assert health.claim_health(claims, SOURCES, TODAY)["health"].iloc[0] == 15 + 25 + 15 + 0


def test_ledger_filter_by_health_keeps_the_match_counts():
    ledger = pd.DataFrame({"claim_id": ["C1", "C2", "C3"], "health": [40.0, 75.0, 90.0], "counts_in_totals": [True, False, True]})
    shown, note = health.at_least(ledger, 75)
    assert shown["claim_id"].tolist() == ["C2", "C3"]
    assert note == "3 claims match the filters; 2 count in totals. 2 have a record health of at least 75."
    assert health.at_least(ledger, 0)[0] is ledger


def test_freshness_of_a_table_reads_its_id_columns(mini_dataset):
    fin = mini_dataset.financing
    first, second = fin.iloc[0], fin.iloc[1]
    table = pd.DataFrame({"claim_ids": [f"{first.claim_id};{second.claim_id}"], "amount_usd": [1.0]})
    current = freshness.of_table(mini_dataset, table)
    assert current.n_rows == 2
    assert current.latest_status == max(first.status_date, second.status_date).date()
    assert current.checked_oldest == min(first.last_checked, second.last_checked).date()
    assert "2 rows last checked against their sources" in current.text()


def test_a_table_without_curated_rows_has_no_freshness(mini_dataset):
    view = with_freshness(TableView(pd.DataFrame({"grade": ["A"], "sources": [3]})), mini_dataset)
    assert view.freshness is None


def test_newest_source_and_rows_checked_for_the_release(mini_dataset):
    assert freshness.newest_source(mini_dataset) == mini_dataset.sources["published"].max().date()
    checked = freshness.checked_in_release(mini_dataset)
    assert (checked["last_checked"] >= pd.Timestamp(mini_dataset.last_updated)).all()
    assert set(checked["file"]) <= {f"{t}.csv" for t, _, _ in freshness.ROW_DATES}

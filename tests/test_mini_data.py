"""The frozen mini dataset that chart tests draw from: valid, and broad enough to draw every chart."""

from __future__ import annotations

from rekodiq.data import TABLES

from data_files import MINI_DATA, loader_files


def test_mini_data_is_valid_and_small(mini_dataset):
    for name in TABLES:
        rows = len(mini_dataset.table(name))
        assert 0 < rows <= 90, (name, rows)
    assert mini_dataset.version.startswith("mini-fixture")


def test_mini_data_covers_what_the_charts_draw(mini_dataset):
    fin = mini_dataset.financing
    assert {"Reko Diq"} < set(fin["project"]), "Reko Diq and peer deals"
    assert {"loan", "senior loan", "ECA cover", "guarantee", "equity", "supply contract"} <= set(fin["instrument"])
    assert {"rumoured", "expected", "announced", "board-approved", "signed"} <= set(fin["status"])
    assert fin["counts_in_totals"].any() and (~fin["counts_in_totals"]).any()
    assert fin["supersedes"].ne("").any(), "a superseded version"
    assert len(set(fin["host_country"])) >= 3
    kpis = mini_dataset.kpis
    assert {"phase1-capex", "debt-target", "phase1-all-in-cost"} <= set(kpis["kpi"])
    ms = mini_dataset.milestones
    assert "security" in set(ms["category"]) and {"done", "planned", "under review"} <= set(ms["status"])
    assert ms["end_date"].notna().any(), "a span"
    targets = mini_dataset.milestone_targets
    for key in ("financial-close", "first-production"):
        mine = targets[targets["milestone_key"] == key]
        assert mine["target_date"].notna().sum() >= 2 and mine["target_date"].isna().any(), f"{key}: moved, then deferred"
    own = mini_dataset.ownership
    assert own["stake_fraction"].fillna("").ne("").any(), "an exact fraction (25/3)"
    for table in ("financing", "kpis", "milestones", "milestone_targets", "ownership"):
        assert mini_dataset.table(table)["last_checked"].notna().all(), table


def test_mini_data_folder_holds_only_what_the_loader_reads():
    on_disk = {p.name for p in MINI_DATA.iterdir() if p.is_file()}
    assert on_disk == set(loader_files()) | {"README.md"}
